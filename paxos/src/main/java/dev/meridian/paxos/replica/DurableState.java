package dev.meridian.paxos.replica;

import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import java.util.List;

/**
 * What a replica restarts from: everything the driver persisted from earlier {@link Ready}s, plus the
 * slot up to which the driver's state machine has durably applied.
 *
 * @param hardState the last persisted {@link HardState}
 * @param snapshot the last persisted snapshot (the initial one for a fresh group)
 * @param entries persisted accepted entries above the snapshot, any order (at most one per slot: a
 *     later write of a slot replaces the earlier)
 * @param applied the state machine has applied every slot up to here; below the snapshot's slot
 *     only for a durable machine that staged a received snapshot and crashed before installing it
 *     (the replica then hands the snapshot over again)
 */
public record DurableState(HardState hardState, Snapshot snapshot, List<Entry> entries, Slot applied) {

  public DurableState {
    entries = List.copyOf(entries);
  }

  /** A brand-new replica of a group whose initial membership is {@code membership}. */
  public static DurableState bootstrap(Membership membership) {
    return new DurableState(HardState.INITIAL, Snapshot.initial(membership), List.of(), Slot.NONE);
  }

  /** A replica joining an existing group: it learns the membership from the leader. */
  public static DurableState joining() {
    return bootstrap(Membership.EMPTY);
  }
}
