package dev.meridian.txn.coordinator.coordinate;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.types.RangeDescriptor;

/**
 * The one-range fast path: everything the transaction read and wrote lies in one range, so that
 * range's leaseholder validates, chooses the commit timestamp and replicates one {@code Commit}, with
 * no intents and no transaction record.
 *
 * <p>Sent at most once per grouping. The request is not idempotent (a second attempt would find the
 * first one's versions newer than {@code readTs} and report a conflict for a transaction that
 * committed), so a timeout or an unknown outcome is answered 40003, and only a {@code Redirect} (the
 * leaseholder proposed nothing) allows a second send, after the keys are grouped again.
 */
public final class OnePhaseCommit {

  private final TxnId txn;
  private final Timestamp readTs;
  private final Grouping.Group group;
  private boolean sent;

  public OnePhaseCommit(TxnId txn, Timestamp readTs, Grouping.Group group) {
    this.txn = txn;
    this.readTs = readTs;
    this.group = group;
  }

  public RangeDescriptor target() {
    return group.range();
  }

  public CoordinatorRequest.CommitOnePhase request() {
    Invariants.require(!sent, "the one-phase commit of %s was sent twice under one grouping", txn);
    sent = true;
    Footprint part = group.part();
    return new CoordinatorRequest.CommitOnePhase(
        group.id(), group.range().generation(), txn, readTs, part.readKeys(), part.readSpans(), part.writes());
  }

  /** Checks a commit timestamp the leaseholder chose before it is believed. */
  public Timestamp committed(Timestamp commitTs) {
    Invariants.require(commitTs.isAfter(readTs),
        "one-phase commit of %s at %s is not above its read timestamp %s", txn, commitTs, readTs);
    return commitTs;
  }
}
