package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.ForwardingMvccEngine;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.storage.mvcc.Write;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A synced write that fails after it was queued may or may not have reached the disk: the commit's
 * outcome is unknown, which is never reported as retryable (a blind retry could apply it twice).
 * Later commits on the range are refused before anything is queued, which is retryable.
 */
class StorageFailureTest {

  /** Applies the first commit's writes, then reports that the sync failed: the worst case. */
  private static final class FailsAfterWriting extends ForwardingMvccEngine {
    private boolean failed;

    FailsAfterWriting() {
      super(new InMemoryMvccEngine());
    }

    @Override
    public CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs) {
      CompletableFuture<Void> written = super.commit(writes, commitTs);
      if (failed) {
        return written;
      }
      failed = true;
      return written.thenCompose(ignored ->
          CompletableFuture.failedFuture(new UncheckedIOException(new IOException("fsync failed"))));
    }
  }

  @Test
  void aCommitWhoseSyncFailedHasAnUnknownOutcomeNeverARetryableOne() {
    ManualHarness node = new ManualHarness(new FailsAfterWriting());

    ReadWriteTransaction first = node.client.beginReadWrite();
    first.put(key("k"), bytes("v"));
    Throwable failure = node.awaitFailure(first.commit());
    assertThat(failure).isInstanceOf(TxnOutcomeUnknownException.class)
        .hasMessageContaining("unknown")
        .hasMessageContaining(first.id().toString());
    assertThat(((TxnException) failure).isRetryable()).isFalse();

    // The range no longer commits: refused before queuing, so those are certainly not applied.
    ReadWriteTransaction next = node.client.beginReadWrite();
    next.put(key("other"), bytes("v"));
    Throwable refused = node.awaitFailure(next.commit());
    assertThat(refused).isInstanceOf(TxnUnavailableException.class);
    assertThat(((TxnException) refused).isRetryable()).isTrue();
  }
}
