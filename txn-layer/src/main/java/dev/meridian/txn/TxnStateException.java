package dev.meridian.txn;

/** The transaction was used after it ended (committed, aborted or failed). A bug in the caller. */
public final class TxnStateException extends TxnException {

  public TxnStateException(String message) {
    super(message);
  }

  @Override
  public boolean isRetryable() {
    return false;
  }
}
