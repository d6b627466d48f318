package dev.meridian.txn.coordinator.coordinate;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.List;

/**
 * Records the commit decision in the coordinator range, resent until an answer says what is
 * recorded. Only this action ever proposes {@code COMMITTED} for a transaction, and always with the
 * one {@code commitTs} chosen when it was made; a recovering participant may propose {@code
 * ABORTED}. The record is write-once, so the first to apply wins and {@link #outcome} reports the
 * winner, which is what the client is told and what every participant is resolved with.
 */
public final class PersistDecision {

  private final TxnId txn;
  private final RangeId coordinatorRange;
  private final Timestamp commitTs;
  private final List<RangeId> participants;
  private int sends;

  public PersistDecision(TxnId txn, RangeId coordinatorRange, Timestamp commitTs, List<RangeId> participants) {
    this.txn = txn;
    this.coordinatorRange = coordinatorRange;
    this.commitTs = commitTs;
    this.participants = List.copyOf(participants);
  }

  public RangeId coordinatorRange() {
    return coordinatorRange;
  }

  public Timestamp commitTs() {
    return commitTs;
  }

  /** Every send is the same request: a repeat finds the record and answers from it. */
  public CoordinatorRequest.RecordDecision request() {
    sends++;
    return new CoordinatorRequest.RecordDecision(coordinatorRange, txn, TxnOutcome.COMMITTED, commitTs, participants);
  }

  public int sends() {
    return sends;
  }

  /** The recorded outcome; a recorded commit must be this action's own. */
  public TxnOutcome outcome(ParticipantReply.Recorded recorded) {
    if (recorded.outcome() == TxnOutcome.COMMITTED) {
      Invariants.require(recorded.commitTs().equals(commitTs),
          "%s recorded as committed at %s, but its coordinator proposed %s", txn, recorded.commitTs(), commitTs);
    }
    return recorded.outcome();
  }
}
