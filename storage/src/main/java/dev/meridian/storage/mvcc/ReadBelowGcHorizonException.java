package dev.meridian.storage.mvcc;

import dev.meridian.storage.Timestamp;

/**
 * A read asked for a timestamp whose versions may already have been garbage collected. Not retryable
 * at the same timestamp: the caller must read at a newer one.
 */
public final class ReadBelowGcHorizonException extends RuntimeException {

  private final Timestamp readTs;
  private final Timestamp gcHorizon;

  public ReadBelowGcHorizonException(Timestamp readTs, Timestamp gcHorizon) {
    super(
        "cannot read at "
            + readTs
            + ": versions older than the GC horizon "
            + gcHorizon
            + " have been removed; read at a newer timestamp (less staleness) or raise the GC TTL");
    this.readTs = readTs;
    this.gcHorizon = gcHorizon;
  }

  public Timestamp readTs() {
    return readTs;
  }

  public Timestamp gcHorizon() {
    return gcHorizon;
  }
}
