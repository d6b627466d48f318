package dev.meridian.txn;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.range.CommitRequest;
import dev.meridian.txn.range.RangeLeader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A read-write transaction (DESIGN.md §6): reads a snapshot at {@code readTs = TT.now().latest} taken
 * at begin, buffers its writes (reads see them: read your own writes), records what it read, and at
 * commit asks the range leader to validate that nothing it read has changed since.
 *
 * <p>All of the transaction's state lives on the range's loop: every method hands its work to the
 * loop, in call order, and returns at once. A caller on another thread may block on the futures; a
 * caller on the loop must chain them instead. One transaction is used by one caller at a time.
 *
 * <p><b>Savepoints</b> ({@link #savepoint}, {@link #rollbackTo}, {@link #release}) mark a point in
 * the write buffer. While at least one is open, every buffered write first records what it
 * replaced (the key's earlier buffered write, or its absence) in an undo log; rolling back to a
 * savepoint replays that log backwards to the savepoint's mark, so the buffer is exactly what it
 * was when the savepoint was taken. Secondary-index entries are ordinary buffered writes of the
 * same transaction (DESIGN.md §3), so a rollback undoes a row and its index entries together and
 * the two cannot disagree. The undo log costs one entry per write made while a savepoint is open
 * (bounded by those writes) and is dropped when the last savepoint is released.
 *
 * <p>A rollback to a savepoint keeps the read set, reads made after the savepoint included. That
 * is safe under OCC: validation at commit only checks that nothing read has changed since {@code
 * readTs}, so a larger read set can only cause extra aborts (40001, which the client retries),
 * never a wrong commit. Forgetting reads would be unsafe: the statements before the savepoint may
 * have decided what to do from values read afterwards, for example through the application. A
 * read answered from the buffer did not join the read set; if the rollback removes that buffered
 * write, the next read of the key goes to the snapshot and joins it then.
 */
public final class ReadWriteTransaction {

  private enum State {
    ACTIVE,
    COMMITTING,
    COMMITTED,
    ABORTED
  }

  private final TxnId id;
  private final Timestamp readTs;
  private final RangeLeader range;
  private final Scheduler loop;
  private final TxnLimits limits;

  /** The buffered writes, one per key (the last one wins). Touched on the loop only. */
  private final TreeMap<Key, Write> buffered = new TreeMap<>();

  /** What {@link #buffered} costs against {@link TxnLimits#maxWriteBufferBytes}. Loop only. */
  private long bufferedBytes;

  /**
   * Set on the loop once the buffer went past its bound; from then on every call fails with it
   * (the writes are dropped, so the transaction can only be rolled back). Read by callers too.
   */
  private volatile String overLimit;

  /**
   * What each write made while a savepoint is open replaced, oldest first; empty while none is.
   * Touched on the loop only.
   */
  private final List<Undo> undo = new ArrayList<>();

  /** Open savepoints by number, each with the size of {@link #undo} when it was taken. On the loop. */
  private final TreeMap<Long, Integer> savepointMarks = new TreeMap<>();

  private final AtomicLong savepointNumbers = new AtomicLong();

  /** A buffered write's predecessor: the write it replaced, or null when the key had none. */
  private record Undo(Key key, Write previous) {}

  private final LinkedHashSet<Key> readKeys = new LinkedHashSet<>();
  private final List<KeySpan> readSpans = new ArrayList<>();

  /** Written on the loop; read by callers to fail fast on use after the end. */
  private volatile State state = State.ACTIVE;

  ReadWriteTransaction(TxnId id, Timestamp readTs, RangeLeader range, TxnLimits limits) {
    this.id = id;
    this.readTs = readTs;
    this.range = range;
    this.loop = range.loop();
    this.limits = limits;
  }

  public TxnId id() {
    return id;
  }

  public Timestamp readTs() {
    return readTs;
  }

  /** The value of {@code key}: this transaction's own write if it made one, else the snapshot's. */
  public CompletableFuture<Optional<byte[]>> get(Key key) {
    return onLoop(
        () -> {
          Write own = buffered.get(key);
          if (own != null) {
            return CompletableFuture.completedFuture(Optional.ofNullable(own.value()));
          }
          return range
              .read(key, readTs)
              .thenApply(
                  version -> {
                    readKeys.add(key);
                    return version.map(Version::value);
                  });
        });
  }

  /**
   * The values of {@code keys}, in their order, as {@link #get} gives each: in one hand-off to the
   * loop, so that checking a thousand keys costs one task on the range's loop (and one wait of the
   * caller), not a thousand. Every key read joins the read set.
   */
  public CompletableFuture<List<Optional<byte[]>>> getAll(List<Key> keys) {
    List<Key> copy = List.copyOf(keys);
    return onLoop(
        () -> {
          List<CompletableFuture<Optional<byte[]>>> values = new ArrayList<>(copy.size());
          for (Key key : copy) {
            Write own = buffered.get(key);
            if (own != null) {
              values.add(CompletableFuture.completedFuture(Optional.ofNullable(own.value())));
            } else {
              values.add(range.read(key, readTs).thenApply(version -> {
                readKeys.add(key);
                return version.map(Version::value);
              }));
            }
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
  public CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    return onLoop(
        () -> {
          NavigableMap<Key, Write> own = ownWritesIn(span);
          long ownDeletes = own.values().stream().filter(Write::isDelete).count();
          // Each own delete may hide one stored row: ask for that many more so the merge still fills.
          int storedLimit = (int) Math.min(Integer.MAX_VALUE, (long) limit + ownDeletes);
          return range
              .scan(span, readTs, direction, storedLimit)
              .thenApply(
                  stored -> {
                    readSpans.add(coveredSpan(span, direction, stored, storedLimit));
                    return merge(stored, own, direction, limit, span, stored.size() < storedLimit);
                  });
        });
  }

  /**
   * The part of {@code span} that a scan returning {@code stored} has seen: all of it if the scan
   * ended early, else up to and including the last key returned.
   */
  private static KeySpan coveredSpan(
      KeySpan span, Direction direction, List<Version> stored, int storedLimit) {
    if (stored.size() < storedLimit) {
      return span;
    }
    Key last = stored.get(stored.size() - 1).key();
    return direction == Direction.FORWARD
        ? new KeySpan(span.start(), last.successor())
        : new KeySpan(last, span.end());
  }

  private static List<KeyValue> merge(
      List<Version> stored,
      NavigableMap<Key, Write> own,
      Direction direction,
      int limit,
      KeySpan span,
      boolean storedExhausted) {
    TreeMap<Key, byte[]> merged = new TreeMap<>();
    for (Version version : stored) {
      merged.put(version.key(), version.value());
    }
    // Own writes only count inside the part of the span the stored rows cover, otherwise a stored
    // row beyond the limit could be missing from between them.
    Key boundary = storedExhausted || stored.isEmpty() ? null : stored.get(stored.size() - 1).key();
    for (Map.Entry<Key, Write> entry : own.entrySet()) {
      Key key = entry.getKey();
      if (boundary != null
          && (direction == Direction.FORWARD ? key.compareTo(boundary) > 0 : key.compareTo(boundary) < 0)) {
        continue;
      }
      if (entry.getValue().isDelete()) {
        merged.remove(key);
      } else {
        merged.put(key, entry.getValue().value());
      }
    }
    List<KeyValue> out = new ArrayList<>(Math.min(limit, merged.size()));
    Iterator<Map.Entry<Key, byte[]>> ordered =
        direction == Direction.FORWARD
            ? merged.entrySet().iterator()
            : merged.descendingMap().entrySet().iterator();
    while (ordered.hasNext() && out.size() < limit) {
      Map.Entry<Key, byte[]> entry = ordered.next();
      out.add(new KeyValue(entry.getKey(), entry.getValue()));
    }
    return out;
  }

  private NavigableMap<Key, Write> ownWritesIn(KeySpan span) {
    NavigableMap<Key, Write> inSpan =
        span.end() == null
            ? buffered.tailMap(span.start(), true)
            : buffered.subMap(span.start(), true, span.end(), false);
    return new TreeMap<>(inSpan);
  }

  /** Buffers a write of {@code value} to {@code key}; it becomes visible to others at commit. */
  public void put(Key key, byte[] value) {
    buffer(Write.put(key, value.clone()));
  }

  /** Buffers a delete of {@code key}. */
  public void delete(Key key) {
    buffer(Write.delete(key));
  }

  /**
   * Buffers {@code writes} (puts and deletes) in order, as that many calls of {@link #put} and
   * {@link #delete} would, in one hand-off to the loop: a statement's thousand rows cost one task
   * on the range's loop, not a thousand.
   */
  public void writeAll(List<Write> writes) {
    requireActive();
    List<Write> copies = new ArrayList<>(writes.size());
    for (Write write : writes) {
      copies.add(write.isDelete() ? write : Write.put(write.key(), write.value().clone()));
    }
    loop.execute(() -> copies.forEach(this::bufferOnLoop));
  }

  private void buffer(Write write) {
    requireActive();
    loop.execute(() -> bufferOnLoop(write));
  }

  private void bufferOnLoop(Write write) {
    if (state != State.ACTIVE || overLimit != null) {
      return;
    }
    Write previous = buffered.put(write.key(), write);
    if (!savepointMarks.isEmpty()) {
      undo.add(new Undo(write.key(), previous));
    }
    bufferedBytes += cost(write) - cost(previous);
    if (bufferedBytes > limits.maxWriteBufferBytes()) {
      overLimit = "transaction " + id + " buffered more than " + limits.maxWriteBufferBytes()
          + " bytes of writes (the bound of one transaction's write buffer: keys, values and "
          + TxnLimits.WRITE_OVERHEAD_BYTES + " bytes a key); its writes were dropped: roll it "
          + "back, and write in smaller transactions (smaller batches)";
      buffered.clear();
      undo.clear();
      bufferedBytes = 0;
    }
  }

  /** What {@code write} costs against the bound; nothing for no write. */
  private static long cost(Write write) {
    if (write == null) {
      return 0;
    }
    return (long) write.key().length() + (write.value() == null ? 0 : write.value().length)
        + TxnLimits.WRITE_OVERHEAD_BYTES;
  }

  /** A point in this transaction's writes, from {@link #savepoint}. */
  public record Savepoint(TxnId txn, long number) {}

  /** Marks the write buffer as it is after the calls made so far; completes with the mark. */
  public CompletableFuture<Savepoint> savepoint() {
    Savepoint savepoint = new Savepoint(id, savepointNumbers.incrementAndGet());
    return onLoop(() -> {
      savepointMarks.put(savepoint.number(), undo.size());
      return CompletableFuture.completedFuture(savepoint);
    });
  }

  /**
   * Undoes every write buffered since {@code savepoint} was taken and closes the savepoints taken
   * after it; {@code savepoint} itself stays open (SQL's ROLLBACK TO SAVEPOINT). The read set is
   * kept (see the class comment). Fails with {@link TxnStateException} if it is not open.
   */
  public CompletableFuture<Void> rollbackTo(Savepoint savepoint) {
    return onLoop(() -> {
      int mark = openMark(savepoint);
      for (int i = undo.size() - 1; i >= mark; i--) {
        Undo entry = undo.remove(i);
        Write undone = entry.previous() == null
            ? buffered.remove(entry.key()) : buffered.put(entry.key(), entry.previous());
        bufferedBytes += cost(entry.previous()) - cost(undone);
      }
      savepointMarks.tailMap(savepoint.number(), false).clear();
      return CompletableFuture.completedFuture(null);
    });
  }

  /**
   * Closes {@code savepoint} and every savepoint taken after it, keeping their writes (SQL's
   * RELEASE SAVEPOINT). Fails with {@link TxnStateException} if it is not open.
   */
  public CompletableFuture<Void> release(Savepoint savepoint) {
    return onLoop(() -> {
      openMark(savepoint);
      savepointMarks.tailMap(savepoint.number(), true).clear();
      if (savepointMarks.isEmpty()) {
        undo.clear();
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  private int openMark(Savepoint savepoint) {
    Integer mark = savepoint.txn().equals(id) ? savepointMarks.get(savepoint.number()) : null;
    if (mark == null) {
      throw new TxnStateException("savepoint " + savepoint.number() + " is not open in transaction " + id);
    }
    Invariants.require(mark <= undo.size(), "savepoint mark %s beyond the undo log (%s entries)", mark, undo.size());
    return mark;
  }

  /**
   * Commits: completes with the commit timestamp once the transaction is durable and its timestamp
   * has passed in true time, or fails with {@link TxnConflictException} having written nothing. A
   * transaction that wrote nothing commits at its read timestamp.
   */
  public CompletableFuture<Timestamp> commit() {
    return onLoop(
        () -> {
          state = State.COMMITTING;
          CommitRequest request =
              new CommitRequest(
                  id, readTs, List.copyOf(readKeys), readSpans, List.copyOf(buffered.values()));
          return range
              .commit(request)
              .whenComplete(
                  (commitTs, failure) -> state = failure == null ? State.COMMITTED : State.ABORTED);
        });
  }

  /** Discards the transaction. Nothing it buffered is written. Idempotent; no-op after the end. */
  public void abort() {
    loop.execute(
        () -> {
          if (state == State.ACTIVE) {
            state = State.ABORTED;
            buffered.clear();
            undo.clear();
            savepointMarks.clear();
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
    loop.execute(
        () -> {
          if (state != State.ACTIVE) {
            result.completeExceptionally(
                new TxnStateException("transaction " + id + " is " + state.name().toLowerCase()));
            return;
          }
          if (overLimit != null) {
            result.completeExceptionally(new TxnLimitException(overLimit));
            return;
          }
          try {
            work.get()
                .whenComplete(
                    (value, failure) -> {
                      if (failure != null) {
                        result.completeExceptionally(unwrap(failure));
                      } else {
                        result.complete(value);
                      }
                    });
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  static Throwable unwrap(Throwable failure) {
    while (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
      failure = failure.getCause();
    }
    return failure;
  }
}
