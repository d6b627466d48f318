package dev.meridian.txn;

/**
 * The transaction client API the SQL layer runs on: the seam between sql-frontend and where the
 * data lives. {@link TxnClient} runs every transaction on this node's one local range (M1–M4);
 * {@code gateway.GatewayTxnClient} runs them across the cluster's ranges (M5). Thread-safe.
 */
public interface TransactionClient {

  /** The node this client runs on: the coordinator node of its transaction ids. */
  int nodeId();

  /** The bounds every transaction of this client keeps. */
  TxnLimits limits();

  /**
   * Begins a read-write transaction reading at {@code TT.now().latest}.
   *
   * @throws TxnUnavailableException if the clock is not trustworthy (retryable)
   */
  ReadWriteTxn beginReadWrite();

  /**
   * Begins a read-only transaction at the timestamp {@code bound} picks.
   *
   * @throws TxnUnavailableException if the clock is not trustworthy (retryable)
   */
  ReadOnlyTxn beginReadOnly(TimestampBound bound);

  /** The ranges this client's transactions run on, for SHOW RANGES and splits. */
  RangeAdmin rangeAdmin();
}
