package dev.meridian.txn.coordinator;

import dev.meridian.storage.Timestamp;
import dev.meridian.txn.TxnException;
import java.util.Objects;

/** What the client of a transaction is told when its commit ends. Given once per transaction. */
public sealed interface ClientAnswer {

  /** Committed at {@code commitTs}, and true time has passed it (commit wait is over). */
  record Committed(Timestamp commitTs) implements ClientAnswer {
    public Committed {
      Objects.requireNonNull(commitTs, "commitTs");
    }
  }

  /**
   * Not committed, or not known: {@code failure} is a {@code TxnConflictException} or {@code
   * TxnUnavailableException} (certainly not applied, 40001), {@code TxnOutcomeUnknownException}
   * (40003) or {@code TxnLimitException} (54000).
   */
  record Failed(TxnException failure) implements ClientAnswer {
    public Failed {
      Objects.requireNonNull(failure, "failure");
    }
  }
}
