package dev.meridian.truetime;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.PhysicalClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TrueTime from time masters (DESIGN.md §4): the interval comes from the last sync round's {@link
 * Marzullo} intersection of the masters' answers, carried forward on the monotonic clock with the
 * drift bound; the node's own wall clock is never part of the estimate, only watched. This class is
 * the I/O-free core: a daemon (in {@code server}, or the simulator) polls the masters and hands each
 * round's answers to {@link #onSyncRound}; {@link #now()} only reads the monotonic clock.
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>round
 *   <dd>One poll of every configured master; answers that did not arrive count as disagreeing.
 *   <dt>reference
 *   <dd>{@code [refLow, refHigh]} at monotonic {@code refMono}: the intersection of the last round
 *       that found a majority, every master's interval first carried to the same instant.
 *   <dt>drift bound ρ
 *   <dd>{@code driftBoundPpm / 10^6}. {@code e} of monotonic time is at most {@code
 *       ceil(e·ρ/(1−ρ))} away from the true time that elapsed (the allowance).
 *   <dt>sawtooth
 *   <dd>{@code epsilon(m) = (refHigh − refLow)/2 + allowance(m − refMono)}: the sync's own
 *       uncertainty (the masters' declarations and the round trips), growing with the drift bound
 *       until the next round.
 *   <dt>fenced
 *   <dd>The node does not trust its clock: {@link #now()} throws {@link ClockUnavailableException}
 *       naming the reason, so leases are neither granted, extended nor used and transactions are
 *       refused. Fencing is decided at rounds and lifted by the first round that passes every check.
 * </dl>
 *
 * <h2>Checks at each round (fail closed)</h2>
 *
 * <ol>
 *   <li><b>Majority</b> ({@link ClockUnavailableException.Reason#NO_MAJORITY}): a majority of the
 *       {@code N} masters asked must answer, and with {@code f = N − majority} liars at most (a
 *       minority), some point must lie in the intervals of {@code answers − f} of them; the reference
 *       is the hull of all such points ({@link Marzullo}). Since at least {@code answers − f}
 *       answers are honest and contain true time, so does the reference, whichever answers were
 *       lost. With every master answering, {@code answers − f} is a majority and a minority of liars
 *       is outvoted and named ({@link RoundOutcome#rejected()}); with answers lost the hull can widen
 *       to take a liar in, and the epsilon check then fences the node if it is too wide.
 *   <li><b>Jump</b> ({@link ClockUnavailableException.Reason#CLOCK_JUMP}): the wall clock moved by
 *       more than {@code clockJumpToleranceMicros} plus the drift allowance against the monotonic
 *       clock since the previous round (or the monotonic clock went backwards, checked at every
 *       call). The node stays fenced until a round at least one poll period after the last jump.
 *   <li><b>Wall offset</b> ({@link ClockUnavailableException.Reason#WALL_CLOCK_OFFSET}): the wall
 *       clock lies more than {@code maxEpsilonMicros} outside the new reference. The estimate does not
 *       use it, but a node whose own clock is that wrong is a broken machine (and a wrong master, if
 *       it is one) and says so rather than serve quietly.
 *   <li><b>Drift</b> ({@link ClockUnavailableException.Reason#DRIFT_EXCEEDED}): the new reference must
 *       meet the previous one carried forward. Both contain true time while the oscillator keeps the
 *       drift bound and the majority is honest, so a miss means one of them broke (Spanner evicts
 *       machines whose frequency excursions exceed the bound).
 *   <li><b>Epsilon</b> ({@link ClockUnavailableException.Reason#EPSILON_ABOVE_MAX}): checked at every
 *       {@link #now()}: no interval wider than {@code maxEpsilonMicros} is handed out, so a node whose
 *       rounds stop (daemon dead, network cut) fences by itself once the sawtooth passes the maximum.
 * </ol>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Neither end of a returned interval is below the same end of an earlier one (both are clamped
 *       to the last returned, which is sound: true time does not go backwards).
 *   <li>No returned interval has an epsilon above {@code maxEpsilonMicros}.
 *   <li>Across restarts {@code latest} does not go backwards either: a new instance answers only after
 *       {@code 2·maxEpsilon} of true time (measured on the monotonic clock, drift-corrected) since it
 *       was built. Every earlier {@code latest} was at most {@code 2·maxEpsilon} above the true time
 *       it was handed out at, and that process is gone before this one is built, so true time — and
 *       with it every new {@code latest} — is past them. This waits out the bound instead of
 *       persisting a floor: 40 ms at the defaults, less than any restart takes, and nothing to lose.
 * </ul>
 *
 * <p>Thread-safe: every method is synchronized; none waits.
 */
public final class SyncedTrueTime implements TrueTime {

  private static final long PPM = 1_000_000L;

  /**
   * @param driftBoundPpm largest oscillator drift assumed, parts per million (Spanner: 200)
   * @param maxEpsilonMicros largest epsilon handed out, and the largest wall clock error tolerated
   * @param pollPeriodMicros how often the daemon runs a round; the clean period after a jump
   * @param clockJumpToleranceMicros how far wall and monotonic clocks may disagree between two rounds
   *     beyond the drift allowance before it counts as a jump
   */
  public record Config(long driftBoundPpm, long maxEpsilonMicros, long pollPeriodMicros, long clockJumpToleranceMicros) {
    public Config {
      requireArg(driftBoundPpm >= 0 && driftBoundPpm < PPM / 2, "driftBoundPpm must be in [0, 500000)");
      requireArg(maxEpsilonMicros > 0, "maxEpsilonMicros must be > 0");
      requireArg(pollPeriodMicros > 0, "pollPeriodMicros must be > 0");
      requireArg(clockJumpToleranceMicros >= 0, "clockJumpToleranceMicros must be >= 0");
    }

    /** 200 ppm, 20 ms max epsilon, a round every 30 s (Spanner's), 1 ms jump tolerance. */
    public static Config defaults() {
      return new Config(200, 20_000, 30_000_000, 1_000);
    }

    private static void requireArg(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException("SyncedTrueTime.Config: " + message);
      }
    }
  }

  /**
   * What one round decided.
   *
   * @param synced whether a majority agreed and the reference moved
   * @param fence why the node is fenced after this round, or null if it trusts its clock
   * @param detail what was seen, with numbers (empty when all is well)
   * @param rejected masters whose interval missed the majority's (liars outvoted), by name
   * @param syncEpsilonMicros half-width of the new reference (0 if not synced)
   */
  public record RoundOutcome(
      boolean synced,
      ClockUnavailableException.Reason fence,
      String detail,
      List<String> rejected,
      long syncEpsilonMicros) {
    public RoundOutcome {
      rejected = List.copyOf(rejected);
    }
  }

  /** The clock's state for health checks and metrics. {@code reason} is null when trusted. */
  public record State(
      boolean trusted, ClockUnavailableException.Reason reason, String detail, long epsilonMicros) {}

  /** Counters since start, for metrics; maps are sorted by master name. */
  public record Stats(
      long rounds,
      long roundsWithoutMajority,
      Map<String, Long> rejectedByMaster,
      Map<String, Long> unansweredByMaster,
      Map<ClockUnavailableException.Reason, Long> fencesByReason) {}

  private final PhysicalClock clock;
  private final Config config;
  private final long startMonoNanos;
  private final long startupWaitNanos;

  private boolean synced;
  private long refMonoNanos;
  private long refLowMicros;
  private long refHighMicros;

  /** Wall and monotonic readings at the previous round, for the jump check. */
  private boolean haveWatch;
  private long watchWallMicros;
  private long watchMonoNanos;
  /** A jump was seen in the current round or since the previous one; cleared at each round's end. */
  private boolean jumpSinceLastRound;
  private String lastJumpDetail = "";

  private ClockUnavailableException.Reason fence = ClockUnavailableException.Reason.NOT_SYNCED;
  private String fenceDetail = "no sync round has found a majority of the time masters yet";

  private long lastMonoNanos = Long.MIN_VALUE;
  private long lastEarliestMicros = Long.MIN_VALUE;
  private long lastLatestMicros = Long.MIN_VALUE;
  private long lastEpsilonMicros;

  private long rounds;
  private long roundsWithoutMajority;
  private final Map<String, Long> rejectedByMaster = new TreeMap<>();
  private final Map<String, Long> unansweredByMaster = new TreeMap<>();
  private final Map<ClockUnavailableException.Reason, Long> fencesByReason = new TreeMap<>();

  public SyncedTrueTime(PhysicalClock clock, Config config) {
    this.clock = clock;
    this.config = config;
    this.startMonoNanos = clock.monotonicNanos();
    // Monotonic time w such that w - allowance(w) >= 2·maxEpsilon of true time.
    long waitNanos = 2 * config.maxEpsilonMicros() * 1_000;
    this.startupWaitNanos =
        Math.ceilDiv(waitNanos * (PPM + config.driftBoundPpm()), PPM) + 1_000;
  }

  public Config config() {
    return config;
  }

  @Override
  public synchronized TTInterval now() {
    long mono = clock.monotonicNanos();
    if (lastMonoNanos != Long.MIN_VALUE && mono < lastMonoNanos) {
      jumped("monotonic clock went backwards by " + (lastMonoNanos - mono) + " ns");
      setFence(ClockUnavailableException.Reason.CLOCK_JUMP, lastJumpDetail);
    }
    lastMonoNanos = Math.max(lastMonoNanos, mono);
    if (fence != null) {
      throw unavailable(fence, fenceDetail);
    }
    long sinceStart = mono - startMonoNanos;
    if (sinceStart < startupWaitNanos) {
      throw new ClockUnavailableException(
          ClockUnavailableException.Reason.NOT_SYNCED,
          "waiting out " + 2 * config.maxEpsilonMicros() + " µs of true time after start, so that no"
              + " timestamp of a previous run of this node can be at or above the next one",
          Math.ceilDiv(startupWaitNanos - sinceStart, 1_000));
    }
    return interval(mono);
  }

  /**
   * Takes one round's answers: {@code samples} from the masters that answered (several per master
   * allowed: the one whose interval is narrowest once carried forward counts, NTP's clock filter, so
   * one slow round trip does not widen the round), {@code unanswered} the names of those that did not
   * answer at all (timeout, error, not a master). The majority is of both together: every master
   * asked. Reads both clocks once.
   */
  public synchronized RoundOutcome onSyncRound(List<TimeSample> samples, List<String> unanswered) {
    Map<String, TimeSample> best = new TreeMap<>();
    for (TimeSample sample : samples) {
      // The carried interval is 2u + round trip wide (plus drift allowances that differ by nanoseconds).
      best.merge(sample.master(), sample, (a, b) -> width(a) <= width(b) ? a : b);
    }
    for (String name : unanswered) {
      Invariants.require(!best.containsKey(name), "master %s both answered and did not", name);
    }
    return round(new ArrayList<>(best.values()), unanswered);
  }

  private RoundOutcome round(List<TimeSample> samples, List<String> unanswered) {
    int asked = samples.size() + unanswered.size();
    Invariants.require(asked >= 1, "a sync round asked no master");
    long mono = clock.monotonicNanos();
    long wall = clock.wallClockMicros();
    rounds++;
    for (String name : unanswered) {
      unansweredByMaster.merge(name, 1L, Long::sum);
    }

    // Jump check against the previous round (runs whether or not the masters agree).
    if (lastMonoNanos != Long.MIN_VALUE && mono < lastMonoNanos) {
      jumped("monotonic clock went backwards by " + (lastMonoNanos - mono) + " ns");
    } else if (haveWatch) {
      String jump = jumpSince(wall, mono);
      if (jump != null) {
        jumped(jump);
      }
    }
    haveWatch = true;
    watchWallMicros = wall;
    watchMonoNanos = mono;
    lastMonoNanos = Math.max(lastMonoNanos, mono);

    List<Marzullo.Source> sources = new ArrayList<>(samples.size());
    for (TimeSample sample : samples) {
      Invariants.require(sample.receiveMonoNanos() <= mono, "sample from %s received in the future", sample.master());
      sources.add(carriedTo(sample, mono));
    }
    int majority = Marzullo.majorityOf(asked);
    int maxLiars = asked - majority;
    // At most maxLiars of the answers lie, so at least samples − maxLiars honest ones contain true
    // time: that many must cover a point. (A majority of the masters asked would not do: with one
    // honest answer lost, a liar and the other honest master make a "majority" whose overlap can
    // miss true time.) A majority must answer, so that at least one honest answer is in.
    int quorum = Math.max(1, samples.size() - maxLiars);
    Marzullo.Result result = samples.size() >= majority
        ? Marzullo.intersect(sources, quorum)
        : new Marzullo.Result(false, 0, 0, 0, List.of());
    for (String name : result.rejected()) {
      rejectedByMaster.merge(name, 1L, Long::sum);
    }
    if (!result.found()) {
      roundsWithoutMajority++;
      jumpSinceLastRound = false;
      String detail = samples.size() + " of " + asked + " time masters answered"
          + (unanswered.isEmpty() ? "" : " (no answer from " + String.join(", ", unanswered) + ")")
          + (samples.size() < majority
              ? ", " + majority + " needed"
              : ", at most " + result.maxOverlap() + " agree, " + quorum + " needed");
      setFence(ClockUnavailableException.Reason.NO_MAJORITY, detail);
      return new RoundOutcome(false, fence, detail, List.of(), 0);
    }

    String driftDetail = null;
    if (synced) {
      long elapsed = mono - refMonoNanos;
      long predictedLow = floorMicros(refLowMicros * 1_000 + elapsed - allowance(elapsed));
      long predictedHigh = ceilMicros(refHighMicros * 1_000 + elapsed + allowance(elapsed));
      if (result.highMicros() < predictedLow || result.lowMicros() > predictedHigh) {
        driftDetail = "the masters' time [" + result.lowMicros() + ", " + result.highMicros()
            + "] is outside [" + predictedLow + ", " + predictedHigh + "] carried forward from the last"
            + " sync " + elapsed / 1_000 + " µs ago: the oscillator broke its " + config.driftBoundPpm()
            + " ppm bound, or the masters stepped";
      }
    }
    synced = true;
    refMonoNanos = mono;
    refLowMicros = result.lowMicros();
    refHighMicros = result.highMicros();
    long syncEpsilon = (refHighMicros - refLowMicros) / 2;

    long wallOffBy = Math.max(0, Math.max(refLowMicros - wall, wall - refHighMicros));
    if (jumpSinceLastRound) {
      setFence(ClockUnavailableException.Reason.CLOCK_JUMP,
          lastJumpDetail + "; the clock must then stay clean until the next sync round");
    } else if (wallOffBy > config.maxEpsilonMicros()) {
      setFence(ClockUnavailableException.Reason.WALL_CLOCK_OFFSET,
          "the wall clock is " + (wall < refLowMicros ? "behind" : "ahead of") + " the masters' time by "
              + wallOffBy + " µs beyond its interval, more than the maximum epsilon of "
              + config.maxEpsilonMicros() + " µs");
    } else if (driftDetail != null) {
      setFence(ClockUnavailableException.Reason.DRIFT_EXCEEDED, driftDetail);
    } else if (syncEpsilon > config.maxEpsilonMicros()) {
      setFence(ClockUnavailableException.Reason.EPSILON_ABOVE_MAX,
          "the masters agree only within ±" + syncEpsilon + " µs, above the maximum epsilon of "
              + config.maxEpsilonMicros() + " µs");
    } else {
      fence = null;
      fenceDetail = "";
    }
    jumpSinceLastRound = false;
    return new RoundOutcome(true, fence, fence == null ? "" : fenceDetail, result.rejected(), syncEpsilon);
  }

  /** Whether the clock is trusted right now, and if not why; takes a reading like {@link #now()}. */
  public synchronized State state() {
    try {
      TTInterval now = now();
      return new State(true, null, "", now.epsilonMicros());
    } catch (ClockUnavailableException e) {
      return new State(false, e.reason(), e.getMessage(), currentEpsilonMicros());
    }
  }

  /** Epsilon of the last interval handed out, for metrics; 0 before the first. */
  public synchronized long epsilonMicros() {
    return lastEpsilonMicros;
  }

  /**
   * The epsilon the reference gives now, whether or not it would be handed out (for the sawtooth
   * metric while fenced); 0 before the first sync.
   */
  public synchronized long currentEpsilonMicros() {
    if (!synced) {
      return 0;
    }
    long elapsed = Math.max(0, clock.monotonicNanos() - refMonoNanos);
    return (refHighMicros - refLowMicros) / 2 + ceilMicros(allowance(elapsed));
  }

  public synchronized Stats stats() {
    return new Stats(rounds, roundsWithoutMajority, new TreeMap<>(rejectedByMaster),
        new TreeMap<>(unansweredByMaster), new TreeMap<>(fencesByReason));
  }

  // ---------------------------------------------------------------------------------------------

  private static long width(TimeSample sample) {
    return sample.roundTripNanos() + 2_000 * sample.masterUncertaintyMicros();
  }

  /** The sample's claim carried to monotonic {@code mono}: see {@link TimeSample}. */
  private Marzullo.Source carriedTo(TimeSample sample, long mono) {
    long sinceReceive = mono - sample.receiveMonoNanos();
    long sinceSend = mono - sample.sendMonoNanos();
    long low = (sample.masterWallMicros() - sample.masterUncertaintyMicros()) * 1_000
        + sinceReceive - allowance(sinceReceive);
    long high = (sample.masterWallMicros() + sample.masterUncertaintyMicros()) * 1_000
        + sinceSend + allowance(sinceSend);
    return new Marzullo.Source(sample.master(), floorMicros(low), ceilMicros(high));
  }

  private TTInterval interval(long mono) {
    long elapsed = mono - refMonoNanos;
    Invariants.require(elapsed >= 0, "monotonic time before the reference reading");
    long allowance = allowance(elapsed);
    long earliest = Math.max(floorMicros(refLowMicros * 1_000 + elapsed - allowance), lastEarliestMicros);
    long latest = Math.max(ceilMicros(refHighMicros * 1_000 + elapsed + allowance), lastLatestMicros);
    Invariants.require(earliest <= latest, "clamped TrueTime interval is inverted");
    TTInterval result = new TTInterval(earliest, latest);
    if (result.epsilonMicros() > config.maxEpsilonMicros()) {
      throw new ClockUnavailableException(
          ClockUnavailableException.Reason.EPSILON_ABOVE_MAX,
          "epsilon would be " + result.epsilonMicros() + " µs, above the maximum of "
              + config.maxEpsilonMicros() + " µs: no sync for " + elapsed / 1_000 + " µs",
          0);
    }
    lastEarliestMicros = earliest;
    lastLatestMicros = latest;
    lastEpsilonMicros = result.epsilonMicros();
    return result;
  }

  private String jumpSince(long wallMicros, long monoNanos) {
    long deltaMonoMicros = Math.floorDiv(monoNanos - watchMonoNanos, 1_000);
    long deltaWallMicros = wallMicros - watchWallMicros;
    long deviation = Math.abs(deltaWallMicros - deltaMonoMicros);
    // +1 absorbs truncating the monotonic delta to whole microseconds.
    long allowed = config.clockJumpToleranceMicros() + 1 + ceilMicros(allowance(monoNanos - watchMonoNanos));
    if (deviation <= allowed) {
      return null;
    }
    return "wall clock moved " + deltaWallMicros + " µs while the monotonic clock moved " + deltaMonoMicros
        + " µs (allowed difference " + allowed + " µs)";
  }

  private void jumped(String detail) {
    jumpSinceLastRound = true;
    lastJumpDetail = detail;
  }

  private void setFence(ClockUnavailableException.Reason reason, String detail) {
    if (fence != reason) {
      fencesByReason.merge(reason, 1L, Long::sum);
    }
    fence = reason;
    fenceDetail = detail;
  }

  private ClockUnavailableException unavailable(ClockUnavailableException.Reason reason, String detail) {
    // Rounds lift a fence; the next one is due within a poll period.
    return new ClockUnavailableException(reason, detail, config.pollPeriodMicros());
  }

  /** ceil(e·ρ/(1−ρ)) in the unit of {@code elapsed}, saturating. */
  private long allowance(long elapsed) {
    long rho = config.driftBoundPpm();
    if (rho == 0 || elapsed <= 0) {
      return 0;
    }
    if (elapsed > Long.MAX_VALUE / rho) {
      return Long.MAX_VALUE / 4;
    }
    return Math.ceilDiv(elapsed * rho, PPM - rho);
  }

  private static long floorMicros(long nanos) {
    return Math.floorDiv(nanos, 1_000);
  }

  private static long ceilMicros(long nanos) {
    return Math.ceilDiv(nanos, 1_000);
  }
}
