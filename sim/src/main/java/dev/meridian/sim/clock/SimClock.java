package dev.meridian.sim.clock;

import dev.meridian.runtime.PhysicalClock;
import dev.meridian.runtime.RandomSource;
import dev.meridian.sim.SimViolation;
import dev.meridian.truetime.FaultyPhysicalClock;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;

/**
 * One simulated node's clocks: a {@link FaultyPhysicalClock} over the simulator's true time, with a
 * constant offset and an oscillator drift, read through the node's own {@link LocalTrueTime}.
 *
 * <h2>Staying inside the TrueTime bound</h2>
 *
 * {@link LocalTrueTime} trusts its wall clock to within {@code baseUncertaintyMicros} at every sync
 * (keeping it there is NTP's job, DESIGN.md §4), and covers the drift of the monotonic clock between
 * syncs with its drift bound. A drifting oscillator moves the wall clock too, so this class plays NTP:
 * {@link #discipline()} (called every {@link #DISCIPLINE_PERIOD_MICROS}) steps the wall clock back to
 * within a quarter of the base uncertainty whenever its error has grown past half of it. With the
 * drift at most the assumed bound (200 ppm), the error accumulated between two disciplines is at most
 * 200 µs, so the wall clock stays within {@code base/2 + 200 µs <= base} of true time; the
 * corrections are smaller than the configured jump tolerance, so they are not mistaken for faults.
 *
 * <p>Every interval the node's TrueTime hands out is checked against true time ({@link
 * CheckedTrueTime}): an interval that misses it means this model is wrong, and fails the run as a
 * simulator bug rather than letting it pass for a protocol bug.
 */
public final class SimClock {

  public static final long DISCIPLINE_PERIOD_MICROS = 1_000_000;

  private final PhysicalClock truth;
  private final FaultyPhysicalClock physical;
  private final LocalTrueTime.Config config;
  private final RandomSource random;
  private final boolean afterIgnoresUncertainty;
  private long disciplineSteps;

  /**
   * @param truth the simulator's true time
   * @param baseUncertaintyMicros the node's TrueTime base uncertainty (>= 1000)
   * @param offsetMicros initial wall clock error, within half the base uncertainty
   * @param driftPpm oscillator drift, within the assumed 200 ppm
   * @param afterIgnoresUncertainty plant the bug {@code TT.after(t) = now().latest > t}
   */
  public SimClock(
      PhysicalClock truth,
      long baseUncertaintyMicros,
      long offsetMicros,
      long driftPpm,
      RandomSource random,
      boolean afterIgnoresUncertainty) {
    if (baseUncertaintyMicros < 1_000
        || Math.abs(offsetMicros) > baseUncertaintyMicros / 2
        || Math.abs(driftPpm) > 200) {
      throw new IllegalArgumentException("clock faults outside the TrueTime bound");
    }
    this.truth = truth;
    this.physical = new FaultyPhysicalClock(truth);
    this.physical.setOffsetMicros(offsetMicros);
    this.physical.setDriftPpm(driftPpm);
    this.config =
        new LocalTrueTime.Config(
            baseUncertaintyMicros,
            200,
            DISCIPLINE_PERIOD_MICROS,
            2 * baseUncertaintyMicros + 1_000,
            baseUncertaintyMicros);
    this.random = random;
    this.afterIgnoresUncertainty = afterIgnoresUncertainty;
  }

  /**
   * A fresh TrueTime for a (re)started process on this node: a new {@link LocalTrueTime} over the
   * same hardware clocks, wrapped in the bound check.
   */
  public TrueTime newTrueTime() {
    return new CheckedTrueTime(new LocalTrueTime(physical, config));
  }

  /** NTP: pulls the wall clock back towards true time once its error exceeds half the base. */
  public void discipline() {
    long error = physical.wallClockMicros() - truth.wallClockMicros();
    long base = config.baseUncertaintyMicros();
    if (Math.abs(error) > base / 2) {
      long target = random.nextLong(base / 2 + 1) - base / 4;
      physical.setOffsetMicros(physical.offsetMicros() - error + target);
      disciplineSteps++;
    }
  }

  /** How many disciplining steps were applied (coverage). */
  public long disciplineSteps() {
    return disciplineSteps;
  }

  /**
   * The node's monotonic clock rate relative to true time: the true time that elapses while the
   * node's own clock advances {@code localNanos} (its timers fire at this rate).
   */
  public long trueNanosFor(long localNanos) {
    return Math.max(1, localNanos * 1_000_000 / (1_000_000 + physical.driftPpm()));
  }

  /** The node's own monotonic clock (it runs at the drifting rate). */
  public long monotonicNanos() {
    return physical.monotonicNanos();
  }

  /** The TrueTime a replica is given: checks every answer against true time. */
  private final class CheckedTrueTime implements TrueTime {
    private final TrueTime inner;

    CheckedTrueTime(TrueTime inner) {
      this.inner = inner;
    }

    @Override
    public TTInterval now() {
      TTInterval interval = inner.now();
      long trueNow = truth.wallClockMicros();
      if (!interval.contains(trueNow)) {
        throw new SimViolation(
            SimViolation.Kind.SIMULATOR,
            "TrueTime interval [" + interval.earliestMicros() + ", " + interval.latestMicros()
                + "] misses true time " + trueNow + " (wall clock error now "
                + (physical.wallClockMicros() - trueNow) + " µs, drift " + physical.driftPpm()
                + " ppm, " + disciplineSteps + " discipline steps): the clock model left the bound");
      }
      return interval;
    }

    @Override
    public boolean after(long tMicros) {
      // The planted bug: "t may have passed" taken for "t has definitely passed".
      return afterIgnoresUncertainty ? now().latestMicros() > tMicros : now().earliestMicros() > tMicros;
    }
  }
}
