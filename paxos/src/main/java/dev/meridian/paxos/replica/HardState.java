package dev.meridian.paxos.replica;

import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Slot;

/**
 * The acceptor's durable scalars (the {@code paxos_state} column family): the highest ballot
 * promised, the lease vote, and the commit point. The first two must be on disk before any message
 * that reveals them leaves the node; the commit point may lag on disk (a restarted replica relearns
 * it), but must never be persisted ahead of the entries it covers.
 */
public record HardState(Ballot promised, LeaseVote leaseVote, Slot commit) {

  public static final HardState INITIAL = new HardState(Ballot.ZERO, LeaseVote.NONE, Slot.NONE);

  @Override
  public String toString() {
    return "promised=" + promised + " lease-vote=" + leaseVote + " commit=" + commit;
  }
}
