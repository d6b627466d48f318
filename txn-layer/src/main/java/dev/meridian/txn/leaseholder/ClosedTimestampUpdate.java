package dev.meridian.txn.leaseholder;

import dev.meridian.storage.Timestamp;
import dev.meridian.txn.types.RangeId;
import java.util.Objects;

/**
 * A closed timestamp promised outside the log, for a range with nothing to propose (M7): the
 * leaseholder of {@code range} under lease {@code leaseSequence} will commit nothing at or below
 * {@code closedTs}, and had applied the log up to {@code requiredSlot} when it promised. A replica
 * that has applied at least {@code requiredSlot} under the same lease holds every write at or below
 * {@code closedTs}, so it may raise its safe time to it ({@code RangeStateMachine.observeClosed}).
 *
 * <p>It rides the coalesced node-to-node heartbeat (DESIGN §5, "Idle groups go quiet"): one entry
 * per range the sender leads, a few dozen bytes, instead of one Paxos write per idle range per close
 * interval. It is not durable: a replica that restarts falls back on the log's last {@link
 * dev.meridian.txn.range.command.RangeCommand.CloseTimestamp}, which is lower, so nothing it served
 * becomes wrong. Its promise survives the lease: an elected successor's floor is above the old lease
 * end, which every closed timestamp lies below, and a transfer hands the closed timestamp over
 * ({@link Handover}).
 */
public record ClosedTimestampUpdate(RangeId range, long leaseSequence, Timestamp closedTs, LogSlot requiredSlot) {

  public ClosedTimestampUpdate {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(closedTs, "closedTs");
    Objects.requireNonNull(requiredSlot, "requiredSlot");
  }
}
