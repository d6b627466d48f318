package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.bytes;
import static dev.meridian.txn.ManualHarness.key;
import static dev.meridian.txn.ManualHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReadOnlyTransactionTest {

  private final ManualHarness node = new ManualHarness();

  @Test
  void aStrongReadWaitsForACommitInFlightBelowItsTimestamp() {
    ReadWriteTransaction writer = node.client.beginReadWrite();
    writer.put(key("k"), bytes("new"));
    CompletableFuture<Timestamp> ack = writer.commit();
    node.loop.runDue(); // the commit has its timestamp and is waiting out its uncertainty
    assertThat(ack).isNotDone();
    node.clock.advanceMicros(node.trueTime.now().epsilonMicros() * 2 + 10);

    ReadOnlyTransaction reader = node.client.beginReadOnly(TimestampBound.strong());
    CompletableFuture<Optional<byte[]>> read = reader.get(key("k"));
    assertThat(node.await(read)).map(ManualHarness::text).contains("new");
    assertThat(ack).isDone();
  }

  @Test
  void readOnlyTransactionsNeverAbortAndDoNotDelayWriters() {
    node.write("k", "1");
    ReadOnlyTransaction reader = node.client.beginReadOnly(TimestampBound.strong());
    assertThat(node.await(reader.get(key("k")))).map(ManualHarness::text).contains("1");
    // A writer commits over what the reader read; the reader keeps its snapshot and never fails.
    node.write("k", "2");
    assertThat(node.await(reader.get(key("k")))).map(ManualHarness::text).contains("1");
    assertThat(node.await(reader.scan(KeySpan.all(), Direction.FORWARD, 10))).hasSize(1);
    assertThat(node.range.stats().conflicts()).isZero();
  }

  @Test
  void exactStalenessAndAtTimestampReadOlderSnapshots() {
    ReadWriteTransaction first = node.client.beginReadWrite();
    first.put(key("k"), bytes("old"));
    Timestamp oldTs = node.await(first.commit());
    node.clock.advanceMicros(10_000_000);
    node.write("k", "new");

    assertThat(node.await(node.client.beginReadOnly(TimestampBound.at(oldTs)).get(key("k"))))
        .map(ManualHarness::text)
        .contains("old");
    assertThat(
            node.await(
                node.client.beginReadOnly(TimestampBound.exactStaleness(5_000_000)).get(key("k"))))
        .map(ManualHarness::text)
        .contains("old");
    assertThat(node.await(node.client.beginReadOnly(TimestampBound.strong()).get(key("k"))))
        .map(ManualHarness::text)
        .contains("new");
  }

  @Test
  void aReadInTheFutureWaitsUntilItsTimestampArrives() {
    long futureMicros = node.trueTime.now().latestMicros() + 50_000;
    ReadOnlyTransaction reader =
        node.client.beginReadOnly(TimestampBound.at(Timestamp.ofMicros(futureMicros)));
    CompletableFuture<Optional<byte[]>> read = reader.get(key("k"));
    node.loop.runDue();
    assertThat(read).isNotDone();
    node.await(read);
    assertThat(node.trueTime.now().latestMicros()).isGreaterThanOrEqualTo(futureMicros);
    // Nothing can now commit at or below the timestamp that was read.
    ReadWriteTransaction writer = node.client.beginReadWrite();
    writer.put(key("k"), bytes("v"));
    assertThat(node.await(writer.commit()).micros()).isGreaterThan(futureMicros);
  }

  @Test
  void aReadBelowTheGcHorizonFailsClearly() {
    node.write("k", "v1");
    Timestamp early = Timestamp.ofMicros(node.trueTime.now().latestMicros());
    node.clock.advanceMicros(1_000_000);
    node.write("k", "v2");
    node.engine.collectGarbage(Timestamp.ofMicros(node.trueTime.now().earliestMicros()));

    Throwable failure =
        node.awaitFailure(node.client.beginReadOnly(TimestampBound.at(early)).get(key("k")));
    assertThat(failure).isInstanceOf(TxnTooOldException.class).hasMessageContaining("GC horizon");
    assertThat(text(node.await(node.client.beginReadOnly(TimestampBound.strong()).get(key("k"))).orElseThrow()))
        .isEqualTo("v2");
  }
}
