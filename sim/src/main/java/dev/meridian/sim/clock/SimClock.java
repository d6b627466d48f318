package dev.meridian.sim.clock;

import dev.meridian.runtime.PhysicalClock;
import dev.meridian.runtime.RandomSource;
import dev.meridian.sim.SimViolation;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.FaultyPhysicalClock;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.truetime.SyncedTrueTime;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import java.util.function.BooleanSupplier;

/**
 * One simulated node's clocks: a {@link FaultyPhysicalClock} over the simulator's true time, with a
 * constant offset and an oscillator drift, read through the node's own {@link LocalTrueTime} or, in
 * most runs, through a {@link SyncedTrueTime} fed by the cluster's time masters ({@link SimTimeSync},
 * {@link SimTimeMasters}, a minority of which may lie).
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
 *
 * <h2>Leaving the bound (synced nodes)</h2>
 *
 * {@link #stepOutOfBound} steps the wall clock far out (NTP stops correcting it) until {@link
 * #restoreWallClock}. A synced TrueTime never uses the wall clock for its estimate, so its intervals
 * must still contain true time (checked as above), and the node must fence itself — refuse to answer
 * — within one poll and one round of the step ({@link #fenceDeadlineMicros}); an answer after that is
 * a {@link SimViolation.Kind#FENCE} violation. An oscillator beyond its drift bound is not simulated:
 * it puts the interval off true time before any round can notice, which the core's drift check
 * ({@code DRIFT_EXCEEDED}) reports at the next round but cannot prevent.
 */
public final class SimClock {

  public static final long DISCIPLINE_PERIOD_MICROS = 1_000_000;

  private final PhysicalClock truth;
  private final FaultyPhysicalClock physical;
  private final LocalTrueTime.Config config;
  private final RandomSource random;
  private final boolean afterIgnoresUncertainty;
  private final SimTimeSync sync;
  private final boolean wallClockUnwatched;
  private final SyncedTrueTime.Config syncConfig;
  private final long fenceDeadlineMicros;
  private final SyncCounters counters = new SyncCounters();
  private static final long NONE = Long.MIN_VALUE;
  private long outOfBoundSinceMicros = NONE;
  private long outOfBoundStepMicros;
  private long disciplineSteps;

  /**
   * @param truth the simulator's true time
   * @param baseUncertaintyMicros the node's TrueTime base uncertainty (>= 1000)
   * @param offsetMicros initial wall clock error, within half the base uncertainty
   * @param driftPpm oscillator drift, within the assumed 200 ppm
   * @param afterIgnoresUncertainty plant the bug {@code TT.after(t) = now().latest > t}
   * @param sync null: TrueTime from the local clock ({@link LocalTrueTime}); else from time masters
   *     ({@link SyncedTrueTime}) polled as this says
   * @param wallClockUnwatched plant {@code PlantedBug.WALL_CLOCK_UNWATCHED}
   */
  public SimClock(
      PhysicalClock truth,
      long baseUncertaintyMicros,
      long offsetMicros,
      long driftPpm,
      RandomSource random,
      boolean afterIgnoresUncertainty,
      SimTimeSync sync,
      boolean wallClockUnwatched) {
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
    this.sync = sync;
    this.wallClockUnwatched = wallClockUnwatched;
    if (sync != null) {
      long declared = sync.masters().masters().getFirst().declaredMicros();
      long roundTrips = 2 * sync.roundTimeoutMicros();
      long driftPerPoll = Math.ceilDiv(200 * 2 * (sync.pollMicros() + sync.roundTimeoutMicros()), 1_000_000);
      // Above every epsilon an in-bound run can reach (so fences come only from faults), and above
      // the wall clock's in-bound error (so NTP's corrections are not taken for an offset fault).
      long maxEpsilon = baseUncertaintyMicros + 2 * declared + roundTrips + driftPerPoll + 1_000;
      this.syncConfig = new SyncedTrueTime.Config(200, maxEpsilon, sync.pollMicros(), baseUncertaintyMicros + 1_000);
      // A fault just after a round is seen at the end of the next: one poll and one round later on
      // this node's clock (slower than true time by at most 200 ppm), plus a millisecond of slack.
      this.fenceDeadlineMicros =
          (sync.pollMicros() + sync.roundTimeoutMicros()) * 1_000_200 / 1_000_000 + 1_000;
    } else {
      this.syncConfig = null;
      this.fenceDeadlineMicros = 0;
    }
  }

  /** Whether this node's TrueTime comes from time masters. */
  public boolean synced() {
    return sync != null;
  }

