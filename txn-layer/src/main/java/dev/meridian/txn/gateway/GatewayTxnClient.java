package dev.meridian.txn.gateway;

import dev.meridian.txn.RangeAdmin;
import dev.meridian.txn.directory.DirectoryLimits;

import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TransactionClient;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.coordinator.CoordinatorCounters;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.TxnFutures;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transaction client of a cluster node (the gateway): the {@link TransactionClient} that
 * sql-frontend runs on, with every transaction routed across the cluster's ranges by a {@link
 * Gateway} and committed by a coordinator on this node. Thread-safe: begins may come from any SQL
 * thread; the transactions hand their work to the gateway's loop.
 *
 * <p>Transaction ids are {@code (nodeId, sequence)} with the sequence never below the clock's latest
 * microsecond and always above the previous one, so they are unique across this node's restarts, and
 * across nodes by the node id.
 */
public final class GatewayTxnClient implements TransactionClient {

  private final int nodeId;
  private final Gateway gateway;
  private final TxnLimits txnLimits;
  private final CoordinatorLimits coordinatorLimits;
  private final CoordinatorCounters counters = new CoordinatorCounters();
  private final AtomicLong lastTxnSequence = new AtomicLong();
  private final GatewayRangeAdmin rangeAdmin;

  public GatewayTxnClient(int nodeId, Gateway gateway, TxnLimits txnLimits, CoordinatorLimits coordinatorLimits) {
    this.nodeId = nodeId;
    this.gateway = gateway;
    this.txnLimits = txnLimits;
    this.coordinatorLimits = coordinatorLimits;
    this.rangeAdmin = new GatewayRangeAdmin(this, gateway, DirectoryLimits.defaults());
  }

  @Override
  public RangeAdmin rangeAdmin() {
    return rangeAdmin;
  }

  @Override
  public int nodeId() {
    return nodeId;
  }

  @Override
  public TxnLimits limits() {
    return txnLimits;
  }

  /** The commits' counters ({@code meridian_txn_coordinator_*}); written on the gateway's loop. */
  public CoordinatorCounters counters() {
    return counters;
  }

  @Override
  public ReadWriteTxn beginReadWrite() {
    TTInterval now = now();
    long sequence = lastTxnSequence.updateAndGet(last -> Math.max(last + 1, now.latestMicros()));
    return new GatewayReadWriteTransaction(new TxnId(nodeId, sequence), Timestamp.ofMicros(now.latestMicros()),
        gateway, txnLimits, coordinatorLimits, counters);
  }

  /**
   * A read-only transaction; a strong one reads every range at {@code TT.now().latest} at its
   * leaseholder (or a replica in this region through the leaseholder's applied point), a stale one (exact staleness, or a given timestamp) at the nearest replica whose
   * safe time covers it.
   */
  @Override
  public ReadOnlyTxn beginReadOnly(TimestampBound bound) {
    return new GatewayReadOnlyTransaction(bound.readTs(this::now), gateway,
        bound instanceof TimestampBound.Strong ? Gateway.ReadRoute.NEAREST_STRONG : Gateway.ReadRoute.NEAREST_STALE);
  }

  /**
   * A bounded-staleness read-only transaction over {@code scope} (Spanner's {@code max_staleness}):
   * it reads at the freshest timestamp no older than {@code maxStalenessMicros} that every replica
   * serving {@code scope} can serve locally ({@link Gateway#boundedStalenessReadTs}). The scope is
   * needed up front because the timestamp is chosen before the first read; a read outside it is
   * still correct, only perhaps served by a leaseholder. Completes on the gateway's loop.
   */
  public CompletableFuture<ReadOnlyTxn> beginBoundedStaleness(long maxStalenessMicros, List<KeySpan> scope) {
    if (maxStalenessMicros < 0) {
      throw new IllegalArgumentException("staleness must not be negative: " + maxStalenessMicros);
    }
    Timestamp latest = Timestamp.ofMicros(now().latestMicros());
    Timestamp oldest = latest.minusMicros(maxStalenessMicros);
    CompletableFuture<ReadOnlyTxn> result = new CompletableFuture<>();
    gateway.loop().execute(() -> TxnFutures.forward(
        () -> gateway.boundedStalenessReadTs(List.copyOf(scope), oldest, latest)
            .thenApply(readTs -> (ReadOnlyTxn) new GatewayReadOnlyTransaction(readTs, gateway,
                Gateway.ReadRoute.NEAREST_STALE)),
        result));
    return result;
  }

  /**
   * Splits the range holding {@code splitKey} at it and files both halves in the meta range ({@link
   * RangeSplitter#forCluster}): the entry point of {@code ALTER TABLE … SPLIT AT} and of CREATE
   * TABLE's splits ({@code ClusterKeySpace.splitsForNewTable}). The caller checks the key with {@code
   * directory.SplitPlanner} first.
   */
  public CompletableFuture<RangeChannel.SplitResult> split(Key splitKey) {
    return RangeSplitter.forCluster(this, gateway).split(splitKey);
  }

  private TTInterval now() {
    try {
      return gateway.trueTime().now();
    } catch (ClockUnavailableException e) {
      throw new TxnUnavailableException("cannot begin a transaction: " + e.getMessage(), e);
    }
  }
}
