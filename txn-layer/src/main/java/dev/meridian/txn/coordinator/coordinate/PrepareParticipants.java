package dev.meridian.txn.coordinator.coordinate;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.coordinator.RangeLookup;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Phase one of two-phase commit: a {@code Prepare} at every participant, each carrying the read
 * timestamp, that range's part of the read set and its writes, and the coordinator range.
 *
 * <p>Invariants:
 * <ul>
 *   <li>the coordinator range is fixed when this object is made and every Prepare names it, also
 *       after a regroup: a participant asks exactly that range for the decision, so the decision
 *       must never be recorded anywhere else;
 *   <li>every prepare timestamp believed is above the read timestamp, and {@link #maxPrepareTs} is
 *       the maximum of all of them;
 *   <li>{@link #touched} only grows: it holds every range a Prepare was ever sent to, since each
 *       may hold intents whatever its answer was, and all of them are resolved at the end.
 * </ul>
 *
 * <p>A participant that answered {@code Redirect} proposed nothing; its part of the footprint is
 * grouped again with refreshed descriptors ({@link #regroup}). A split turns it into several
 * participants; a regrouped piece that falls into another existing participant (a merge) is not
 * merged into that participant's request, because a second Prepare of the same transaction with
 * other contents is not what idempotent prepare means: the commit gives up with a retryable error.
 */
public final class PrepareParticipants {

  private enum State { AWAITING_REPLY, AWAITING_REFRESH, PREPARED }

  private static final class Slot {
    Grouping.Group group;
    State state = State.AWAITING_REPLY;

    Slot(Grouping.Group group) {
      this.group = group;
    }
  }

  private final TxnId txn;
  private final Timestamp readTs;
  private final RangeId coordinatorRange;
  private final Map<RangeId, Slot> slots = new LinkedHashMap<>();
  private final Set<RangeId> touched = new TreeSet<>();
  private Timestamp maxPrepareTs;

  public PrepareParticipants(TxnId txn, Timestamp readTs, RangeId coordinatorRange, List<Grouping.Group> groups) {
    this.txn = txn;
    this.readTs = readTs;
    this.coordinatorRange = coordinatorRange;
    for (Grouping.Group group : groups) {
      slots.put(group.id(), new Slot(group));
    }
    Invariants.require(slots.containsKey(coordinatorRange),
        "coordinator range %s of %s is not a participant", coordinatorRange, txn);
  }

  public RangeId coordinatorRange() {
    return coordinatorRange;
  }

  /** The current participants, in key order. */
  public List<RangeId> participants() {
    return List.copyOf(slots.keySet());
  }

  public int size() {
    return slots.size();
  }

  /** Every range a Prepare was ever sent to. */
  public Set<RangeId> touched() {
    return Set.copyOf(touched);
  }

  public boolean isParticipant(RangeId id) {
    return slots.containsKey(id);
  }

  public RangeDescriptor target(RangeId id) {
    return slot(id).group.range();
  }

  /** The (re)sent Prepare for participant {@code id}. */
  public CoordinatorRequest.Prepare request(RangeId id) {
    Slot slot = slot(id);
    Invariants.require(slot.state != State.PREPARED, "prepare of %s resent to %s after it prepared", txn, id);
    slot.state = State.AWAITING_REPLY;
    touched.add(id);
    Footprint part = slot.group.part();
    return new CoordinatorRequest.Prepare(id, slot.group.range().generation(), txn, readTs,
        part.readKeys(), part.readSpans(), part.writes(), coordinatorRange);
  }

  /** Whether a reply for {@code id} is still wanted (it is not prepared, nor waiting for a refresh). */
  public boolean awaitingReply(RangeId id) {
    Slot slot = slots.get(id);
    return slot != null && slot.state == State.AWAITING_REPLY;
  }

  public void prepared(RangeId id, Timestamp prepareTs) {
    Invariants.require(prepareTs.isAfter(readTs),
        "%s prepared %s at %s, not above its read timestamp %s", id, txn, prepareTs, readTs);
    slot(id).state = State.PREPARED;
    maxPrepareTs = maxPrepareTs == null ? prepareTs : Timestamp.max(maxPrepareTs, prepareTs);
  }

  public boolean allPrepared() {
    return slots.values().stream().allMatch(s -> s.state == State.PREPARED);
  }

  public Timestamp maxPrepareTs() {
    Invariants.require(allPrepared(), "max prepare timestamp of %s asked before all prepared", txn);
    return maxPrepareTs;
  }

  public void redirected(RangeId id) {
    slot(id).state = State.AWAITING_REFRESH;
  }

  public boolean awaitingRefresh() {
    return slots.values().stream().anyMatch(s -> s.state == State.AWAITING_REFRESH);
  }

  /** What regrouping the redirected participants gave. */
  public sealed interface Regroup {}

  /** The cache still does not cover {@code key}; nothing changed. */
  public record StillMissing(Key key) implements Regroup {}

  /** A piece fell into {@code range}, which is already a participant; nothing changed. */
  public record Overlaps(RangeId range) implements Regroup {}

  /** Participants to send a Prepare to now (replaced or new ones). */
  public record Regrouped(List<RangeId> toSend, boolean changed) implements Regroup {}

  /** Groups the footprint of every redirected participant again, with the descriptors of {@code lookup}. */
  public Regroup regroup(RangeLookup lookup) {
    Map<RangeId, List<Grouping.Group>> replacements = new LinkedHashMap<>();
    for (Map.Entry<RangeId, Slot> entry : slots.entrySet()) {
      if (entry.getValue().state != State.AWAITING_REFRESH) {
        continue;
      }
      Grouping.Result result = Grouping.group(entry.getValue().group.part(), lookup);
      if (result instanceof Grouping.Missing missing) {
        return new StillMissing(missing.key());
      }
      List<Grouping.Group> groups = ((Grouping.Grouped) result).groups();
      for (Grouping.Group group : groups) {
        boolean elsewhere = !group.id().equals(entry.getKey()) && slots.containsKey(group.id());
        boolean twice = replacements.values().stream().flatMap(List::stream).anyMatch(g -> g.id().equals(group.id()));
        if (elsewhere || twice) {
          return new Overlaps(group.id());
        }
      }
      replacements.put(entry.getKey(), groups);
    }
    Map<RangeId, Slot> rebuilt = new LinkedHashMap<>();
    List<RangeId> toSend = new ArrayList<>();
    boolean changed = false;
    for (Map.Entry<RangeId, Slot> entry : slots.entrySet()) {
      List<Grouping.Group> groups = replacements.get(entry.getKey());
      if (groups == null) {
        rebuilt.put(entry.getKey(), entry.getValue());
        continue;
      }
      changed |= groups.size() != 1 || !groups.getFirst().range().equals(entry.getValue().group.range());
      for (Grouping.Group group : groups) {
        rebuilt.put(group.id(), new Slot(group));
        toSend.add(group.id());
      }
    }
    slots.clear();
    slots.putAll(rebuilt);
    if (!slots.containsKey(coordinatorRange)) {
      // The coordinator range split and the written keys left it: it still holds the record (the
      // record goes by range id, which every Prepare named), it just is no participant any more.
      changed = true;
    }
    return new Regrouped(toSend, changed);
  }

  private Slot slot(RangeId id) {
    Slot slot = slots.get(id);
    Invariants.require(slot != null, "%s is not a participant of %s", id, txn);
    return slot;
  }
}
