package dev.meridian.truetime;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.PhysicalClock;

/**
 * TrueTime from one node's own clocks: the wall clock is the reference, the monotonic clock carries
 * the estimate between syncs, and uncertainty grows with the assumed oscillator drift.
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>true time
 *   <dd>The absolute time (UTC, µs since the epoch) that no node can read exactly.
 *   <dt>interval
 *   <dd>{@code [earliest, latest]}, promised to contain true time at the moment {@link #now()} ran.
 *   <dt>epsilon
 *   <dd>Half the interval's width: the uncertainty either side of the estimate.
 *   <dt>sync
 *   <dd>Taking a fresh reference reading: here, the wall clock, trusted to within {@code
 *       baseUncertaintyMicros} of true time (the time-master daemon of DESIGN.md §4 will replace
 *       this reference with Marzullo's intersection over masters).
 *   <dt>drift bound
 *   <dd>{@code driftBoundPpm}: how fast the local oscillator may run fast or slow, in parts per
 *       million. Measured on the monotonic clock, {@code e} µs since a sync may be off by at most
 *       {@code e·ρ/(1-ρ)} µs of true time, with {@code ρ = driftBoundPpm / 10^6}.
 *   <dt>sawtooth
 *   <dd>Epsilon over time: {@code base} right after a sync, growing linearly by the drift bound until
 *       the next sync, then dropping back to {@code base}.
 *   <dt>fail closed
 *   <dd>When the bound cannot be trusted, {@link #now()} throws {@link ClockUnavailableException}
 *       rather than answer with a guess.
 * </dl>
 *
 * <h2>Estimate</h2>
 *
 * After a sync at monotonic {@code m0} reading wall {@code w0}, at monotonic {@code m}: estimate =
 * {@code w0 + (m - m0)}, epsilon = {@code base + ceil((m - m0)·ρ/(1-ρ))}, computed in nanoseconds and
 * rounded outwards to microseconds. Syncs are lazy: the first {@link #now()} at or after {@code
 * syncPeriodMicros} since the last sync performs one, so the clock is a deterministic function of its
 * inputs and needs no timers. The wall clock is read only at syncs (and while recovering).
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Neither {@code latest} nor {@code earliest} of a returned interval is ever below the same end
 *       of an interval returned earlier: each is clamped to the last value returned. Both clamps are
 *       sound: true time does not go backwards, so an old lower bound stays a lower bound, and a
 *       larger upper bound is still an upper bound. Hence {@code after(t)} never turns from true to
 *       false, and timestamps taken from {@code latest} never decrease.
 *   <li>No returned interval has an epsilon above {@code maxEpsilonMicros}.
 * </ul>
 *
 * <h2>Fail closed and recovery</h2>
 *
 * <ul>
 *   <li><b>Epsilon above max</b> ({@link ClockUnavailableException.Reason#EPSILON_ABOVE_MAX}): the
 *       interval that would be returned has epsilon above {@code maxEpsilonMicros}. It ends by itself
 *       at the next sync (with the defaults it cannot happen: the sawtooth peaks at 2 ms).
 *   <li><b>Clock jump</b> ({@link ClockUnavailableException.Reason#CLOCK_JUMP}): at a sync, {@code
 *       |Δwall − Δmonotonic| > clockJumpToleranceMicros + ceil(Δmonotonic·ρ/(1-ρ))} since the last
 *       sync, or the monotonic clock reads less than it did before. The node enters <i>quarantine</i>
 *       at that reading and throws until all of these hold at one call of {@link #now()}:
 *       <ol>
 *         <li>at least {@code syncPeriodMicros} of monotonic time have passed since the quarantine
 *             (re)started;
 *         <li>the wall clock has stayed consistent with the monotonic clock since then, by the same
 *             test as at a sync (every reading during quarantine is checked; a new jump restarts the
 *             quarantine from that reading);
 *         <li>the new wall clock is not behind what the node already promised: {@code wall + base >=}
 *             the last {@code latest} returned. After a backward step of X the node therefore stays
 *             unavailable for about X beyond the clean period, rather than answer with an interval
 *             frozen by the clamps while its leases and commit waits stall.
 *       </ol>
 *       Then the node syncs to the new wall clock (epsilon back to base) and serves again. It trusts
 *       the stepped clock: a single node cannot tell a correction from a fault; masters can.
 * </ul>
 *
 * <p>Drift of the wall clock itself (an undisciplined oscillator) is invisible here: the reference
 * and the monotonic clock drift together. Keeping the wall clock within {@code base} of true time is
 * the job of NTP or the time masters.
 *
 * <p>Thread-safe: {@link #now()} is synchronized; it does a few arithmetic operations and two clock
 * reads, and never waits.
 */
