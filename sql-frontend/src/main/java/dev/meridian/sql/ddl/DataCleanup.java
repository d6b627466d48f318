package dev.meridian.sql.ddl;

import dev.meridian.sql.catalog.DescriptorCodec;
import dev.meridian.sql.catalog.DroppedSpan;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.exec.BlockingTxn;
import dev.meridian.sql.exec.KvReader;
import dev.meridian.sql.exec.KvWriter;
import dev.meridian.sql.exec.StatementGuard;
import dev.meridian.storage.Key;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TransactionClient;
import dev.meridian.txn.TxnLimits;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes the data of dropped tables and indexes ({@link DroppedSpan}s) after the DROP committed,
 * a bounded chunk per transaction. Each chunk deletes the next keys of the span and, in the same
 * transaction, moves the record's {@code resumeFrom} past them (or deletes the record with the
 * last chunk), so a crash between chunks loses nothing and repeats nothing: whoever runs {@link
 * #runPending} next — this node after a restart, or another node — continues from the record.
 * Two cleaners of one span conflict on its record, and the loser's chunk is retried.
 *
 * <p>Why tombstones rather than a storage-level range delete: a read at a timestamp before the
 * DROP (a stale read, or a read-only transaction that began before it) sees the table in the
 * catalog of its timestamp and must still find its rows. Chunked deletes are ordinary MVCC writes
 * above that timestamp, so older versions stay readable until the GC horizon passes them, and GC
 * then removes rows and tombstones alike; a physical range delete would have to wait for the
 * horizon and travel through the range's log as a command of its own.
 *
 * <p>Bounds: a chunk holds at most {@link #CHUNK_KEYS} keys and at most a quarter of a
 * transaction's write buffer ({@link TxnLimits#maxWriteBufferBytes}), so it never meets the bound
 * that a DROP deleting everything in one transaction met. Progress is in {@link #pending()},
 * {@link #keysDeleted()}, {@link #bytesDeleted()} (exported by the node as metrics). The class does
 * no I/O of its own: the node calls {@link #runPending} from a thread of its choice. Thread-safe.
 */
public final class DataCleanup {

  /** Keys read and deleted per chunk at most: one storage scan, one small commit. */
  static final int CHUNK_KEYS = 1024;

  /** Cleanups read per pass; the rest wait for the next pass. */
  static final int RECORDS_PER_PASS = 256;

  /** A chunk's transaction is retried this often on a conflict before the pass gives up on it. */
  private static final int ATTEMPTS = 5;

  private final TransactionClient client;
  private final long chunkBytes;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong keysDeleted = new AtomicLong();
  private final AtomicLong bytesDeleted = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();

  public DataCleanup(TransactionClient client) {
    this.client = client;
    this.chunkBytes = Math.max(1, client.limits().maxWriteBufferBytes() / 4);
  }

  /**
   * Finishes every pending cleanup (up to {@link #RECORDS_PER_PASS} of them), oldest first, a chunk
   * per transaction. Returns how many it finished.
   *
   * @throws dev.meridian.sql.exec.SqlExecutionException when a chunk fails (a conflict that kept
   *     recurring, an unavailable clock): the pass stops; a later pass resumes where it stopped
   */
  public int runPending(StatementGuard guard) {
    List<KeyValue> records = scanRecords(guard);
    pending.set(records.size());
    int finished = 0;
    for (KeyValue record : records) {
      long id = DescriptorCodec.decodeDroppedSpan(record.value()).id();
      while (!chunk(id, guard)) {
        guard.check();
      }
      pending.decrementAndGet();
      finished++;
    }
    return finished;
  }

  /** The pending cleanups as they are now, oldest first. */
  public List<DroppedSpan> pendingSpans(StatementGuard guard) {
    return scanRecords(guard).stream().map(kv -> DescriptorCodec.decodeDroppedSpan(kv.value())).toList();
  }

  private List<KeyValue> scanRecords(StatementGuard guard) {
    KvReader reader = BlockingTxn.of(client.beginReadOnly(TimestampBound.strong()), guard);
    return reader.scan(KeySpace.droppedSpans(), Direction.FORWARD, RECORDS_PER_PASS);
  }

  /** What one chunk deleted, and whether it was the last. */
  private record Chunk(long keys, long bytes, boolean last) {}

  /**
   * Deletes the next chunk of cleanup {@code id} in a transaction of its own; returns whether the
   * cleanup is done (this chunk was its last, or another cleaner finished it).
   */
  boolean chunk(long id, StatementGuard guard) {
    Chunk done = BlockingTxn.retrying(client, guard, ATTEMPTS, writer -> deleteChunk(writer, id));
    keysDeleted.addAndGet(done.keys());
    bytesDeleted.addAndGet(done.bytes());
    chunks.incrementAndGet();
    return done.last();
  }

  private Chunk deleteChunk(KvWriter writer, long id) {
    Key recordKey = KeySpace.droppedSpan(id);
    Optional<byte[]> stored = writer.get(recordKey);
    if (stored.isEmpty()) {
      return new Chunk(0, 0, true);
    }
    DroppedSpan dropped = DescriptorCodec.decodeDroppedSpan(stored.get());
    List<KeyValue> entries = writer.scan(dropped.remaining(), Direction.FORWARD, CHUNK_KEYS);
    long budget = 0;
    long keys = 0;
    long bytes = 0;
    Key resumeFrom = null;
    for (KeyValue entry : entries) {
      long cost = entry.key().length() + TxnLimits.WRITE_OVERHEAD_BYTES;
      if (keys > 0 && budget + cost > chunkBytes) {
        resumeFrom = entry.key();
        break;
      }
      writer.delete(entry.key());
      budget += cost;
      keys++;
      bytes += entry.key().length() + entry.value().length;
    }
    boolean last = resumeFrom == null && entries.size() < CHUNK_KEYS;
    if (last) {
      writer.delete(recordKey);
    } else {
      Key next = resumeFrom != null ? resumeFrom : entries.get(entries.size() - 1).key().successor();
      writer.put(recordKey, DescriptorCodec.encode(new DroppedSpan(dropped.id(), dropped.what(), dropped.span(),
          next, dropped.keysDeleted() + keys, dropped.bytesDeleted() + bytes)));
    }
    return new Chunk(keys, bytes, last);
  }

  /** Cleanups found by the last pass and not finished since. */
  public long pending() {
    return pending.get();
  }

  /** Keys deleted by this node's cleanups since it started. */
  public long keysDeleted() {
    return keysDeleted.get();
  }

  /** Bytes (keys and values) deleted by this node's cleanups since it started. */
  public long bytesDeleted() {
    return bytesDeleted.get();
  }

  /** Chunk transactions committed since start. */
  public long chunks() {
    return chunks.get();
  }
}
