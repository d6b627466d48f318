package dev.meridian.txn.types;

/** What a replica does in its range's Paxos group. */
public enum ReplicaRole {
  /** Votes in Paxos; may hold the lease. */
  VOTER,
  /** Catching up before promotion to voter; does not vote, serves nothing. */
  LEARNER,
  /** A read replica (DESIGN §5): receives the log, never votes, serves follower reads (M7). */
  NON_VOTER
}
