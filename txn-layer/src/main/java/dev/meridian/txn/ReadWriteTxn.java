package dev.meridian.txn;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Write;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A read-write transaction as the SQL layer uses it (DESIGN.md §6): snapshot reads at {@link
 * #readTs()}, buffered writes that its own reads see, savepoints over the buffer, and an optimistic
 * commit. Two implementations: {@link ReadWriteTransaction} over the node's one local range, and the
 * cluster gateway's (package {@code gateway}), which routes reads by the range directory and commits
 * through the transaction coordinator.
 *
 * <p>The contract both keep: calls take effect in call order; {@link #commit} completes with the
 * commit timestamp only once true time has passed it, fails with {@link TxnConflictException} or
 * {@link TxnUnavailableException} only when nothing was applied (SQLSTATE 40001), with {@link
 * TxnOutcomeUnknownException} when the outcome cannot be known (40003), and with {@link
 * TxnLimitException} past a {@link TxnLimits} bound (54000). One caller at a time.
 */
public interface ReadWriteTxn {

  /** A point in a transaction's writes, from {@link #savepoint}. */
  record Savepoint(TxnId txn, long number) {}

  TxnId id();

  Timestamp readTs();

  /** The value of {@code key}: this transaction's own write if it made one, else the snapshot's. */
  CompletableFuture<Optional<byte[]>> get(Key key);

  /** The values of {@code keys}, in their order, as {@link #get} gives each. */
  CompletableFuture<List<Optional<byte[]>>> getAll(List<Key> keys);

  /** Up to {@code limit} rows of {@code span} in {@code direction} order, own writes merged in. */
  CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit);

  /** Buffers a write of {@code value} to {@code key}; it becomes visible to others at commit. */
  void put(Key key, byte[] value);

  /** Buffers a delete of {@code key}. */
  void delete(Key key);

  /** Buffers {@code writes} (puts and deletes) in order. */
  void writeAll(List<Write> writes);

  /** Marks the write buffer as it is after the calls made so far; completes with the mark. */
  CompletableFuture<Savepoint> savepoint();

  /** Undoes every write buffered since {@code savepoint}; the savepoint stays open. */
  CompletableFuture<Void> rollbackTo(Savepoint savepoint);

  /** Closes {@code savepoint} and every later one, keeping their writes. */
  CompletableFuture<Void> release(Savepoint savepoint);

  /** Commits; see the interface comment for what each outcome means. */
  CompletableFuture<Timestamp> commit();

  /** Discards the transaction. Idempotent; no-op after the end. */
  void abort();
}
