package dev.meridian.txn.range.state;

import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.List;
import java.util.Objects;

/** A coordinator's recorded decision (write-once), kept by the coordinator range. */
public record TxnRecord(TxnId txn, TxnOutcome outcome, Timestamp commitTs, List<RangeId> participants) {

  public TxnRecord {
    Objects.requireNonNull(txn, "txn");
    Objects.requireNonNull(outcome, "outcome");
    participants = List.copyOf(participants);
  }

  /** Whether {@code outcome} at {@code commitTs} is the decision recorded here. */
  public boolean sameDecision(TxnOutcome otherOutcome, Timestamp otherCommitTs) {
    return outcome == otherOutcome && Objects.equals(commitTs, otherCommitTs);
  }
}
