package dev.meridian.txn.coordinator.coordinate;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Phase two: tells every range that may hold the transaction's intents how it ended, after the
 * client was answered, retrying each until it is acknowledged. At most {@code maxInFlight} resolves
 * are outstanding; each target is sent at most {@code maxAttempts} times, after which it is
 * abandoned to the participant's own recovery (which asks the coordinator range and gets the same
 * answer, because the answer is the record).
 *
 * <p>Invariant: one outcome (and, committed, one timestamp) for every target: this object is made
 * once per transaction, from the recorded decision or from a coordinator that never proposed a
 * commit.
 */
public final class ResolveParticipants {

  private enum State { QUEUED, IN_FLIGHT, AWAITING_REFRESH, ACKED, ABANDONED }

  private static final class Target {
    State state = State.QUEUED;
    int attempts;
  }

  private final TxnId txn;
  private final TxnOutcome outcome;
  private final Timestamp commitTs;
  private final int maxInFlight;
  private final int maxAttempts;
  private final Map<RangeId, Target> targets = new TreeMap<>();
  private int inFlight;

  public ResolveParticipants(TxnId txn, TxnOutcome outcome, Timestamp commitTs,
      Collection<RangeId> ranges, int maxInFlight, int maxAttempts) {
    this.txn = txn;
    this.outcome = outcome;
    this.commitTs = commitTs;
    this.maxInFlight = maxInFlight;
    this.maxAttempts = maxAttempts;
    for (RangeId range : ranges) {
      targets.put(range, new Target());
    }
  }

  public TxnOutcome outcome() {
    return outcome;
  }

  public List<RangeId> targets() {
    return List.copyOf(targets.keySet());
  }

  /** The targets to send a resolve to now, as many as the in-flight bound allows, in range order. */
  public List<RangeId> nextToSend() {
    List<RangeId> out = new ArrayList<>();
    for (Map.Entry<RangeId, Target> entry : targets.entrySet()) {
      if (inFlight >= maxInFlight) {
        break;
      }
      Target target = entry.getValue();
      if (target.state == State.QUEUED) {
        target.state = State.IN_FLIGHT;
        target.attempts++;
        inFlight++;
        out.add(entry.getKey());
      }
    }
    return out;
  }

  public CoordinatorRequest.Resolve request(RangeId range) {
    Invariants.require(target(range).state == State.IN_FLIGHT, "resolve of %s to %s built while not in flight", txn, range);
    return new CoordinatorRequest.Resolve(range, txn, outcome, commitTs);
  }

  public boolean inFlight(RangeId range) {
    Target target = targets.get(range);
    return target != null && target.state == State.IN_FLIGHT;
  }

  public void acked(RangeId range) {
    land(range, State.ACKED);
  }

  /**
   * The resolve to {@code range} failed (timeout, unknown, redirect); queue it again, or abandon it
   * after its last attempt. {@code needsRefresh}: wait for {@link #refreshed} before resending.
   *
   * @return false if abandoned
   */
  public boolean failed(RangeId range, boolean needsRefresh) {
    Target target = target(range);
    if (target.attempts >= maxAttempts) {
      land(range, State.ABANDONED);
      return false;
    }
    land(range, needsRefresh ? State.AWAITING_REFRESH : State.QUEUED);
    return true;
  }

  /** Target {@code range} cannot be addressed now (no descriptor); wait for a refresh. */
  public void unaddressable(RangeId range) {
    land(range, State.AWAITING_REFRESH);
  }

  public void refreshed() {
    targets.values().stream().filter(t -> t.state == State.AWAITING_REFRESH).forEach(t -> t.state = State.QUEUED);
  }

  public boolean finished() {
    return targets.values().stream().allMatch(t -> t.state == State.ACKED || t.state == State.ABANDONED);
  }

  public int inFlightCount() {
    return inFlight;
  }

  private void land(RangeId range, State state) {
    Target target = target(range);
    Invariants.require(target.state == State.IN_FLIGHT || state == State.AWAITING_REFRESH,
        "resolve of %s to %s landed as %s while %s", txn, range, state, target.state);
    if (target.state == State.IN_FLIGHT) {
      inFlight--;
    }
    target.state = state;
    Invariants.require(inFlight >= 0, "resolves of %s in flight went negative", txn);
  }

  private Target target(RangeId range) {
    Target target = targets.get(range);
    Invariants.require(target != null, "%s is not a resolve target of %s", range, txn);
    return target;
  }
}
