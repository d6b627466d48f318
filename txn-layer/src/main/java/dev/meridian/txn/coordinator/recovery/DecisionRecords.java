package dev.meridian.txn.coordinator.recovery;

import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.Objects;
import java.util.Optional;

/**
 * The transaction records of one range, as its applied state holds them (helper "range-sm": the
 * range state machine's view should implement this). Written only by applying {@code
 * RangeCommand.RecordDecision}, write-once: applying a second record for a transaction leaves the
 * first.
 */
public interface DecisionRecords {

  /** The recorded decision of {@code txn} in this range, if any. */
  Optional<Decision> decision(TxnId txn);

  /** One transaction record. */
  record Decision(TxnOutcome outcome, Timestamp commitTs) {
    public Decision {
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == TxnOutcome.COMMITTED) != (commitTs != null)) {
        throw new IllegalArgumentException("a commit needs a timestamp and an abort none: " + outcome + " " + commitTs);
      }
    }
  }
}