public final class LocalTrueTime implements TrueTime {

  private static final long PPM = 1_000_000L;

  /**
   * Tuning of a {@link LocalTrueTime}; all values in microseconds except the drift bound.
   *
   * @param baseUncertaintyMicros uncertainty of the reference at a sync
   * @param driftBoundPpm largest oscillator drift assumed, parts per million
   * @param syncPeriodMicros how often the reference is read again
   * @param maxEpsilonMicros largest epsilon ever handed out; above it the clock is unavailable
   * @param clockJumpToleranceMicros how far wall and monotonic clocks may disagree over one sync period
   *     (beyond the drift bound) before it counts as a jump
   */
  public record Config(
      long baseUncertaintyMicros,
      long driftBoundPpm,
      long syncPeriodMicros,
      long maxEpsilonMicros,
      long clockJumpToleranceMicros) {

    public Config {
      requireArg(baseUncertaintyMicros >= 0, "baseUncertaintyMicros must be >= 0");
      requireArg(
          driftBoundPpm >= 0 && driftBoundPpm < PPM / 2, "driftBoundPpm must be in [0, 500000)");
      requireArg(syncPeriodMicros > 0, "syncPeriodMicros must be > 0");
      requireArg(
          syncPeriodMicros <= Long.MAX_VALUE / 1_000 / Math.max(1, driftBoundPpm),
          "syncPeriodMicros × driftBoundPpm is too large");
      requireArg(
          maxEpsilonMicros >= baseUncertaintyMicros,
          "maxEpsilonMicros must be >= baseUncertaintyMicros, or the clock could never be used");
      requireArg(clockJumpToleranceMicros >= 0, "clockJumpToleranceMicros must be >= 0");
    }

    /** 1 ms base, 200 ppm, sync every 5 s, max epsilon 100 ms, jump tolerance 1 ms. */
    public static Config defaults() {
      return new Config(1_000, 200, 5_000_000, 100_000, 1_000);
    }

    private static void requireArg(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException("LocalTrueTime.Config: " + message);
      }
    }
  }

  private enum Mode {
    /** No reading taken yet; the first {@link #now()} syncs. */
    UNSYNCED,
    /** Serving from the reference taken at the last sync. */
    SYNCED,
    /** A jump was seen; the reference fields hold the start of the clean period being observed. */
    QUARANTINED,
  }

  private final PhysicalClock clock;
  private final Config config;
  private final long syncPeriodNanos;

  private Mode mode = Mode.UNSYNCED;
  /** In SYNCED: wall reading at the last sync. In QUARANTINED: at the start of the clean period. */
  private long refWallMicros;
  /** Monotonic reading that goes with {@link #refWallMicros}. */
  private long refMonoNanos;

  private long lastSyncMonoNanos = Long.MIN_VALUE;
  private long lastMonoNanos = Long.MIN_VALUE;
  private long lastEarliestMicros = Long.MIN_VALUE;
  private long lastLatestMicros = Long.MIN_VALUE;
  private long lastEpsilonMicros;
  private String quarantineCause = "";

  public LocalTrueTime(PhysicalClock clock, Config config) {
    this.clock = clock;
    this.config = config;
    this.syncPeriodNanos = config.syncPeriodMicros() * 1_000;
  }

  public Config config() {
    return config;
  }

  @Override
  public synchronized TTInterval now() {
    long mono = clock.monotonicNanos();
    if (mode != Mode.UNSYNCED && mono < lastMonoNanos) {
      long wall = clock.wallClockMicros();
      enterQuarantine(
          wall, mono, "monotonic clock went backwards by " + (lastMonoNanos - mono) + " ns");
    }
    lastMonoNanos = mono;
    switch (mode) {
      case UNSYNCED -> sync(clock.wallClockMicros(), mono);
      case SYNCED -> {
        if (mono - refMonoNanos >= syncPeriodNanos) {
          long wall = clock.wallClockMicros();
          String jump = jumpSinceReference(wall, mono);
          if (jump != null) {
            enterQuarantine(wall, mono, jump);
          }
          sync(wall, mono);
        }
      }
      case QUARANTINED -> tryLeaveQuarantine(mono);
    }
    return interval(mono);
  }

  /** Epsilon of the last interval returned, for metrics; 0 before the first. */
  public synchronized long epsilonMicros() {
    return lastEpsilonMicros;
  }

  /** Monotonic reading of the last successful sync, or {@link Long#MIN_VALUE} before the first. */
  public synchronized long lastSyncMonotonicNanos() {
    return lastSyncMonoNanos;
  }

  private void sync(long wallMicros, long monoNanos) {
    mode = Mode.SYNCED;
    refWallMicros = wallMicros;
    refMonoNanos = monoNanos;
    lastSyncMonoNanos = monoNanos;
  }

  /** Starts (or restarts) quarantine at this reading and throws. */
  private void enterQuarantine(long wallMicros, long monoNanos, String cause) {
    mode = Mode.QUARANTINED;
    refWallMicros = wallMicros;
    refMonoNanos = monoNanos;
    lastMonoNanos = monoNanos;
    quarantineCause = cause;
    throw new ClockUnavailableException(
        ClockUnavailableException.Reason.CLOCK_JUMP,
        cause + "; the clock must stay clean for " + config.syncPeriodMicros() + " µs",
        config.syncPeriodMicros());
  }

  private void tryLeaveQuarantine(long mono) {
    long wall = clock.wallClockMicros();
    String jump = jumpSinceReference(wall, mono);
    if (jump != null) {
      enterQuarantine(wall, mono, jump);
    }
    long cleanForMicros = (mono - refMonoNanos) / 1_000;
    long cleanRemainingMicros = config.syncPeriodMicros() - cleanForMicros;
    long behindMicros =
        lastLatestMicros == Long.MIN_VALUE
            ? 0
            : lastLatestMicros - (wall + config.baseUncertaintyMicros());
    if (cleanRemainingMicros > 0 || behindMicros > 0) {
      String waitingFor =
          cleanRemainingMicros > 0
              ? "clean for " + cleanForMicros + " of " + config.syncPeriodMicros() + " µs"
              : "wall clock is " + behindMicros + " µs behind the latest time already handed out";
      throw new ClockUnavailableException(
          ClockUnavailableException.Reason.CLOCK_JUMP,
          "recovering from: " + quarantineCause + "; " + waitingFor,
          Math.max(cleanRemainingMicros, behindMicros));
    }
    sync(wall, mono);
  }

  /**
   * Null if the wall clock moved consistently with the monotonic clock since the reference reading,
   * else what was seen.
   */
  private String jumpSinceReference(long wallMicros, long monoNanos) {
    long deltaMonoMicros = Math.floorDiv(monoNanos - refMonoNanos, 1_000);
    long deltaWallMicros = wallMicros - refWallMicros;
    long deviation = Math.abs(deltaWallMicros - deltaMonoMicros);
    // +1 absorbs truncating the monotonic delta to whole microseconds.
    long allowed =
        saturatingAdd(config.clockJumpToleranceMicros() + 1, driftAllowance(deltaMonoMicros));
    if (deviation <= allowed) {
      return null;
    }
    return "wall clock moved "
        + deltaWallMicros
        + " µs while the monotonic clock moved "
        + deltaMonoMicros
        + " µs (allowed difference "
        + allowed
        + " µs)";
  }

  /**
   * Largest error that {@code elapsed} of monotonic time can accumulate, in the same unit:
   * ceil(e·ρ/(1-ρ)). The 1/(1-ρ) covers a slow oscillator, whose elapsed time understates true time.
   */
  private long driftAllowance(long elapsed) {
    long rho = config.driftBoundPpm();
    if (rho == 0) {
      return 0;
    }
    if (elapsed > Long.MAX_VALUE / rho) {
      return Long.MAX_VALUE;
    }
    return Math.ceilDiv(elapsed * rho, PPM - rho);
  }

  private TTInterval interval(long mono) {
    long elapsedNanos = mono - refMonoNanos;
    Invariants.require(elapsedNanos >= 0, "monotonic time before the reference reading");
    Invariants.require(elapsedNanos < syncPeriodNanos, "interval computed from a stale sync");
    long estimateNanos = refWallMicros * 1_000 + elapsedNanos;
    long epsilonNanos = config.baseUncertaintyMicros() * 1_000 + driftAllowance(elapsedNanos);
    long earliest = Math.max(Math.floorDiv(estimateNanos - epsilonNanos, 1_000), lastEarliestMicros);
    long latest = Math.max(Math.ceilDiv(estimateNanos + epsilonNanos, 1_000), lastLatestMicros);
    Invariants.require(earliest <= latest, "clamped TrueTime interval is inverted");
    TTInterval result = new TTInterval(earliest, latest);
    if (result.epsilonMicros() > config.maxEpsilonMicros()) {
      long untilSyncMicros = Math.ceilDiv(syncPeriodNanos - elapsedNanos, 1_000);
      throw new ClockUnavailableException(
          ClockUnavailableException.Reason.EPSILON_ABOVE_MAX,
          "epsilon would be "
              + result.epsilonMicros()
              + " µs, above the maximum of "
              + config.maxEpsilonMicros()
              + " µs",
          untilSyncMicros);
    }
    lastEarliestMicros = earliest;
    lastLatestMicros = latest;
    lastEpsilonMicros = result.epsilonMicros();
    return result;
  }

  private static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
