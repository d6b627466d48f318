package dev.meridian.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.txn.range.RangeLeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The range leader tells its listener how long each commit waited for {@code TT.after(commitTs)}:
 * on virtual time with the default 1 ms uncertainty that is twice epsilon plus the two microseconds
 * the timestamp sits above {@code latest} and {@code earliest} must pass it by (and the drift the
 * epsilon gains meanwhile); a read-only commit does not wait, and neither does the planted bug.
 */
class CommitWaitListenerTest {

  @Test
  void eachCommitThatWritesReportsItsWait() {
    List<Long> waits = new ArrayList<>();
    ManualHarness node = new ManualHarness(new InMemoryMvccEngine(), Set.of(), waits::add);
    node.write("a", "1");
    node.write("b", "2");
    ReadWriteTransaction readOnly = node.client.beginReadWrite();
    node.await(readOnly.get(ManualHarness.key("a")));
    node.await(readOnly.commit());

    assertThat(waits).hasSize(2);
    long twiceEpsilonNanos = 2 * 1_000_000L;
    // Drift at 200 ppm adds well under a microsecond per millisecond waited to each epsilon.
    assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(twiceEpsilonNanos + 2_000, twiceEpsilonNanos + 6_000));
  }

  @Test
  void skippedCommitWaitReportsNothing() {
    List<Long> waits = new ArrayList<>();
    ManualHarness node = new ManualHarness(new InMemoryMvccEngine(), Set.of(RangeLeader.PlantedBug.SKIP_COMMIT_WAIT),
        waits::add);
    node.write("a", "1");
    assertThat(waits).isEmpty();
  }
}
