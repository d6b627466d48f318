package dev.meridian.txn;

import static dev.meridian.txn.ManualHarness.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.Timestamp;
import org.junit.jupiter.api.Test;

class GcDaemonTest {

  private static final long TTL_MICROS = 10_000_000;
  private static final long INTERVAL_MICROS = 1_000_000;

  private final ManualHarness node = new ManualHarness();

  /** Runs the collection inline: on virtual time the "blocking" work is just another step. */
  private final GcDaemon gc =
      new GcDaemon(node.engine, node.trueTime, node.loop, Runnable::run, TTL_MICROS, INTERVAL_MICROS);

  @Test
  void versionsOlderThanTheTtlAreCollectedAndReadsBelowTheHorizonFail() {
    node.write("k", "v1");
    Timestamp firstVersionTime = Timestamp.ofMicros(node.trueTime.now().latestMicros());
    node.clock.advanceMicros(1_000);
    node.write("k", "v2");
    gc.start();

    // Within the TTL nothing is collected and the old snapshot stays readable.
    node.loop.advanceNanos(5 * INTERVAL_MICROS * 1_000);
    assertThat(gc.lastResult()).as("passes ran").isNotNull();
    assertThat(gc.versionsRemovedTotal()).isZero();
    assertThat(node.await(node.client.beginReadOnly(TimestampBound.at(firstVersionTime)).get(key("k"))))
        .map(ManualHarness::text)
        .contains("v1");

    // Past the TTL, a pass raises the horizon above the old version and removes it.
    node.loop.advanceNanos(TTL_MICROS * 1_000);
    assertThat(gc.versionsRemovedTotal()).isEqualTo(1);
    assertThat(node.engine.gcHorizon()).isGreaterThan(firstVersionTime);
    assertThat(node.awaitFailure(node.client.beginReadOnly(TimestampBound.at(firstVersionTime)).get(key("k"))))
        .isInstanceOf(TxnTooOldException.class);
    assertThat(node.await(node.client.beginReadOnly(TimestampBound.strong()).get(key("k"))))
        .map(ManualHarness::text)
        .contains("v2");
  }

  @Test
  void aReadWriteTransactionOlderThanTheHorizonIsToldToRetry() {
    node.write("k", "v1");
    ReadWriteTransaction old = node.client.beginReadWrite();
    node.await(old.get(key("k")));
    old.put(key("k"), ManualHarness.bytes("late"));
    gc.start();
    node.loop.advanceNanos((TTL_MICROS + 2 * INTERVAL_MICROS) * 1_000);
    Throwable failure = node.awaitFailure(old.commit());
    assertThat(failure).isInstanceOf(TxnConflictException.class).hasMessageContaining("GC horizon");
    assertThat(((TxnException) failure).isRetryable()).isTrue();
  }

  @Test
  void stopEndsThePasses() {
    gc.start();
    gc.stop();
    node.loop.advanceNanos((TTL_MICROS + 5 * INTERVAL_MICROS) * 1_000);
    assertThat(gc.lastResult()).isNull();
    assertThat(node.loop.pendingTasks()).isZero();
  }
}
