package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.ForwardingMvccEngine;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.range.RangeLeader.PlantedBug;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Each planted bug changes exactly the behaviour it names, and a leader without it keeps the
 * guarantee: these are the bugs the Jepsen runner must catch (e2e PlantedBugsIT).
 */
class PlantedBugsTest {

  /** Write skew: both read a and b, one writes a, the other b. Returns whether the second committed. */
  private static boolean writeSkewSecondCommits(ManualHarness node) {
    node.write("a", "1");
    node.write("b", "1");
    ReadWriteTransaction first = node.client.beginReadWrite();
    ReadWriteTransaction second = node.client.beginReadWrite();
    for (ReadWriteTransaction txn : new ReadWriteTransaction[] {first, second}) {
      node.await(txn.get(key("a")));
      node.await(txn.get(key("b")));
    }
    first.put(key("a"), bytes("0"));
    second.put(key("b"), bytes("0"));
    node.await(first.commit());
    try {
      node.await(second.commit());
      return true;
    } catch (TxnConflictException e) {
      return false;
    }
  }

  @Test
  void skipReadValidationLetsWriteSkewCommit() {
    assertThat(writeSkewSecondCommits(new ManualHarness())).as("without the bug").isFalse();
    ManualHarness planted = new ManualHarness(new InMemoryMvccEngine(), Set.of(PlantedBug.SKIP_READ_VALIDATION));
    assertThat(writeSkewSecondCommits(planted)).as("with SKIP_READ_VALIDATION").isTrue();
    assertThat(planted.range.plantedBugs()).containsExactly(PlantedBug.SKIP_READ_VALIDATION);
  }

  @Test
  void skipReadValidationStillRefusesAWriteToAKeyBeingCommitted() {
    ManualHarness node = new ManualHarness(new InMemoryMvccEngine(), Set.of(PlantedBug.SKIP_READ_VALIDATION));
    ReadWriteTransaction first = node.client.beginReadWrite();
    ReadWriteTransaction second = node.client.beginReadWrite();
    first.put(key("k"), bytes("1"));
    second.put(key("k"), bytes("2"));
    CompletableFuture<Timestamp> firstAck = first.commit();
    node.loop.runDue(); // first is now in flight (in commit wait), holding k
    assertThat(node.awaitFailure(second.commit())).isInstanceOf(TxnConflictException.class);
    node.await(firstAck);
  }

  /** Commits one write and runs the loop without moving time; returns the ack and the commit timestamp. */
  private static boolean acknowledgedBeforeTrueTimeAfter(ManualHarness node) {
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("k"), bytes("v"));
    CompletableFuture<Timestamp> ack = txn.commit();
    node.loop.runDue();
    long commitMicros = node.range.stats().lastAssignedTs().micros();
    boolean early = ack.isDone() && !node.trueTime.after(commitMicros);
    node.await(ack);
    return early;
  }

  @Test
  void skipCommitWaitAcknowledgesBeforeTrueTimeAfterTheCommitTimestamp() {
    assertThat(acknowledgedBeforeTrueTimeAfter(new ManualHarness())).as("without the bug").isFalse();
    assertThat(acknowledgedBeforeTrueTimeAfter(
        new ManualHarness(new InMemoryMvccEngine(), Set.of(PlantedBug.SKIP_COMMIT_WAIT))))
        .as("with SKIP_COMMIT_WAIT").isTrue();
  }

  /** An engine whose synced writes complete only when the test says, and then fail: a crash. */
  private static final class HeldSync extends ForwardingMvccEngine {
    final CompletableFuture<Void> sync = new CompletableFuture<>();

    HeldSync() {
      super(new InMemoryMvccEngine());
    }

    @Override
    public CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs) {
      return super.commit(writes, commitTs).thenCompose(ignored -> sync);
    }
  }

  @Test
  void withoutTheBugACommitIsAcknowledgedOnlyOnceDurable() {
    HeldSync engine = new HeldSync();
    ManualHarness node = new ManualHarness(engine);
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("k"), bytes("v"));
    CompletableFuture<Timestamp> ack = txn.commit();
    node.loop.advanceNanos(1_000_000_000L); // commit wait is long over
    assertThat(ack).isNotDone();
    engine.sync.completeExceptionally(new UncheckedIOException(new IOException("crashed before fsync")));
    assertThat(node.awaitFailure(ack)).isInstanceOf(TxnOutcomeUnknownException.class);
  }

  @Test
  void ackBeforeDurableAcknowledgesACommitThatTheDiskThenLoses() {
    HeldSync engine = new HeldSync();
    ManualHarness node = new ManualHarness(engine, Set.of(PlantedBug.ACK_BEFORE_DURABLE));
    ReadWriteTransaction txn = node.client.beginReadWrite();
    txn.put(key("k"), bytes("v"));
    Timestamp commitTs = node.await(txn.commit());
    assertThat(node.trueTime.after(commitTs.micros())).as("commit wait still holds").isTrue();

    // The keys stay locked until the write lands: a read above the commit waits for it.
    ReadOnlyTransaction reader = node.client.beginReadOnly(TimestampBound.strong());
    CompletableFuture<Optional<byte[]>> read = reader.get(key("k"));
    node.loop.advanceNanos(1_000_000_000L);
    assertThat(read).isNotDone();

    // The write never becomes durable: the client was told "committed" all the same.
    engine.sync.completeExceptionally(new UncheckedIOException(new IOException("crashed before fsync")));
    assertThat(node.awaitFailure(read)).isInstanceOf(TxnUnavailableException.class);
    assertThat(node.range.stats().commitsApplied()).isZero();
  }
}