  /** The largest epsilon this node hands out (a synced node's {@code --max-epsilon}). */
  public long maxEpsilonMicros() {
    return sync == null ? config.maxEpsilonMicros() : syncConfig.maxEpsilonMicros();
  }

  /**
   * A fresh TrueTime for a (re)started process on this node: a new {@link LocalTrueTime} over the
   * same hardware clocks, wrapped in the bound check.
   */
  public TrueTime newTrueTime(SimNodeScheduler loop, BooleanSupplier faultsOn) {
    if (sync == null) {
      return new CheckedTrueTime(new LocalTrueTime(physical, config));
    }
    PhysicalClock watched = !wallClockUnwatched ? physical : new PhysicalClock() {
      @Override
      public long wallClockMicros() {
        return physical.wallClockMicros() - outOfBoundStepMicros;
      }

      @Override
      public long monotonicNanos() {
        return physical.monotonicNanos();
      }
    };
    SyncedTrueTime synced = new SyncedTrueTime(watched, syncConfig);
    sync.start(loop, this, synced, random.fork(), faultsOn, counters);
    return new CheckedTrueTime(synced);
  }

  /**
   * Steps the wall clock out of the bound (by at least twice the maximum epsilon) until {@link
   * #restoreWallClock}; NTP leaves it alone meanwhile. Only for synced nodes: the node must fence
   * itself within {@link #fenceDeadlineMicros}.
   */
  public void stepOutOfBound(long stepMicros) {
    if (sync == null || outOfBoundSinceMicros != NONE || Math.abs(stepMicros) < 2 * maxEpsilonMicros()) {
      throw new IllegalStateException("an out-of-bound step of " + stepMicros + " µs is not a fault here");
    }
    physical.stepMicros(stepMicros);
    outOfBoundStepMicros = stepMicros;
    outOfBoundSinceMicros = truth.wallClockMicros();
    counters.wallFaults++;
  }

  /** Ends an out-of-bound step: the wall clock comes back (one more jump) and NTP resumes. */
  public void restoreWallClock() {
    if (outOfBoundSinceMicros == NONE) {
      return;
    }
    physical.stepMicros(-outOfBoundStepMicros);
    outOfBoundStepMicros = 0;
    outOfBoundSinceMicros = NONE;
  }

  public boolean outOfBound() {
    return outOfBoundSinceMicros != NONE;
  }

  /** How long after an out-of-bound fault the node must refuse to answer TrueTime. */
  public long fenceDeadlineMicros() {
    return fenceDeadlineMicros;
  }

  public SyncCounters counters() {
    return counters;
  }

  /** What this node's sync rounds saw, over every process it ran (coverage). */
  public static final class SyncCounters {
    long rounds;
    long roundsWithoutMajority;
    long liarsRejected;
    long fenced;
    long wallFaults;
    long fencedAnswersRefused;

    void record(SyncedTrueTime.RoundOutcome outcome) {
      rounds++;
      roundsWithoutMajority += outcome.synced() ? 0 : 1;
      liarsRejected += outcome.rejected().size();
      fenced += outcome.fence() != null ? 1 : 0;
    }

    public void add(SyncCounters other) {
      rounds += other.rounds;
      roundsWithoutMajority += other.roundsWithoutMajority;
      liarsRejected += other.liarsRejected;
      fenced += other.fenced;
      wallFaults += other.wallFaults;
      fencedAnswersRefused += other.fencedAnswersRefused;
    }

    @Override
    public String toString() {
      return "tt-rounds=" + rounds + " tt-no-majority=" + roundsWithoutMajority + " tt-liars-rejected="
          + liarsRejected + " tt-fenced-rounds=" + fenced + " tt-wall-faults=" + wallFaults
          + " tt-refused-while-out-of-bound=" + fencedAnswersRefused;
    }
  }

  /** NTP: pulls the wall clock back towards true time once its error exceeds half the base. */
  public void discipline() {
    if (outOfBoundSinceMicros != NONE) {
      return;
    }
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
      TTInterval interval;
      try {
        interval = inner.now();
      } catch (ClockUnavailableException fenced) {
        if (outOfBoundSinceMicros != NONE) {
          counters.fencedAnswersRefused++;
        }
        throw fenced;
      }
      long trueNow = truth.wallClockMicros();
      if (outOfBoundSinceMicros != NONE && trueNow - outOfBoundSinceMicros > fenceDeadlineMicros) {
        throw new SimViolation(
            SimViolation.Kind.FENCE,
            "the wall clock left the bound (stepped " + outOfBoundStepMicros + " µs) "
                + (trueNow - outOfBoundSinceMicros) + " µs ago, but TrueTime still answers "
                + "(the node must fence itself within " + fenceDeadlineMicros + " µs)");
      }
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
