package dev.meridian.txn.follower;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Timestamp;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.RequestId;
import dev.meridian.txn.range.state.RangeStateMachine;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which snapshot reads one replica of a range may serve from its own applied state, as an I/O-free
 * object over its {@link RangeStateMachine} (M7). Any replica, voter or non-voter, leaseholder or
 * not, runs one; the host asks it before each follower read, runs admitted reads against {@link
 * RangeStateMachine#openReadView} (off the loop, as the leaseholder's storage tasks), and tells it of
 * every applied slot.
 *
 * <h2>Glossary</h2>
 * <dl>
 *   <dt>safe time
 *   <dd>{@link RangeStateMachine#safeTime()}: no write at or below it can still appear here.
 *   <dt>stale read
 *   <dd>A read at a timestamp the gateway picked in the past (exact or bounded staleness, or a given
 *       timestamp): served iff {@code readTs <= safeTime}.
 *   <dt>strong read
 *   <dd>A read at {@code TT.now().latest}: the leaseholder's {@code readIndex} answered with a slot,
 *       and the read is served once this replica has applied that slot.
 * </dl>
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>A stale read at {@code t} is served only if {@code t <= safeTime} when it is admitted: the
 *       snapshot it reads is final (nothing can commit at or below {@code t} later, and no prepared
 *       transaction can commit at or below it), so it agrees with the leaseholder's and with every
 *       other replica's read at {@code t}.
 *   <li>A strong read is served only once the applied slot reaches the leaseholder's answer, and
 *       never below the GC horizon.
 *   <li>Waiting strong reads are bounded by {@link #maxWaitingReads}; past it they are answered
 *       {@link Admission.NotYet} at once (the gateway reads at the leaseholder instead).
 * </ol>
 *
 * <h2>Roads not taken</h2>
 * <ul>
 *   <li><b>Answering "not yet" rather than waiting, for stale reads.</b> Safe time moves only when a
 *       close arrives (every close interval, or with the next heartbeat), so a stale read above it
 *       would wait a large fraction of the target lag; the gateway, told the replica's safe time in
 *       the answer, does better: it reads at the leaseholder, one WAN round trip, or (bounded
 *       staleness) picks a timestamp this replica can serve. Nothing is parked here for it.
 *   <li><b>Strong reads through the leaseholder's applied point (ReadIndex), not by waiting for
 *       safe time to pass {@code now.latest}.</b> The closed timestamp trails {@code now} by the
 *       target lag (1 s) plus the close cadence, so waiting costs over a second; asking the
 *       leaseholder costs one round trip of a few bytes, the rows are still read locally, and the
 *       answer comes as soon as this replica has applied the slot (usually already). Spanner does
 *       the same for a strong read at a replica.
 * </ul>
 *
 * <p>{@link PlantedBug}s, given only at construction and normally none, break invariant 1 on
 * purpose so the tests can show their checks catch it.
 */
public final class FollowerReads {

  /** Deliberate bugs for the tests that show the follower-read checks work. */
  public enum PlantedBug {
    /** Serves a stale read whatever the safe time: a lagging replica shows a snapshot that later changes. */
    SERVE_ABOVE_SAFE_TIME
  }

  /** What to do with one read. */
  public sealed interface Admission {
    /** Serve it now from a snapshot of the applied state. */
    record Serve(Timestamp readTs) implements Admission {}

    /** Not servable here: this replica's safe time is {@code safeTime}; read at the leaseholder. */
    record NotYet(Timestamp readTs, Timestamp safeTime) implements Admission {}

    /** Below the GC horizon: the versions it needs may be gone, here and everywhere. */
    record TooOld(Timestamp readTs, Timestamp gcHorizon) implements Admission {}

    /** A strong read waiting for this replica to apply {@code slot}; {@link #applied} releases it. */
    record Waiting(RequestId id, LogSlot slot) implements Admission {}
  }

  /** Counters since start, for metrics ({@code meridian_follower_reads_*}). */
  public record Stats(long servedStale, long servedStrong, long notYet, long tooOld, int waiting) {}

  private final RangeStateMachine machine;
  private final int maxWaitingReads;
  private final Set<PlantedBug> plantedBugs;
  private Timestamp gcHorizon = Timestamp.ZERO;
  /** Strong reads waiting for their slot, in arrival order. */
  private final Map<RequestId, LogSlot> waiting = new LinkedHashMap<>();
  private long servedStale;
  private long servedStrong;
  private long notYet;
  private long tooOld;

  public FollowerReads(RangeStateMachine machine, int maxWaitingReads, Set<PlantedBug> plantedBugs) {
    if (maxWaitingReads <= 0) {
      throw new IllegalArgumentException("maxWaitingReads must be positive, got " + maxWaitingReads);
    }
    this.machine = Objects.requireNonNull(machine, "machine");
    this.maxWaitingReads = maxWaitingReads;
    this.plantedBugs = Set.copyOf(plantedBugs);
  }

  /** A replica with no planted bug and room for 1,000 waiting strong reads. */
  public FollowerReads(RangeStateMachine machine) {
    this(machine, 1_000, Set.of());
  }

  public Set<PlantedBug> plantedBugs() {
    return plantedBugs;
  }

  /** The node's GC horizon rose (the GC daemon's input): reads below it are refused. */
  public void gcHorizonRaised(Timestamp horizon) {
    gcHorizon = Timestamp.max(gcHorizon, horizon);
  }

  /** The replica's safe time now (what a "not yet" answer and a bounded-staleness query report). */
  public Timestamp safeTime() {
    return machine.safeTime();
  }

  /** Invariant 1: a stale read at {@code readTs}. */
  public Admission admitStale(Timestamp readTs) {
    if (readTs.isBefore(gcHorizon)) {
      tooOld++;
      return new Admission.TooOld(readTs, gcHorizon);
    }
    Timestamp safe = machine.safeTime();
    if (readTs.isAfter(safe) && !plantedBugs.contains(PlantedBug.SERVE_ABOVE_SAFE_TIME)) {
      notYet++;
      return new Admission.NotYet(readTs, safe);
    }
    servedStale++;
    return new Admission.Serve(readTs);
  }

  /**
   * Invariant 2: a strong read at {@code readTs} after the leaseholder's ReadIndex answered {@code
   * slot}: served now if this replica has applied it, else it waits (bounded) for {@link #applied}.
   */
  public Admission admitStrong(RequestId id, Timestamp readTs, LogSlot slot) {
    if (readTs.isBefore(gcHorizon)) {
      tooOld++;
      return new Admission.TooOld(readTs, gcHorizon);
    }
    if (machine.appliedSlot() >= slot.value()) {
      servedStrong++;
      return new Admission.Serve(readTs);
    }
    if (waiting.size() >= maxWaitingReads) {
      notYet++;
      return new Admission.NotYet(readTs, machine.safeTime());
    }
    Invariants.require(!waiting.containsKey(id), "one strong read per request id: %s", id);
    waiting.put(id, slot);
    return new Admission.Waiting(id, slot);
  }

  /** The state machine applied a slot: the strong reads it releases, to serve now, in arrival order. */
  public List<RequestId> applied() {
    List<RequestId> released = new ArrayList<>();
    Iterator<Map.Entry<RequestId, LogSlot>> it = waiting.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<RequestId, LogSlot> entry = it.next();
      if (machine.appliedSlot() >= entry.getValue().value()) {
        it.remove();
        servedStrong++;
        released.add(entry.getKey());
      }
    }
    return released;
  }

  /**
   * Gives up on a waiting strong read (its deadline passed: the host's timer; or its client went
   * away). Returns whether it was waiting; the host answers it "not yet" so the gateway goes to the
   * leaseholder.
   */
  public boolean abandon(RequestId id) {
    if (waiting.remove(id) == null) {
      return false;
    }
    notYet++;
    return true;
  }

  public Stats stats() {
    return new Stats(servedStale, servedStrong, notYet, tooOld, waiting.size());
  }
}
