package dev.meridian.storage.rocks;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * One raw family's keys in a span, read at one RocksDB snapshot in batches of bounded size: what a
 * state machine streams as its snapshot image ({@link RocksMvccEngine#openRawSnapshotScan}). The
 * snapshot pins old versions until {@link #close}. Not thread-safe: one reader uses it.
 */
public final class RawSnapshotScan implements AutoCloseable {

  private final RocksMvccEngine engine;
  private final RocksDB db;
  private final Snapshot snapshot;
  private final Slice upper;
  private final ReadOptions options;
  private final RocksIterator iterator;
  private boolean closed;

  RawSnapshotScan(RocksMvccEngine engine, RocksDB db, ColumnFamilyHandle family, byte[] from, byte[] to) {
    this.engine = engine;
    this.db = db;
    this.snapshot = db.getSnapshot();
    this.upper = to == null ? null : new Slice(to);
    this.options = new ReadOptions().setSnapshot(snapshot);
    if (upper != null) {
      options.setIterateUpperBound(upper);
    }
    this.iterator = db.newIterator(family, options);
    iterator.seek(from);
  }

  /**
   * The next entries whose keys and values add up to at most {@code maxBytes} (at least one entry
   * while any remain), or an empty list at the end.
   *
   * @throws IllegalStateException if one entry alone is larger than {@code maxBytes}: a chunk may
   *     not grow past its bound, so such an entry cannot be streamed at this chunk size
   */
  public List<RawEntry> next(int maxBytes) {
    return engine.readForScan(() -> {
      if (closed) {
        throw new IllegalStateException("snapshot scan is closed");
      }
      List<RawEntry> out = new ArrayList<>();
      long bytes = 0;
      while (iterator.isValid()) {
        byte[] key = iterator.key();
        byte[] value = iterator.value();
        long size = (long) key.length + value.length;
        if (size > maxBytes) {
          throw new IllegalStateException(
              "an entry of " + size + " bytes is larger than a snapshot chunk of " + maxBytes + " bytes");
        }
        if (bytes + size > maxBytes) {
          break;
        }
        out.add(new RawEntry(key, value));
        bytes += size;
        iterator.next();
      }
      try {
        iterator.status();
      } catch (org.rocksdb.RocksDBException e) {
        throw new dev.meridian.storage.mvcc.StorageException("snapshot scan failed: " + e, e);
      }
      return out;
    });
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      iterator.close();
      options.close();
      if (upper != null) {
        upper.close();
      }
      db.releaseSnapshot(snapshot);
    }
  }
}
