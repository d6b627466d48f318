package dev.meridian.txn.directory;

import dev.meridian.txn.TxnException;

/**
 * Too many meta lookups are outstanding on this node ({@link DirectoryLimits#maxInFlightLookups}).
 * Retryable: the lookups in flight finish within a round trip to the meta range.
 */
public final class DirectoryBusyException extends TxnException {

  public DirectoryBusyException(String message) {
    super(message);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
