package dev.meridian.txn;

/**
 * A commit was sent but its outcome cannot be known: it may have been applied or not (storage failed
 * after the write was queued, the leader was lost while the proposal was in flight, the wait for it
 * was given up). SQLSTATE 40003, "statement completion unknown", at the SQL layer.
 *
 * <p>Never retryable: a blind retry of a transaction that did commit would apply it twice. The
 * client must first find out (read back what the transaction wrote) and then decide. This is what
 * separates it from {@link TxnUnavailableException} and {@link TxnConflictException}, which both
 * mean "certainly not applied".
 */
public final class TxnOutcomeUnknownException extends TxnException {

  public TxnOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
