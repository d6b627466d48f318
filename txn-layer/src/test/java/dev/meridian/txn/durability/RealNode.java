package dev.meridian.txn.durability;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.runtime.real.SystemPhysicalClock;
import dev.meridian.storage.rocks.RocksMvccEngine;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.txn.TxnClient;
import dev.meridian.txn.range.RangeLeader;
import java.nio.file.Path;

/** A node on real threads, the system clock and RocksDB, for the tests that need them. */
final class RealNode implements AutoCloseable {

  final EventLoop loop = new EventLoop("test-range-loop");
  final LocalTrueTime trueTime =
      new LocalTrueTime(SystemPhysicalClock.INSTANCE, LocalTrueTime.Config.defaults());
  final RocksMvccEngine engine;
  final RangeLeader range;
  final TxnClient client;

  RealNode(Path dataDir, long seed) {
    engine =
        RocksMvccEngine.open(dataDir, RocksMvccEngine.Options.defaults(), new NamedThreadFactory("test-sync"));
    range = new RangeLeader(engine, trueTime, loop);
    client = new TxnClient(1, range, trueTime, RandomSource.seeded(seed));
  }

  /** Fails the test if any loop task threw: a protocol bug must not go unnoticed. */
  void assertNoLoopFailure() {
    if (loop.firstFailure() != null) {
      throw new AssertionError("a task on the range loop failed", loop.firstFailure());
    }
  }

  @Override
  public void close() {
    loop.close();
    engine.close();
  }
}
