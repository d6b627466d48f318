package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.Timestamp;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Commit wait and timestamp order on one node (DESIGN.md §6, "External consistency"). */
class ExternalConsistencyTest {

  private final ManualHarness node = new ManualHarness();

  @Test
  void aCommitIsAcknowledgedOnlyOnceItsTimestampHasPassedInTrueTime() {
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("k"), bytes("v"));
    boolean[] afterHeldAtAck = new boolean[1];
    long[] earliestAtAck = new long[1];
    CompletableFuture<Timestamp> ack =
        txn.commit()
            .whenComplete(
                (commitTs, failure) -> {
                  afterHeldAtAck[0] = node.trueTime.after(commitTs.micros());
                  earliestAtAck[0] = node.trueTime.now().earliestMicros();
                });

    // Without time passing the commit is durable (in-memory engine) but must not be acknowledged.
    node.loop.runDue();
    assertThat(ack).isNotDone();

    Timestamp commitTs = node.await(ack);
    assertThat(afterHeldAtAck[0]).isTrue();
    assertThat(earliestAtAck[0]).isGreaterThan(commitTs.micros());
    // Commit wait lasts about two epsilons: the clock had to move past the uncertainty.
    assertThat(commitTs.micros()).isGreaterThan(txn.readTs().micros());
  }

  @Test
  void theAckComesAtTheFirstMicrosecondWhenAfterHoldsAndNotBefore() {
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("k"), bytes("v"));
    CompletableFuture<Timestamp> ack = txn.commit();
    node.loop.runDue();
    long commitMicros = node.range.stats().lastAssignedTs().micros();
    assertThat(commitMicros).isGreaterThan(txn.readTs().micros());
    int microsWaited = 0;
    while (!node.trueTime.after(commitMicros)) {
      assertThat(ack).as("acknowledged while TT.after(commitTs) is false").isNotDone();
      node.loop.advanceNanos(1_000); // runs every timer that falls due in this microsecond
      microsWaited++;
      assertThat(microsWaited).as("commit wait should end within 2 epsilon").isLessThan(100_000);
    }
    node.loop.runDue();
    assertThat(ack).isDone();
    assertThat(ack.join().micros()).isEqualTo(commitMicros);
  }

  @Test
  void causallyOrderedTransactionsGetIncreasingTimestamps() {
    Timestamp previous = Timestamp.ZERO;
    for (int i = 0; i < 50; i++) {
      ReadWriteTransaction txn = node.client.beginReadWrite();
      // Each transaction begins after the previous one was acknowledged: it must read at or above,
      // and commit above, the previous commit timestamp.
      assertThat(txn.readTs()).isGreaterThan(previous);
      node.await(txn.get(key("k" + (i % 3))));
      txn.put(key("k" + (i % 3)), bytes("v" + i));
      Timestamp commitTs = node.await(txn.commit());
      assertThat(commitTs).isGreaterThan(previous).isGreaterThan(txn.readTs());
      previous = commitTs;
      node.clock.advanceMicros(i * 37 % 500);
    }
  }

  @Test
  void aStrongReadAfterAnAcknowledgedCommitSeesIt() {
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("k"), bytes("v"));
    Timestamp commitTs = node.await(txn.commit());
    ReadOnlyTransaction reader = node.client.beginReadOnly(TimestampBound.strong());
    assertThat(reader.readTs()).isGreaterThanOrEqualTo(commitTs);
    assertThat(node.await(reader.get(key("k")))).isPresent();
  }
}
