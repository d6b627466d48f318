package dev.meridian.txn;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The private state of one read-write transaction, whatever it runs on: its buffered writes (one
 * per key, the last one wins), its savepoints over them, its read set, and the bounds on both. No
 * I/O; both {@link ReadWriteTransaction} (one local range) and the cluster gateway's transaction
 * keep one, on their loop (not thread-safe).
 *
 * <p><b>Savepoints</b> mark a point in the write buffer. While at least one is open, every buffered
 * write first records what it replaced (the key's earlier buffered write, or its absence) in an
 * undo log; rolling back to a savepoint replays that log backwards to the savepoint's mark, so the
 * buffer is exactly what it was when the savepoint was taken. Secondary-index entries are ordinary
 * buffered writes of the same transaction (DESIGN.md §3), so a rollback undoes a row and its index
 * entries together. The undo log costs one entry per write made while a savepoint is open and is
 * dropped when the last savepoint is released.
 *
 * <p>A rollback keeps the read set, reads made after the savepoint included. That is safe under
 * OCC: validation only checks that nothing read has changed since {@code readTs}, so a larger read
 * set can only cause extra aborts (40001), never a wrong commit. Forgetting reads would be unsafe:
 * the statements before the savepoint may have decided what to do from values read afterwards.
 *
 * <p><b>Bounds.</b> Past {@link TxnLimits#maxWriteBufferBytes} of writes, or {@code
 * maxReadSetBytes} of read set, the workspace is {@linkplain #overLimit() over its limit} for good:
 * its writes are dropped at once (they are what holds the heap) and the transaction can only be
 * rolled back (SQLSTATE 54000, {@link TxnLimitException}).
 */
final class TxnWorkspace {

  /** What one read key or span costs besides its bytes: as the coordinator counts it at commit. */
  public static final int READ_ENTRY_OVERHEAD_BYTES = CoordinatorLimits.READ_ENTRY_OVERHEAD_BYTES;

  private final TxnId id;
  private final TxnLimits limits;
  private final long maxReadSetBytes;

  private final TreeMap<Key, Write> buffered = new TreeMap<>();
  private long bufferedBytes;
  private final List<Undo> undo = new ArrayList<>();
  /** Open savepoints by number, each with the size of {@link #undo} when it was taken. */
  private final TreeMap<Long, Integer> savepointMarks = new TreeMap<>();
  private final LinkedHashSet<Key> readKeys = new LinkedHashSet<>();
  private final List<KeySpan> readSpans = new ArrayList<>();
  private long readSetBytes;
  private String overLimit;

  /** A buffered write's predecessor: the write it replaced, or null when the key had none. */
  private record Undo(Key key, Write previous) {}

  /**
   * @param maxReadSetBytes the most read-set bytes (keys and span bounds plus {@link
   *     #READ_ENTRY_OVERHEAD_BYTES} each); {@code Long.MAX_VALUE} for no bound
   */
  public TxnWorkspace(TxnId id, TxnLimits limits, long maxReadSetBytes) {
    this.id = id;
    this.limits = limits;
    this.maxReadSetBytes = maxReadSetBytes;
  }

  /** Why the transaction went past a bound, or null while it has not. */
  public String overLimit() {
    return overLimit;
  }

  /** This transaction's own write of {@code key}, or null. */
  public Write own(Key key) {
    return buffered.get(key);
  }

  /** The buffered writes inside {@code span}, in key order (a copy). */
  public NavigableMap<Key, Write> ownWritesIn(KeySpan span) {
    NavigableMap<Key, Write> inSpan =
        span.end() == null
            ? buffered.tailMap(span.start(), true)
            : buffered.subMap(span.start(), true, span.end(), false);
    return new TreeMap<>(inSpan);
  }

  /** The buffered writes, one per key, in key order. */
  public List<Write> writes() {
    return List.copyOf(buffered.values());
  }

  public List<Key> readKeys() {
    return List.copyOf(readKeys);
  }

  public List<KeySpan> readSpans() {
    return List.copyOf(readSpans);
  }

  /** Buffers {@code write}; ignored once over a limit. */
  public void buffer(Write write) {
    if (overLimit != null) {
      return;
    }
    Write previous = buffered.put(write.key(), write);
    if (!savepointMarks.isEmpty()) {
      undo.add(new Undo(write.key(), previous));
    }
    bufferedBytes += cost(write) - cost(previous);
    if (bufferedBytes > limits.maxWriteBufferBytes()) {
      goOverLimit("transaction " + id + " buffered more than " + limits.maxWriteBufferBytes()
          + " bytes of writes (the bound of one transaction's write buffer: keys, values and "
          + TxnLimits.WRITE_OVERHEAD_BYTES + " bytes a key); its writes were dropped: roll it "
          + "back, and write in smaller transactions (smaller batches)");
    }
  }

  /** {@code key} was read from the snapshot: it joins the read set. */
  public void readKey(Key key) {
    if (readKeys.add(key)) {
      addReadBytes(key.length());
    }
  }

  /** {@code span} was scanned in the snapshot: it joins the read set. */
  public void readSpan(KeySpan span) {
    readSpans.add(span);
    addReadBytes(span.start().length() + (span.end() == null ? 0 : span.end().length()));
  }

  private void addReadBytes(long keyBytes) {
    readSetBytes += keyBytes + READ_ENTRY_OVERHEAD_BYTES;
    if (overLimit == null && readSetBytes > maxReadSetBytes) {
      goOverLimit("transaction " + id + " read more than " + maxReadSetBytes + " bytes of keys and spans"
          + " (the bound of one transaction's read set: key bytes and " + READ_ENTRY_OVERHEAD_BYTES
          + " bytes an entry); roll it back, and read less in one transaction");
    }
  }

  private void goOverLimit(String why) {
    overLimit = why;
    buffered.clear();
    undo.clear();
    bufferedBytes = 0;
  }

  /** Opens savepoint {@code number} at the buffer as it is now. */
  public void savepoint(long number) {
    savepointMarks.put(number, undo.size());
  }

  /**
   * Undoes every write buffered since {@code savepoint} and closes the savepoints after it; it
   * stays open. Throws {@link TxnStateException} if it is not open.
   */
  public void rollbackTo(ReadWriteTxn.Savepoint savepoint) {
    int mark = openMark(savepoint);
    for (int i = undo.size() - 1; i >= mark; i--) {
      Undo entry = undo.remove(i);
      Write undone = entry.previous() == null
          ? buffered.remove(entry.key()) : buffered.put(entry.key(), entry.previous());
      bufferedBytes += cost(entry.previous()) - cost(undone);
    }
    savepointMarks.tailMap(savepoint.number(), false).clear();
  }

  /** Closes {@code savepoint} and every later one, keeping their writes. */
  public void release(ReadWriteTxn.Savepoint savepoint) {
    openMark(savepoint);
    savepointMarks.tailMap(savepoint.number(), true).clear();
    if (savepointMarks.isEmpty()) {
      undo.clear();
    }
  }

  /** Drops everything buffered (an abort). */
  public void clear() {
    buffered.clear();
    undo.clear();
    savepointMarks.clear();
    bufferedBytes = 0;
  }

  private int openMark(ReadWriteTxn.Savepoint savepoint) {
    Integer mark = savepoint.txn().equals(id) ? savepointMarks.get(savepoint.number()) : null;
    if (mark == null) {
      throw new TxnStateException("savepoint " + savepoint.number() + " is not open in transaction " + id);
    }
    Invariants.require(mark <= undo.size(), "savepoint mark %s beyond the undo log (%s entries)", mark, undo.size());
    return mark;
  }

  /** What {@code write} costs against the bound; nothing for no write. */
  private static long cost(Write write) {
    if (write == null) {
      return 0;
    }
    return (long) write.key().length() + (write.value() == null ? 0 : write.value().length)
        + TxnLimits.WRITE_OVERHEAD_BYTES;
  }

  // ---- the overlay of own writes on a scan, shared by every implementation

  /** How many stored rows to ask for so that the merge with {@code own} can still fill {@code limit}. */
  public static int storedLimit(int limit, NavigableMap<Key, Write> own) {
    long ownDeletes = own.values().stream().filter(Write::isDelete).count();
    // Each own delete may hide one stored row: ask for that many more so the merge still fills.
    return (int) Math.min(Integer.MAX_VALUE, (long) limit + ownDeletes);
  }

  /**
   * The part of {@code span} that a scan returning {@code stored} keys has seen: all of it if the
   * scan ended early, else up to and including the last key returned.
   */
  public static KeySpan coveredSpan(KeySpan span, Direction direction, List<Key> stored, int storedLimit) {
    if (stored.size() < storedLimit) {
      return span;
    }
    Key last = stored.get(stored.size() - 1);
    return direction == Direction.FORWARD
        ? new KeySpan(span.start(), last.successor())
        : new KeySpan(last, span.end());
  }

  /** Up to {@code limit} rows: the {@code stored} rows of a scan with {@code own} writes merged in. */
  public static List<KeyValue> merge(
      List<KeyValue> stored, NavigableMap<Key, Write> own, Direction direction, int limit, boolean storedExhausted) {
    TreeMap<Key, byte[]> merged = new TreeMap<>();
    for (KeyValue row : stored) {
      merged.put(row.key(), row.value());
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

  /** The rows of {@code versions}, for {@link #merge}. */
  public static List<KeyValue> rows(List<Version> versions) {
    List<KeyValue> rows = new ArrayList<>(versions.size());
    for (Version version : versions) {
      rows.add(new KeyValue(version.key(), version.value()));
    }
    return rows;
  }
}
