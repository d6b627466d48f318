package dev.meridian.txn.leaseholder;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Timestamp;
import dev.meridian.txn.types.RangeId;
import java.util.Objects;

/**
 * What a leaseholder that gives up its lease by transfer tells the target (DESIGN §11, "Timestamps
 * live inside leases"): {@code maxServedOrAssigned} is at least every timestamp the old holder ever
 * served a read at (its read watermark) or assigned to a commit or prepare. The old holder serves and
 * assigns nothing after producing it, so the target's floor, which lies above it, is above everything
 * the old holder did.
 *
 * <p>Paxos lets a transfer's target skip waiting out the old leader's lease (that is what makes a
 * transfer fast); without this value the target would have to start above the old lease end, which
 * lies up to a lease duration in the future, and commit-wait that long.
 */
public record Handover(RangeId range, NodeId from, NodeId target, Timestamp maxServedOrAssigned) {

  public Handover {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(maxServedOrAssigned, "maxServedOrAssigned");
  }
}
