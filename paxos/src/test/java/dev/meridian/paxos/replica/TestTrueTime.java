package dev.meridian.paxos.replica;

import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.truetime.ClockUnavailableException;
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
  private boolean fenced;

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

  /** Fences (or unfences) the clock: {@link #now()} throws while fenced, as a real node's would. */
  void setFenced(boolean fenced) {
    this.fenced = fenced;
  }

  @Override
  public TTInterval now() {
    if (fenced) {
      throw new ClockUnavailableException(ClockUnavailableException.Reason.NO_MAJORITY, "fenced by the test", 0);
    }
    long estimate = clock.wallClockMicros() + offsetMicros;
    return new TTInterval(estimate - epsilonMicros, estimate + epsilonMicros);
  }
}
