package dev.meridian.txn.leaseholder;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import java.util.Objects;

/**
 * Why the core did not do what a request asked. The one distinction that matters to a client is
 * {@link Kind#certainlyNotApplied()}: every kind but {@link Kind#OUTCOME_UNKNOWN} means nothing of
 * the request took effect and it may be sent again (SQLSTATE 40001); {@code OUTCOME_UNKNOWN} means
 * the command may still be chosen and applied, so a blind retry could apply a transaction twice
 * (SQLSTATE 40003, DESIGN §11 "Results that may or may not have happened").
 *
 * @param leaseholderHint for {@link Kind#NOT_LEASEHOLDER}, the node believed to hold the lease now,
 *     or null when unknown (ask the directory)
 * @param key for {@link Kind#CONFLICT}, the key the conflict is about, or null
 * @param reason for {@link Kind#CONFLICT}, what happened to {@code key} as a clause ("was written by
 *     a transaction that committed at …"), so the SQL layer can name the row; null otherwise
 */
public record Refusal(Kind kind, String message, NodeId leaseholderHint, Key key, String reason) {

  /** What went wrong, and whether the request certainly had no effect. */
  public enum Kind {
    /** Optimistic validation failed or a key is held by another transaction: retry the transaction. */
    CONFLICT("40001", true),
    /** This replica does not (or no longer, or not yet) hold the lease: retry at {@code leaseholderHint}. */
    NOT_LEASEHOLDER("40001", true),
    /** A key lies outside the range's current span (a split moved it): refresh the descriptor, retry. */
    WRONG_RANGE("40001", true),
    /** Refused for now (lease ending, the core's bounds, storage trouble): retry shortly. */
    RETRY_LATER("40001", true),
    /** The read timestamp is below the GC horizon: retry the transaction with a new one. */
    TOO_OLD("40001", true),
    /** The request can never succeed as sent (a caller bug, e.g. a commit below its prepare). */
    INVALID("XX000", true),
    /** The command was proposed and may or may not be applied. */
    OUTCOME_UNKNOWN("40003", false);

    private final String sqlState;
    private final boolean certainlyNotApplied;

    Kind(String sqlState, boolean certainlyNotApplied) {
      this.sqlState = sqlState;
      this.certainlyNotApplied = certainlyNotApplied;
    }

    public String sqlState() {
      return sqlState;
    }

    public boolean certainlyNotApplied() {
      return certainlyNotApplied;
    }
  }

  public Refusal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  static Refusal of(Kind kind, String message) {
    return new Refusal(kind, message, null, null, null);
  }

  /** The transaction layer's exception for this refusal, as the client API throws it. */
  public TxnException toException() {
    return switch (kind) {
      case CONFLICT -> new TxnConflictException(message, key, reason);
      case OUTCOME_UNKNOWN -> new TxnOutcomeUnknownException(message, null);
      case NOT_LEASEHOLDER, WRONG_RANGE, RETRY_LATER, TOO_OLD, INVALID ->
          new TxnUnavailableException(message, null);
    };
  }
}
