package dev.meridian.txn.range.state;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Timestamp;
import dev.meridian.txn.types.RangeDescriptor;
import java.util.Objects;

/**
 * A range replica's metadata, applied through the log and stored with every change.
 *
 * @param descriptor the range's current descriptor (span and generation change at a split)
 * @param leaseSequence the current lease (0: none yet); only commands of this lease take effect
 * @param leaseHolder the current lease's holder, or null before the first lease
 * @param leaseFloor timestamps of the current lease lie strictly above this
 * @param maxAppliedCommitTs the highest commit timestamp of any version applied (fast-path commits
 *     and committed resolves): a new leaseholder's timestamps must exceed it
 * @param maxLeaseholderTs the highest timestamp a leaseholder assigned through this log (fast-path
 *     commit and prepare timestamps); every later Commit and Prepare must exceed it. Resolves are
 *     not counted: their commit timestamps come from another range's coordinator and may lawfully
 *     exceed what this range's leaseholder assigns next (on other keys: intents keep its keys apart)
 * @param closedTs no command of a lease commits at or below it (follower reads, M7)
 */
public record RangeMeta(
    RangeDescriptor descriptor,
    long leaseSequence,
    NodeId leaseHolder,
    Timestamp leaseFloor,
    Timestamp maxAppliedCommitTs,
    Timestamp maxLeaseholderTs,
    Timestamp closedTs) {

  public RangeMeta {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(leaseFloor, "leaseFloor");
    Objects.requireNonNull(maxAppliedCommitTs, "maxAppliedCommitTs");
    Objects.requireNonNull(maxLeaseholderTs, "maxLeaseholderTs");
    Objects.requireNonNull(closedTs, "closedTs");
  }

  /** The metadata of a range that has seen no command. */
  public static RangeMeta initial(RangeDescriptor descriptor) {
    return new RangeMeta(descriptor, 0, null, Timestamp.ZERO, Timestamp.ZERO, Timestamp.ZERO, Timestamp.ZERO);
  }

  RangeMeta withDescriptor(RangeDescriptor value) {
    return new RangeMeta(value, leaseSequence, leaseHolder, leaseFloor, maxAppliedCommitTs, maxLeaseholderTs, closedTs);
  }

  RangeMeta withLease(long sequence, NodeId holder, Timestamp floor) {
    return new RangeMeta(descriptor, sequence, holder, floor, maxAppliedCommitTs, maxLeaseholderTs, closedTs);
  }

  RangeMeta withApplied(Timestamp commitTs) {
    return new RangeMeta(descriptor, leaseSequence, leaseHolder, leaseFloor,
        Timestamp.max(maxAppliedCommitTs, commitTs), maxLeaseholderTs, closedTs);
  }

  RangeMeta withAssigned(Timestamp ts) {
    return new RangeMeta(descriptor, leaseSequence, leaseHolder, leaseFloor, maxAppliedCommitTs,
        Timestamp.max(maxLeaseholderTs, ts), closedTs);
  }

  RangeMeta withClosed(Timestamp ts) {
    return new RangeMeta(descriptor, leaseSequence, leaseHolder, leaseFloor, maxAppliedCommitTs, maxLeaseholderTs, ts);
  }
}
