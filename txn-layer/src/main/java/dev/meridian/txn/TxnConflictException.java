package dev.meridian.txn;

/**
 * Optimistic validation failed: another transaction wrote something this one read (a key or a key
 * inside a scanned span) after this one's read timestamp, or is committing a write to it right now.
 * Nothing of this transaction was applied; running it again may succeed.
 */
public final class TxnConflictException extends TxnException {

  public TxnConflictException(String message) {
    super(message);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
