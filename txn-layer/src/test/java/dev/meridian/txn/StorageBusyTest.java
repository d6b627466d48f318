package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.ForwardingMvccEngine;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.storage.mvcc.StorageBusyException;
import dev.meridian.storage.mvcc.Write;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A disk that cannot keep up refuses writes; the transaction fails retryably and leaves no trace. */
class StorageBusyTest {

  /** Refuses the first commit as a full write queue would. */
  private static final class BusyOnce extends ForwardingMvccEngine {
    private int refusals = 1;

    BusyOnce() {
      super(new InMemoryMvccEngine());
    }

    @Override
    public CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs) {
      if (refusals-- > 0) {
        throw new StorageBusyException("the write queue is full");
      }
      return super.commit(writes, commitTs);
    }
  }

  @Test
  void aRefusedCommitFailsRetryablyReleasesItsLocksAndWritesNothing() {
    ManualHarness node = new ManualHarness(new BusyOnce());

    ReadWriteTransaction refused = node.client.beginReadWrite();
    refused.put(key("k"), bytes("v"));
    Throwable failure = node.awaitFailure(refused.commit());
    assertThat(failure).isInstanceOf(TxnUnavailableException.class).hasMessageContaining("disk");
    assertThat(((TxnException) failure).isRetryable()).isTrue();
    assertThat(node.await(node.client.beginReadOnly(TimestampBound.strong()).get(key("k")))).isEmpty();

    // The refused commit's lock is gone: the same key commits at once afterwards.
    ReadWriteTransaction retry = node.client.beginReadWrite();
    retry.put(key("k"), bytes("v"));
    node.await(retry.commit());
    assertThat(node.await(node.client.beginReadOnly(TimestampBound.strong()).get(key("k")))).isPresent();
  }
}
