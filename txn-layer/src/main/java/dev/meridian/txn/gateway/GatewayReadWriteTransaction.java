package dev.meridian.txn.gateway;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.BufferedReadWriteTxn;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.coordinator.CoordinatorCounters;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.coordinator.TxnCoordinator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A read-write transaction of the cluster (DESIGN §6), coordinated on this gateway node: snapshot
 * reads at {@code readTs} from each key's leaseholder (scans over several ranges in key order, via
 * {@link Gateway#scan}), writes buffered here and seen by its own reads, the read set recorded, and
 * at commit a {@link TxnCoordinator} that takes the one-range fast path or two-phase commit. Buffer,
 * savepoints, read set and the loop hand-off are {@link BufferedReadWriteTxn}'s, bounded by {@link
 * TxnLimits#maxWriteBufferBytes} and {@link CoordinatorLimits#maxReadSetBytes} (54000 as soon as
 * either is passed). Everything runs on the gateway's loop.
 *
 * <p>Commit answers: the commit timestamp once true time passed it; {@code TxnConflictException}
 * or {@code TxnUnavailableException} only when nothing was applied (40001); {@code
 * TxnOutcomeUnknownException} when it cannot be known (40003, never reported as retryable); {@code
 * TxnLimitException} (54000).
 */
public final class GatewayReadWriteTransaction extends BufferedReadWriteTxn {

  private final Gateway gateway;
  private final TxnLimits txnLimits;
  private final CoordinatorLimits coordinatorLimits;
  private final CoordinatorCounters counters;

  GatewayReadWriteTransaction(TxnId id, Timestamp readTs, Gateway gateway, TxnLimits txnLimits,
      CoordinatorLimits coordinatorLimits, CoordinatorCounters counters) {
    super(id, readTs, gateway.loop(), txnLimits, coordinatorLimits.maxReadSetBytes());
    this.gateway = gateway;
    this.txnLimits = txnLimits;
    this.coordinatorLimits = coordinatorLimits;
    this.counters = counters;
  }

  @Override
  protected CompletableFuture<Optional<Version>> readStored(Key key) {
    return gateway.get(key, readTs());
  }

  @Override
  protected CompletableFuture<List<KeyValue>> scanStored(KeySpan span, Direction direction, int limit) {
    return gateway.scan(span, direction, limit, readTs());
  }

  /** Commits through a new {@link TxnCoordinator} driven by a {@link CommitDriver}. */
  @Override
  protected CompletableFuture<Timestamp> commitStored(List<Write> writes, List<Key> readKeys, List<KeySpan> readSpans) {
    TxnCoordinator coordinator =
        new TxnCoordinator(id(), readTs(), gateway.rangeLookup(), coordinatorLimits, txnLimits, counters);
    return new CommitDriver(gateway, coordinator).start(writes, readKeys, readSpans);
  }
}
