package dev.meridian.txn;

import dev.meridian.storage.Timestamp;

/**
 * The transaction's timestamp is below the GC horizon: the versions it would read or validate against
 * may be gone. Retrying starts a new transaction at a current timestamp; a stale read must ask for
 * less staleness.
 */
public final class TxnTooOldException extends TxnException {

  public TxnTooOldException(Timestamp ts, Timestamp gcHorizon) {
    super(
        "timestamp "
            + ts
            + " is below the GC horizon "
            + gcHorizon
            + ": versions it needs may have been removed; use a newer timestamp or raise the GC TTL");
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
