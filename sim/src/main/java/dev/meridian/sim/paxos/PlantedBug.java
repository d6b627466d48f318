package dev.meridian.sim.paxos;

/**
 * Bugs the simulator can plant on purpose, to show that its checks have teeth: a run with a planted
 * bug is expected to fail within some number of seeds. They live in the simulator's disk and clock
 * model (what the driver and replica are handed), never in the protocol code, so there is no
 * production switch that could be left on.
 */
public enum PlantedBug {
  /** No bug: the run checks the real protocol. */
  NONE,

  /**
   * An acceptor forgets its promise on restart: the disk loads a hard state with the promised ballot
   * and the lease vote reset (as a storage that persisted only log entries and the commit point
   * would). It can then accept a ballot below one it already promised, and promise a new leader while
   * it still backs the old one's lease.
   */
  FORGET_PROMISE_ON_RESTART,

  /**
   * An acceptor forgets part of its lease promise on restart: the disk loads the lease vote with its
   * end one lease duration earlier than was written. The durable end runs up to a lease duration
   * ahead of what was granted, so the restarted acceptor may honour less than it granted, and help a
   * new leader while a lease it backed still runs. Most often the lease is that of a leader that
   * crashed and restarted — so it is found only because the lease checks hold crashed leaders to
   * the lease they had computed.
   */
  LEASE_VOTE_CUT_SHORT_ON_RESTART,

  /**
   * A leader acts before the old lease ends: every node's {@code TrueTime.after(t)} answers {@code
   * now().latest > t} ("t may have passed") instead of {@code now().earliest > t} ("t has definitely
   * passed"). Both guards of lease disjointness use it — the acceptor's release of its lease vote and
   * the new leader's wait for the prior lease — so a new leader can start serving up to two epsilons
   * before the previous lease has ended in true time.
   */
  LEASE_WAIT_IGNORES_UNCERTAINTY,

  /**
   * A node does not watch its own wall clock: the synced TrueTime of every node is handed a wall
   * clock with the nemesis's out-of-bound steps taken out, as a daemon that compared the masters only
   * with each other would see it. Its intervals stay right (they never use the wall clock), but a
   * node whose clock left the bound goes on serving instead of fencing itself.
   */
  WALL_CLOCK_UNWATCHED,

  /**
   * {@code sim txn} only: the leaseholder's optimistic validation never sees a newer version — the
   * range store's snapshots answer "nothing newer than the read timestamp" ({@code
   * sim.txn.BlindValidationStore}). Two transactions that read the same list and append to it both
   * commit: a lost update, which strict serializability forbids.
   */
  SKIP_READ_VALIDATION,

  /**
   * {@code sim txn} only: a new leaseholder may start below the old lease end. The hosts are told the
   * cluster's clock bound is zero, so the target of a leadership transfer — which Paxos lets skip
   * the old lease — starts its timestamps at its own {@code now.latest}, below reads the old holder
   * may have served from a clock ahead: a commit can land at or below a read already served.
   */
  NEW_LEASEHOLDER_BELOW_OLD_LEASE,

  /**
   * {@code sim txn} only: every replica serves a stale follower read whatever its safe time (the
   * cores' {@code FollowerReads.PlantedBug.SERVE_ABOVE_SAFE_TIME}, handed to the range hosts). A
   * lagging replica answers a read at {@code t} from a state that lacks commits at or below {@code
   * t}, or before the leaseholder's watermark covers it, so the read disagrees with the converged
   * state at {@code t}.
   */
  SERVE_ABOVE_SAFE_TIME
}
