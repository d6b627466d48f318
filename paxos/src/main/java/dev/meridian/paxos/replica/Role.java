package dev.meridian.paxos.replica;

/** What a replica is doing. A learner is always a {@link #FOLLOWER}. */
public enum Role {
  FOLLOWER,
  /** Asking voters whether they too lost the leader, before raising any ballot. */
  PRE_CANDIDATE,
  /** Running phase 1 at its own ballot. */
  CANDIDATE,
  /** Won phase 1; serves once the previous leader's lease has passed. */
  LEADER
}
