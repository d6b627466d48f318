package dev.meridian.txn.range.state;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.range.RangeSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * One range's state at one applied slot, for the leaseholder core's reads that run off the loop:
 * snapshot reads of versions, the intents overlapping a span, the newest version above a timestamp
 * (OCC validation), and transaction records. Reads outside the range's span are refused (a caller
 * with a stale descriptor must not read a neighbour's keys). Close it promptly: it pins a storage
 * snapshot.
 *
 * <p>Thread-safe (the store's snapshot is; the metadata is immutable).
 */
public final class RangeReadView implements AutoCloseable {

  private final RangeSnapshot snapshot;
  private final RangeMeta meta;
  private final long appliedSlot;
  private final List<PreparedTxn> prepared;

  RangeReadView(RangeSnapshot snapshot, RangeMeta meta, long appliedSlot, List<PreparedTxn> prepared) {
    this.snapshot = snapshot;
    this.meta = meta;
    this.appliedSlot = appliedSlot;
    this.prepared = List.copyOf(prepared);
  }

  public RangeMeta meta() {
    return meta;
  }

  public long appliedSlot() {
    return appliedSlot;
  }

  public Optional<Version> get(Key key, Timestamp readTs) {
    if (!meta.descriptor().contains(key)) {
      throw outside(KeySpan.point(key));
    }
    return snapshot.get(key, readTs);
  }

  public List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
    return snapshot.scan(inside(span), readTs, direction, limit);
  }

  /** Some version in {@code span} newer than {@code ts}: a read set entry that OCC must refuse. */
  public Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
    return snapshot.newestAfter(inside(span), ts);
  }

  /** The prepared transactions whose write or read intents overlap {@code span}. */
  public List<PreparedTxn> preparedOverlapping(KeySpan span) {
    KeySpan within = inside(span);
    return prepared.stream().filter(p -> p.overlaps(within)).toList();
  }

  /** The write intents (with their values) on keys in {@code span}. */
  public List<Intent> writeIntents(KeySpan span) {
    return snapshot.intents(inside(span));
  }

  public Optional<TxnRecord> txnRecord(TxnId txn) {
    return RangeStateMachine.readRecord(snapshot, meta.descriptor().id(), txn);
  }

  private KeySpan inside(KeySpan span) {
    if (!PreparedTxn.within(span, meta.descriptor().span())) {
      throw outside(span);
    }
    return span;
  }

  private IllegalArgumentException outside(KeySpan span) {
    return new IllegalArgumentException("read of " + span + " outside range " + meta.descriptor().id() + " "
        + meta.descriptor().span() + " (generation " + meta.descriptor().generation()
        + "): refresh the range descriptor");
  }

  @Override
  public void close() {
    snapshot.close();
  }
}
