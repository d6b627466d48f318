package dev.meridian.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.mvcc.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {

  private static StorageException failure(String what, Throwable cause) {
    return new StorageException(what + " in /data/test", cause);
  }

  @Test
  void groupsKeepSubmissionOrder() {
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    GatedThreadFactory gate = new GatedThreadFactory();
    GroupCommitter<Integer> committer =
        new GroupCommitter<>(7, 1000, written::addAll, GroupCommitterTest::failure, gate);
    List<CompletableFuture<Void>> futures =
        IntStream.range(0, 100).mapToObj(committer::submit).toList();
    gate.open();
    futures.forEach(CompletableFuture::join);
    committer.stop();
    assertThat(written).isEqualTo(IntStream.range(0, 100).boxed().toList());
    assertThat(committer.groupsWritten()).isEqualTo(15); // 14 groups of 7, then 2
    assertThat(committer.largestGroup()).isEqualTo(7);
  }

  @Test
  void aFailedWriteFailsItsGroupAndEveryLaterOne() {
    List<List<String>> attempts = Collections.synchronizedList(new ArrayList<>());
    GroupCommitter<String> committer =
        new GroupCommitter<>(
            16,
            16,
            group -> {
              attempts.add(List.copyOf(group));
              throw new IOException("fsync: input/output error");
            },
            GroupCommitterTest::failure,
            new NamedThreadFactory("test-sync"));

    CompletableFuture<Void> first = committer.submit("a");
    assertThatThrownBy(first::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("/data/test")
        .hasRootCauseMessage("fsync: input/output error");

    CompletableFuture<Void> later = committer.submit("b");
    assertThatThrownBy(later::join)
        .cause()
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("earlier synced write failed");
    assertThat(attempts).containsExactly(List.of("a"));
    committer.stop();
    assertThatThrownBy(() -> committer.submit("c")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void stopWritesWhatIsQueuedFirst() throws Exception {
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    GatedThreadFactory gate = new GatedThreadFactory();
    GroupCommitter<Integer> committer =
        new GroupCommitter<>(4, 100, written::addAll, GroupCommitterTest::failure, gate);
    List<CompletableFuture<Void>> futures =
        IntStream.range(0, 10).mapToObj(committer::submit).toList();
    Thread stopper = new Thread(committer::stop);
    stopper.start();
    gate.open();
    stopper.join();
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(written).hasSize(10);
    assertThat(committer.pending()).isZero();
  }
}
