package dev.meridian.txn;

/**
 * A transaction went past one of the {@link TxnLimits}. Not retryable: the same transaction would
 * go past it again; the application must split its work into smaller transactions.
 */
public final class TxnLimitException extends TxnException {

  public TxnLimitException(String message) {
    super(message);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
