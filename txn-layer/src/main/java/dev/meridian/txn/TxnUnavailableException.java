package dev.meridian.txn;

/**
 * The node cannot serve the transaction right now (its clock is not trustworthy, it is not the
 * leader, ...). Nothing was applied; the transaction may be retried, here later or on another node.
 */
public final class TxnUnavailableException extends TxnException {

  public TxnUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
