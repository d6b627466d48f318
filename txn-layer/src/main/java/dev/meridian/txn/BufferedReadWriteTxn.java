package dev.meridian.txn;

import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What every read-write transaction does the same way, whatever holds its data: the {@link
 * TxnWorkspace} (buffered writes that its reads see, savepoints, the read set and its bounds), the
 * life cycle (active, committing, committed, aborted) and the hand-off of every call to one loop in
 * call order. A subclass says only how to read the snapshot at {@link #readTs()} and how to commit:
 * {@link ReadWriteTransaction} against the node's local range, the gateway's against the cluster.
 *
 * <p>All state lives on {@code loop}: every method hands its work there and returns at once. A
 * caller on another thread may block on the futures; a caller on the loop must chain them instead.
 * One transaction is used by one caller at a time. Once over a bound the transaction fails every
 * call with {@link TxnLimitException} (54000): its writes were dropped, it can only be rolled back.
 */
public abstract class BufferedReadWriteTxn implements ReadWriteTxn {

  private enum State {
    ACTIVE,
    COMMITTING,
    COMMITTED,
    ABORTED
  }

  private final TxnId id;
  private final Timestamp readTs;
  private final Scheduler loop;
  /** Buffered writes, savepoints and the read set. Loop only. */
  private final TxnWorkspace workspace;
  private final AtomicLong savepointNumbers = new AtomicLong();
  /** Copied from the workspace on the loop once a bound was passed; read by callers to fail fast. */
  private volatile String overLimit;
  /** Written on the loop; read by callers to fail fast on use after the end. */
  private volatile State state = State.ACTIVE;

  /**
   * @param maxReadSetBytes the read-set bound ({@link TxnWorkspace}); {@code Long.MAX_VALUE} for none
   */
  protected BufferedReadWriteTxn(TxnId id, Timestamp readTs, Scheduler loop, TxnLimits limits, long maxReadSetBytes) {
    this.id = id;
    this.readTs = readTs;
    this.loop = loop;
    this.workspace = new TxnWorkspace(id, limits, maxReadSetBytes);
  }

  /** The newest version of {@code key} at or below {@link #readTs()}, a tombstone included. On the loop. */
  protected abstract CompletableFuture<Optional<Version>> readStored(Key key);

  /** Up to {@code limit} stored live rows of {@code span} at {@link #readTs()}, in order. On the loop. */
  protected abstract CompletableFuture<List<KeyValue>> scanStored(KeySpan span, Direction direction, int limit);

  /** Validates and commits the final buffer and read set; see {@link ReadWriteTxn} for the answers. */
  protected abstract CompletableFuture<Timestamp> commitStored(
      List<Write> writes, List<Key> readKeys, List<KeySpan> readSpans);

  @Override
  public final TxnId id() {
    return id;
  }

  @Override
  public final Timestamp readTs() {
    return readTs;
  }

  @Override
  public final CompletableFuture<Optional<byte[]>> get(Key key) {
    return onLoop(() -> read(key));
  }

  private CompletableFuture<Optional<byte[]>> read(Key key) {
    Write own = workspace.own(key);
    if (own != null) {
      return CompletableFuture.completedFuture(Optional.ofNullable(own.value()));
    }
    return readStored(key).thenApply(version -> {
      workspace.readKey(key);
      overLimit = workspace.overLimit();
      return version.map(Version::value);
    });
  }

  /**
   * As {@link ReadWriteTxn#getAll}, in one hand-off to the loop: checking a thousand keys costs one
   * task on the loop (and one wait of the caller), not a thousand. Every key read joins the read set.
   */
  @Override
  public final CompletableFuture<List<Optional<byte[]>>> getAll(List<Key> keys) {
    List<Key> copy = List.copyOf(keys);
    return onLoop(() -> {
      List<CompletableFuture<Optional<byte[]>>> values = new ArrayList<>(copy.size());
      for (Key key : copy) {
        values.add(read(key));
      }
      return CompletableFuture.allOf(values.toArray(CompletableFuture[]::new))
          .thenApply(done -> values.stream().map(CompletableFuture::join).toList());
    });
  }

  /**
   * Up to {@code limit} rows of {@code span} in {@code direction} order, with this transaction's own
   * writes merged in. The part of the span the scan covered joins the read set, so that a row
   * inserted into it by another transaction (a phantom) fails validation.
   */
  @Override
  public final CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return onLoop(() -> {
      NavigableMap<Key, Write> own = workspace.ownWritesIn(span);
      int storedLimit = TxnWorkspace.storedLimit(limit, own);
      return scanStored(span, direction, storedLimit).thenApply(stored -> {
        workspace.readSpan(TxnWorkspace.coveredSpan(
            span, direction, stored.stream().map(KeyValue::key).toList(), storedLimit));
        overLimit = workspace.overLimit();
        return TxnWorkspace.merge(stored, own, direction, limit, stored.size() < storedLimit);
      });
    });
  }

  @Override
  public final void put(Key key, byte[] value) {
    buffer(List.of(Write.put(key, value.clone())));
  }

  @Override
  public final void delete(Key key) {
    buffer(List.of(Write.delete(key)));
  }

  /**
   * As that many calls of {@link #put} and {@link #delete}, in one hand-off to the loop: a
   * statement's thousand rows cost one task on the loop, not a thousand.
   */
  @Override
  public final void writeAll(List<Write> writes) {
    requireActive();
    List<Write> copies = new ArrayList<>(writes.size());
    for (Write write : writes) {
      copies.add(write.isDelete() ? write : Write.put(write.key(), write.value().clone()));
    }
    buffer(copies);
  }

  private void buffer(List<Write> writes) {
    requireActive();
    loop.execute(() -> {
      if (state != State.ACTIVE) {
        return;
      }
      writes.forEach(workspace::buffer);
      overLimit = workspace.overLimit();
    });
  }

  /** Marks the write buffer as it is after the calls made so far; completes with the mark. */
  @Override
  public final CompletableFuture<Savepoint> savepoint() {
    Savepoint savepoint = new Savepoint(id, savepointNumbers.incrementAndGet());
    return onLoop(() -> {
      workspace.savepoint(savepoint.number());
      return CompletableFuture.completedFuture(savepoint);
    });
  }

  /**
   * Undoes every write buffered since {@code savepoint} was taken and closes the savepoints taken
   * after it; {@code savepoint} itself stays open (SQL's ROLLBACK TO SAVEPOINT). The read set is
   * kept (see {@link TxnWorkspace}). Fails with {@link TxnStateException} if it is not open.
   */
  @Override
  public final CompletableFuture<Void> rollbackTo(Savepoint savepoint) {
    return onLoop(() -> {
      workspace.rollbackTo(savepoint);
      return CompletableFuture.completedFuture(null);
    });
  }

  /**
   * Closes {@code savepoint} and every savepoint taken after it, keeping their writes (SQL's
   * RELEASE SAVEPOINT). Fails with {@link TxnStateException} if it is not open.
   */
  @Override
  public final CompletableFuture<Void> release(Savepoint savepoint) {
    return onLoop(() -> {
      workspace.release(savepoint);
      return CompletableFuture.completedFuture(null);
    });
  }

  @Override
  public final CompletableFuture<Timestamp> commit() {
    return onLoop(() -> {
      state = State.COMMITTING;
      return commitStored(workspace.writes(), workspace.readKeys(), workspace.readSpans())
          .whenComplete((commitTs, failure) -> state = failure == null ? State.COMMITTED : State.ABORTED);
    });
  }

  /** Discards the transaction. Nothing it buffered is written. Idempotent; no-op after the end. */
  @Override
  public final void abort() {
    loop.execute(() -> {
      if (state == State.ACTIVE) {
        state = State.ABORTED;
        workspace.clear();
      }
    });
  }

  private void requireActive() {
    String limit = overLimit;
    if (limit != null) {
      throw new TxnLimitException(limit);
    }
    State current = state;
    if (current != State.ACTIVE) {
      throw new TxnStateException("transaction " + id + " is " + current.name().toLowerCase());
    }
  }

  /** Runs {@code work} on the loop once the transaction's earlier calls have run there. */
  private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> work) {
    requireActive();
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.execute(() -> {
      if (state != State.ACTIVE) {
        result.completeExceptionally(
            new TxnStateException("transaction " + id + " is " + state.name().toLowerCase()));
        return;
      }
      if (overLimit != null) {
        result.completeExceptionally(new TxnLimitException(overLimit));
        return;
      }
      TxnFutures.forward(work, result);
    });
    return result;
  }
}
