package dev.meridian.txn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.storage.mvcc.MvccEngine;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.txn.range.RangeLeader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One node on virtual time: a manual clock and scheduler, the local TrueTime, an in-memory engine, a
 * range leader and a client. Tests drive the scheduler explicitly, so every run is the same.
 */
final class ManualHarness {

  static final long START_WALL_MICROS = 1_700_000_000_000_000L;

  final ManualClock clock = new ManualClock(START_WALL_MICROS);
  final ManualScheduler loop = new ManualScheduler(clock);
  final LocalTrueTime trueTime = new LocalTrueTime(clock, LocalTrueTime.Config.defaults());
  final MvccEngine engine;
  final RangeLeader range;
  final TxnClient client;

  ManualHarness() {
    this(new InMemoryMvccEngine());
  }

  ManualHarness(MvccEngine engine) {
    this(engine, Set.of());
  }

  ManualHarness(MvccEngine engine, Set<RangeLeader.PlantedBug> plantedBugs) {
    this(engine, plantedBugs, waitedNanos -> {});
  }

  ManualHarness(MvccEngine engine, Set<RangeLeader.PlantedBug> plantedBugs, RangeLeader.CommitWaitListener commitWait) {
    this.engine = engine;
    this.range = new RangeLeader(engine, trueTime, loop, plantedBugs, commitWait);
    this.client = new TxnClient(1, range, trueTime, RandomSource.seeded(42));
  }

  /** Runs the loop (moving virtual time as needed) until {@code future} is done; returns its value. */
  <T> T await(CompletableFuture<T> future) {
    int steps = 0;
    while (!future.isDone()) {
      assertThat(loop.runNext()).as("loop ran dry before the future completed").isTrue();
      assertThat(++steps).as("future did not complete within 1e6 loop steps").isLessThan(1_000_000);
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }

  /** The failure of {@code future} once the loop has run it to completion. */
  Throwable awaitFailure(CompletableFuture<?> future) {
    try {
      await(future);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected the future to fail, but it completed normally");
  }

  static Key key(String text) {
    return Key.utf8(text);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Commits one transaction that writes {@code value} to {@code key}; returns after the ack. */
  void write(String key, String value) {
    ReadWriteTransaction txn = client.beginReadWrite();
    txn.put(key(key), bytes(value));
    await(txn.commit());
  }
}
