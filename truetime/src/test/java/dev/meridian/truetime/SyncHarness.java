package dev.meridian.truetime;

import dev.meridian.runtime.PhysicalClock;
import dev.meridian.runtime.manual.ManualClock;
import java.util.ArrayList;
import java.util.List;

/**
 * Virtual time for {@link SyncedTrueTime} tests: true time is a {@link ManualClock}; the node and
 * each master have their own {@link FaultyPhysicalClock} over it. A round asks every master in turn,
 * moving true time by the trip out and back, as a real daemon's round trips would.
 */
final class SyncHarness {

  static final long START_MICROS = 1_700_000_000_000_000L;

  /** A master: its clock and the uncertainty it declares (a liar's clock is off by more). */
  record Master(String name, FaultyPhysicalClock clock, long declaredMicros) {}

  final ManualClock truth = new ManualClock(START_MICROS);
  final FaultyPhysicalClock node = new FaultyPhysicalClock(truth);
  final List<Master> masters = new ArrayList<>();

  Master addMaster(String name, long offsetMicros, long declaredMicros) {
    FaultyPhysicalClock clock = new FaultyPhysicalClock(truth);
    clock.setOffsetMicros(offsetMicros);
    Master master = new Master(name, clock, declaredMicros);
    masters.add(master);
    return master;
  }

  SyncedTrueTime newTrueTime(SyncedTrueTime.Config config) {
    return new SyncedTrueTime(node, config);
  }

  /** Polls every master with trips of {@code outMicros} and {@code backMicros}; {@code silent} do not answer. */
  SyncedTrueTime.RoundOutcome round(SyncedTrueTime tt, long outMicros, long backMicros, String... silent) {
    List<TimeSample> samples = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    for (Master master : masters) {
      if (List.of(silent).contains(master.name())) {
        unanswered.add(master.name());
        continue;
      }
      long send = node.monotonicNanos();
      truth.advanceMicros(outMicros);
      long wall = master.clock().wallClockMicros();
      truth.advanceMicros(backMicros);
      samples.add(new TimeSample(master.name(), send, node.monotonicNanos(), wall, master.declaredMicros()));
    }
    return tt.onSyncRound(samples, unanswered);
  }

  long trueMicros() {
    return truth.wallClockMicros();
  }

  PhysicalClock nodeClock() {
    return node;
  }
}
