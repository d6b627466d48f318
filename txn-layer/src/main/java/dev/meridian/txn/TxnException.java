package dev.meridian.txn;

/**
 * A transaction could not do what was asked. {@link #isRetryable()} says whether running the whole
 * transaction again may succeed (SQLSTATE 40001 at the SQL layer) or whether the request itself is
 * wrong.
 */
public abstract class TxnException extends RuntimeException {

  protected TxnException(String message) {
    super(message);
  }

  protected TxnException(String message, Throwable cause) {
    super(message, cause);
  }

  public abstract boolean isRetryable();
}
