package dev.meridian.paxos.driver;

import dev.meridian.paxos.types.Ballot;

/**
 * What the driver tells a group's state machine about this replica's leadership, so that a
 * leaseholder core (timestamps, strong reads) can start and stop with it. Reported on the driver's
 * loop after the Ready that caused it was processed, in the order the replica went through them:
 * {@link BecameLeader}, then any number of {@link LeaseExtended}, then {@link LostLeadership}.
 *
 * <p>A lease end is a TrueTime instant in microseconds: the leader may serve strong reads and assign
 * timestamps while {@code TT.now().latest < leaseEndMicros}. It is a bound the listener must check
 * against TrueTime itself: a lease can run out without any event (the driver reports what the
 * replica granted, not the passing of time).
 */
public sealed interface RoleChange {

  Ballot ballot();

  /**
   * This replica leads under {@code ballot}: phase 1 is done and it holds a lease of its own until
   * {@code leaseEndMicros} (always above 0). Every earlier leader's lease has passed, except, when
   * {@code transferredFrom} is not {@link Ballot#ZERO}, the lease of that ballot, which handed
   * leadership over ({@code TimeoutNow}) and gave its lease up before, but whose reads and
   * timestamps this leader did not wait out: a listener that assigns timestamps must learn them
   * from it (a hand-over) or stay above them by the clock bound.
   */
  record BecameLeader(Ballot ballot, long leaseEndMicros, Ballot transferredFrom) implements RoleChange {
    public BecameLeader {
      java.util.Objects.requireNonNull(transferredFrom, "transferredFrom");
    }

    /** Elected: every earlier lease has passed. */
    public BecameLeader(Ballot ballot, long leaseEndMicros) {
      this(ballot, leaseEndMicros, Ballot.ZERO);
    }

    public boolean afterTransfer() {
      return !transferredFrom.isZero();
    }
  }

  /** The lease of the leader of {@code ballot} (this replica) now ends at {@code leaseEndMicros}. */
  record LeaseExtended(Ballot ballot, long leaseEndMicros) implements RoleChange {}

  /**
   * This replica no longer leads under {@code ballot} (stepped down, handed leadership over, lost its
   * quorum, or the group was unhosted). Its lease, if still running, must not be used any more.
   */
  record LostLeadership(Ballot ballot) implements RoleChange {}
}
