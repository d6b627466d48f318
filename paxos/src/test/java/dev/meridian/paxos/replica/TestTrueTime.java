package dev.meridian.paxos.replica;

import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;

/**
 * TrueTime over a shared manual clock (true time), with a per-node offset and epsilon such that the
 * interval always contains true time ({@code |offset| <= epsilon}): clocks disagree, but within the
 * TrueTime guarantee.
 */
final class TestTrueTime implements TrueTime {

  private final ManualClock clock;
  private long offsetMicros;
  private final long epsilonMicros;

  TestTrueTime(ManualClock clock, long offsetMicros, long epsilonMicros) {
    if (Math.abs(offsetMicros) > epsilonMicros) {
      throw new IllegalArgumentException("offset beyond epsilon would break TrueTime");
    }
    this.clock = clock;
    this.offsetMicros = offsetMicros;
    this.epsilonMicros = epsilonMicros;
  }

  void setOffsetMicros(long offsetMicros) {
    if (Math.abs(offsetMicros) > epsilonMicros) {
      throw new IllegalArgumentException("offset beyond epsilon would break TrueTime");
    }
    this.offsetMicros = offsetMicros;
  }

  @Override
  public TTInterval now() {
    long estimate = clock.wallClockMicros() + offsetMicros;
    return new TTInterval(estimate - epsilonMicros, estimate + epsilonMicros);
  }
}
