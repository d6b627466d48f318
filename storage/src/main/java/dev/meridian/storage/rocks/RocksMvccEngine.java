package dev.meridian.storage.rocks;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.GcResult;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.MvccEngine;
import dev.meridian.storage.mvcc.ReadBelowGcHorizonException;
import dev.meridian.storage.mvcc.StorageException;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link MvccEngine} on RocksDB: one database per node, at one directory, shared by every range
 * replica on the node, which also keeps the node's Paxos state in raw column families ({@link
 * RawFamily}) so that MVCC writes and Paxos writes of every group share synced writes.
 *
 * <h2>Column families and byte layouts</h2>
 *
 * All integers are big-endian; {@code be64} is an 8-byte big-endian long.
 *
 * <pre>
 * mvcc         committed versions, newest first per key ({@link MvccKeyLayout}, {@link ValueLayout})
 *   key:   escape(userKey) | 0x00 0x01 | be64(Long.MAX_VALUE - commitMicros)
 *          escape: 0x00 -&gt; 0x00 0xFF, every other byte as is. The escape and the 0x00 0x01
 *          terminator make keys that are prefixes of each other sort in user-key order and parse
 *          unambiguously; the inverted timestamp sorts the versions of one key newest first.
 *   value: tag(1) | row bytes          tag 0x01 = row, 0x00 = tombstone (nothing follows)
 *
 * intents      writes of prepared transactions, at most one per key
 *   key:   userKey, raw (the bytewise comparator gives user-key order)
 *   value: coordinatorNode(4) | sequence(8) | prepareMicros(8) | tag(1) | row bytes
 *
 * meta         node metadata
 *   "gc-horizon" (ASCII) -&gt; be64(horizonMicros)     absent means Timestamp.ZERO
 *
 * paxos_log    raw bytes for the paxos module ({@link RawFamily}): written with {@link #writeRaw},
 * paxos_state  read with {@link #getRaw} and {@link #scanRaw}; the key and value layouts belong to
 *              the paxos module and are documented there (RocksPaxosStorage)
 * range_local   range-local state of the node's range replicas (applied slot, descriptor, lease,
 * range_staging prepared transactions, transaction records) and snapshots being installed: the
 *               layouts belong to {@link RocksRangeStore}, which writes and reads them
 * default      required by RocksDB, unused
 * </pre>
 *
 * <h2>Writes: group commit</h2>
 *
 * {@link #commit}, {@link #putIntents}, {@link #resolveIntents} and {@link #writeRaw} each become
 * one operation on a bounded queue. One sync thread (from the {@link ThreadFactory} the engine is given) drains up to
 * {@link Options#maxGroupCommitBatch} operations, applies them in queue order to one {@link
 * WriteBatch} and writes it with {@code sync=true} (one WAL append, one fdatasync), then completes
 * their futures on that thread. Each operation is therefore atomic and durable, and concurrent callers
 * share one sync. Commits and intent puts encode their entries on the caller's thread; a resolve reads
 * the intents it removes on the sync thread, against the database plus the earlier operations of its own
 * group, so that it sees every write queued before it.
 *
 * <h2>WAL settings, and why</h2>
 *
 * A synced append costs about 0.2 ms when it overwrites space the file already has and about 5 ms when
 * it grows the file, because then the file system must commit metadata too (DESIGN.md §3). So:
 *
 * <ul>
 *   <li>{@code recycle_log_file_num = walRecycleFileCount}: a WAL no longer needed is kept and reused
 *       for the next WAL instead of deleted; appends then overwrite existing blocks and fdatasync has
 *       no size change to commit. Records in recycled logs carry their log number, so stale bytes at
 *       the tail are recognised as the end of the log.
 *   <li>{@code wal_recovery_mode = kPointInTimeRecovery}: replay stops at the first bad record, which
 *       in a recycled file is the old tail. RocksDB silently disables recycling under {@code
 *       kTolerateCorruptedTailRecords} and {@code kAbsoluteConsistency} (and, in older releases,
 *       under point-in-time recovery too); {@code RocksMvccEngineTest} checks the OPTIONS file RocksDB
 *       writes to catch such a change on upgrade.
 *   <li>{@code WAL_ttl_seconds = 0} and {@code WAL_size_limit_MB = 0}: either one turns on WAL
 *       archiving, which also disables recycling.
 *   <li>{@code max_total_wal_size = maxTotalWalSizeBytes}: a WAL can be recycled only when every
 *       column family with data in it has flushed; this bound forces the flush of rarely written
 *       families (paxos_state, meta) so old WALs do not pile up and the set of recycled files stays
 *       small and warm.
 *   <li>{@code allow_fallocate = true} (the default): a new, not yet recycled WAL is preallocated in
 *       blocks, so even before the first recycle an append rarely allocates.
 *   <li>{@code manual_wal_flush = false}: each write reaches the file at once; the group is already the
 *       batching unit, so RocksDB's own WAL buffer would only add a second place where data waits.
 *   <li>{@code use_fsync = false}: fdatasync, which skips metadata that did not change.
 * </ul>
 *
 * <h2>Reads</h2>
 *
 * Reads are synchronous RocksDB seeks on the caller's thread: a point {@link #get} is one seek; a
 * forward scan takes the newest visible version of a key, then seeks past the key's older versions; a
 * reverse scan steps back one user key at a time and reads each at the read timestamp. Large scans (and
 * {@link #collectGarbage}) block for a while and belong off the protocol loop. A read checks the GC
 * horizon before and after it runs, so a read that overlaps a collection which raised the horizon
 * above its timestamp fails with {@link ReadBelowGcHorizonException} rather than return a partly
 * collected result.
 *
 * <p>Thread-safe. Every native object is closed: per-read options, bounds and iterators in
 * try-with-resources, the database and its options in {@link #close}, which waits for running reads and
 * for every queued write.
 */
public final class RocksMvccEngine implements MvccEngine {

  /**
   * Tuning of one engine.
   *
   * @param maxGroupCommitBatch most operations merged into one synced write; 1 disables group commit
   * @param maxPendingOperations bound of the write queue; writes beyond it are refused with {@link
   *     dev.meridian.storage.mvcc.StorageBusyException}
   * @param syncWrites whether writes are synced; false only for tests and measurement (not durable)
   * @param walRecycleFileCount WAL files kept for reuse (see the class comment)
   * @param maxTotalWalSizeBytes total WAL size that forces flushes of column families holding old WALs
   * @param writeBufferSizeBytes memtable size of each column family
   * @param gcBatchSize most deletes in one write batch of {@link #collectGarbage}
   */
  public record Options(
      int maxGroupCommitBatch,
      int maxPendingOperations,
      boolean syncWrites,
      int walRecycleFileCount,
      long maxTotalWalSizeBytes,
      long writeBufferSizeBytes,
      int gcBatchSize) {

    public Options {
      requirePositive(maxGroupCommitBatch, "maxGroupCommitBatch");
      requirePositive(maxPendingOperations, "maxPendingOperations");
      if (walRecycleFileCount < 0) {
        throw new IllegalArgumentException("walRecycleFileCount must be >= 0, got " + walRecycleFileCount);
      }
      requirePositive(maxTotalWalSizeBytes, "maxTotalWalSizeBytes");
      requirePositive(writeBufferSizeBytes, "writeBufferSizeBytes");
      requirePositive(gcBatchSize, "gcBatchSize");
    }

    /** 256-operation groups, 16384 pending, synced, 4 recycled WALs, 64 MiB memtables, 256 MiB WAL. */
    public static Options defaults() {
      return new Options(256, 16_384, true, 4, 256L << 20, 64L << 20, 1024);
    }

    public Options withMaxGroupCommitBatch(int value) {
      return new Options(value, maxPendingOperations, syncWrites, walRecycleFileCount,
          maxTotalWalSizeBytes, writeBufferSizeBytes, gcBatchSize);
    }

    public Options withMaxPendingOperations(int value) {
      return new Options(maxGroupCommitBatch, value, syncWrites, walRecycleFileCount,
          maxTotalWalSizeBytes, writeBufferSizeBytes, gcBatchSize);
    }

    public Options withSyncWrites(boolean value) {
      return new Options(maxGroupCommitBatch, maxPendingOperations, value, walRecycleFileCount,
          maxTotalWalSizeBytes, writeBufferSizeBytes, gcBatchSize);
    }

    public Options withWalRecycleFileCount(int value) {
      return new Options(maxGroupCommitBatch, maxPendingOperations, syncWrites, value,
          maxTotalWalSizeBytes, writeBufferSizeBytes, gcBatchSize);
    }

    public Options withMaxTotalWalSizeBytes(long value) {
      return new Options(maxGroupCommitBatch, maxPendingOperations, syncWrites, walRecycleFileCount,
          value, writeBufferSizeBytes, gcBatchSize);
    }

    public Options withWriteBufferSizeBytes(long value) {
      return new Options(maxGroupCommitBatch, maxPendingOperations, syncWrites, walRecycleFileCount,
          maxTotalWalSizeBytes, value, gcBatchSize);
    }

    public Options withGcBatchSize(int value) {
      return new Options(maxGroupCommitBatch, maxPendingOperations, syncWrites, walRecycleFileCount,
          maxTotalWalSizeBytes, writeBufferSizeBytes, value);
    }

    private static void requirePositive(long value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, got " + value);
      }
    }
  }

  static final String CF_MVCC = "mvcc";
  static final String CF_INTENTS = "intents";
  static final String CF_PAXOS_LOG = "paxos_log";
  static final String CF_PAXOS_STATE = "paxos_state";
  static final String CF_META = "meta";
  /** Range-local state of the range replicas on the node: see {@link RocksRangeStore}. */
  static final String CF_RANGE_LOCAL = "range_local";
  /** Snapshots being installed, invisible until committed: see {@link RocksRangeStore}. */
  static final String CF_RANGE_STAGING = "range_staging";
  private static final List<String> COLUMN_FAMILIES =
      List.of(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.US_ASCII),
          CF_MVCC, CF_INTENTS, CF_PAXOS_LOG, CF_PAXOS_STATE, CF_META, CF_RANGE_LOCAL, CF_RANGE_STAGING);

  static {
    RocksDB.loadLibrary();
  }

  /** One queued write. */
  private sealed interface Operation permits CommitOp, PutIntentsOp, ResolveOp, RawOp {}

  /** Encoded mvcc entries: keys.get(i) -> values.get(i). */
  private record CommitOp(List<byte[]> keys, List<byte[]> values) implements Operation {}

  private record PutIntentsOp(List<Key> keys, List<byte[]> values) implements Operation {}

  private record ResolveOp(TxnId txnId, List<Key> keys, Optional<Timestamp> commitTs)
      implements Operation {}

  private record RawOp(List<RawBatch.Mutation> mutations) implements Operation {}

  @FunctionalInterface
  interface RocksCall<T> {
    T call() throws RocksDBException;
  }

  private final Path directory;
  private final Options options;
  private final DBOptions dbOptions;
  private final List<ColumnFamilyOptions> columnFamilyOptions;
  private final List<ColumnFamilyHandle> handles;
  private final RocksDB db;
  private final ColumnFamilyHandle mvcc;
  private final ColumnFamilyHandle intents;
  private final ColumnFamilyHandle meta;
  private final Map<RawFamily, ColumnFamilyHandle> rawFamilies = new EnumMap<>(RawFamily.class);
  private final WriteOptions durableWrite;
  private final WriteOptions gcWrite;
  private final GroupCommitter<Operation> committer;
  /**
   * Readers: every read and GC, for as long as it touches the database. Writer: close, to wait for
   * them before freeing native memory. Writes do not take it: the sync thread owns their database
   * access, and close stops that thread before freeing anything.
   */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object gcLock = new Object();
  private final Object closeMonitor = new Object();
  /** Set first by close: tells a running GC to stop early. */
  private volatile boolean closing;
  /** Set under the lifecycle write lock, so a reader holding the read lock sees a stable value. */
  private volatile boolean closed;
  private volatile Timestamp gcHorizon;

  private RocksMvccEngine(
      Path directory,
      Options options,
      DBOptions dbOptions,
      List<ColumnFamilyOptions> columnFamilyOptions,
      List<ColumnFamilyHandle> handles,
      RocksDB db,
      ThreadFactory syncThreadFactory)
      throws RocksDBException {
    this.directory = directory;
    this.options = options;
    this.dbOptions = dbOptions;
    this.columnFamilyOptions = columnFamilyOptions;
    this.handles = handles;
    this.db = db;
    this.mvcc = handles.get(COLUMN_FAMILIES.indexOf(CF_MVCC));
    this.intents = handles.get(COLUMN_FAMILIES.indexOf(CF_INTENTS));
    this.meta = handles.get(COLUMN_FAMILIES.indexOf(CF_META));
    for (RawFamily family : RawFamily.values()) {
      rawFamilies.put(family, handles.get(COLUMN_FAMILIES.indexOf(family.columnFamily())));
    }
    byte[] horizon = db.get(meta, ValueLayout.GC_HORIZON_KEY);
    this.gcHorizon = horizon == null ? Timestamp.ZERO : ValueLayout.decodeHorizon(horizon);
    this.durableWrite = new WriteOptions().setSync(options.syncWrites());
    // GC deletes need no sync: the horizon is persisted (synced) first, and deletes lost in a crash are
    // redone by the next collection.
    this.gcWrite = new WriteOptions().setSync(false);
    this.committer =
        new GroupCommitter<>(
            options.maxGroupCommitBatch(),
            options.maxPendingOperations(),
            this::writeGroup,
            this::failure,
            syncThreadFactory);
  }

  /**
   * Opens (creating if needed) the engine's database in {@code directory}.
   *
   * @param syncThreadFactory makes the one thread that performs synced group writes
   * @throws StorageException if the database cannot be opened
   */
  public static RocksMvccEngine open(Path directory, Options options, ThreadFactory syncThreadFactory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StorageException("cannot create the storage directory " + directory + ": " + e, e);
    }
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setRecycleLogFileNum(options.walRecycleFileCount())
            .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
            .setWalTtlSeconds(0)
            .setWalSizeLimitMB(0)
            .setMaxTotalWalSize(options.maxTotalWalSizeBytes())
            .setAllowFAllocate(true)
            .setManualWalFlush(false)
            .setUseFsync(false)
            .setKeepLogFileNum(8);
    List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : COLUMN_FAMILIES) {
      ColumnFamilyOptions cf =
          new ColumnFamilyOptions().setWriteBufferSize(options.writeBufferSizeBytes());
      cfOptions.add(cf);
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), cf));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db = null;
    try {
      db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
      return new RocksMvccEngine(directory, options, dbOptions, cfOptions, handles, db, syncThreadFactory);
    } catch (RocksDBException | RuntimeException e) {
      handles.forEach(ColumnFamilyHandle::close);
      if (db != null) {
        db.close();
      }
      dbOptions.close();
      cfOptions.forEach(ColumnFamilyOptions::close);
      throw new StorageException(
          "cannot open the storage engine in " + directory + ": " + e.getMessage()
              + " (is another process using it, or is the disk full or read-only?)", e);
    }
  }

  public Path directory() {
    return directory;
  }

  /**
   * The database and one of its column families, for the node's other views over the same database
   * ({@link RocksRangeStore}); they run every access inside {@link #read} so close waits for them.
   */
  RocksDB database() {
    return db;
  }

  ColumnFamilyHandle family(String name) {
    int index = COLUMN_FAMILIES.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("no column family " + name);
    }
    return handles.get(index);
  }

  StorageException storageFailure(String what, Throwable cause) {
    return failure(what, cause);
  }

  public Options options() {
    return options;
  }

  // ---------------------------------------------------------------------------------------- reads

  @Override
  public Optional<Version> get(Key key, Timestamp readTs) {
    return get(key, readTs, null);
  }

  /** {@link #get}, at {@code snapshot} (null: the latest state): for {@link RocksRangeStore}. */
  Optional<Version> get(Key key, Timestamp readTs, Snapshot snapshot) {
    return read(readTs, () -> "get " + key, () -> {
      byte[] prefix = MvccKeyLayout.prefix(key);
      try (Slice upper = new Slice(MvccKeyLayout.prefixEnd(prefix));
          ReadOptions readOptions = readOptions(null, upper, snapshot);
          RocksIterator it = db.newIterator(mvcc, readOptions)) {
        it.seek(MvccKeyLayout.withTimestamp(prefix, readTs));
        if (!it.isValid()) {
          it.status();
          return Optional.empty();
        }
        return Optional.of(toVersion(key, it.key(), it.value()));
      }
    });
  }

  @Override
  public List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
    return scan(span, readTs, direction, limit, null);
  }

  List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit, Snapshot snapshot) {
    return read(readTs, () -> "scan " + span, () -> {
      List<Version> out = new ArrayList<>();
      if (limit <= 0 || span.isEmpty()) {
        return out;
      }
      try (Slice lower = new Slice(MvccKeyLayout.prefix(span.start()));
          Slice upper = span.end() == null ? null : new Slice(MvccKeyLayout.prefix(span.end()));
          ReadOptions readOptions = readOptions(lower, upper, snapshot);
          RocksIterator it = db.newIterator(mvcc, readOptions)) {
        if (direction == Direction.FORWARD) {
          scanForward(it, readTs, limit, out);
        } else {
          scanReverse(it, readTs, limit, out);
        }
        it.status();
      }
      return out;
    });
  }

  private static void scanForward(RocksIterator it, Timestamp readTs, int limit, List<Version> out) {
    it.seekToFirst();
    while (it.isValid() && out.size() < limit) {
      byte[] stored = it.key();
      byte[] prefix = MvccKeyLayout.prefixOf(stored);
      if (MvccKeyLayout.timestampOf(stored).isAfter(readTs)) {
        it.seek(MvccKeyLayout.withTimestamp(prefix, readTs));
        if (!it.isValid()) {
          return;
        }
        stored = it.key();
        if (!MvccKeyLayout.hasPrefix(stored, prefix)) {
          continue; // nothing visible in this key: we are at the next key's newest version
        }
      }
      addIfLive(stored, it.value(), out);
      it.seek(MvccKeyLayout.prefixEnd(prefix));
    }
  }

  private static void scanReverse(RocksIterator it, Timestamp readTs, int limit, List<Version> out) {
    it.seekToLast();
    while (it.isValid() && out.size() < limit) {
      byte[] prefix = MvccKeyLayout.prefixOf(it.key());
      it.seek(MvccKeyLayout.withTimestamp(prefix, readTs));
      if (it.isValid() && MvccKeyLayout.hasPrefix(it.key(), prefix)) {
        addIfLive(it.key(), it.value(), out);
      }
      // No stored key equals a bare prefix, so this lands on the last version of the previous key.
      it.seekForPrev(prefix);
    }
  }

  private static void addIfLive(byte[] stored, byte[] value, List<Version> out) {
    if (!ValueLayout.isTombstone(value)) {
      out.add(toVersion(MvccKeyLayout.userKeyOf(stored), stored, value));
    }
  }

  @Override
  public Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
    return newestAfter(span, ts, null);
  }

  Optional<Version> newestAfter(KeySpan span, Timestamp ts, Snapshot snapshot) {
    return read(null, () -> "newestAfter " + span, () -> {
      if (span.isEmpty()) {
        return Optional.empty();
      }
      try (Slice lower = new Slice(MvccKeyLayout.prefix(span.start()));
          Slice upper = span.end() == null ? null : new Slice(MvccKeyLayout.prefix(span.end()));
          ReadOptions readOptions = readOptions(lower, upper, snapshot);
          RocksIterator it = db.newIterator(mvcc, readOptions)) {
        it.seekToFirst();
        while (it.isValid()) {
          byte[] stored = it.key(); // the newest version of its key
          if (MvccKeyLayout.timestampOf(stored).isAfter(ts)) {
            return Optional.of(toVersion(MvccKeyLayout.userKeyOf(stored), stored, it.value()));
          }
          it.seek(MvccKeyLayout.prefixEnd(MvccKeyLayout.prefixOf(stored)));
        }
        it.status();
        return Optional.empty();
      }
    });
  }

  @Override
  public List<Intent> intents(KeySpan span) {
    return intents(span, null);
  }

  List<Intent> intents(KeySpan span, Snapshot snapshot) {
    return read(null, () -> "intents " + span, () -> {
      List<Intent> out = new ArrayList<>();
      if (span.isEmpty()) {
        return out;
      }
      try (Slice upper = span.end() == null ? null : new Slice(span.end().unsafeBytes());
          ReadOptions readOptions = readOptions(null, upper, snapshot);
          RocksIterator it = db.newIterator(intents, readOptions)) {
        for (it.seek(span.start().unsafeBytes()); it.isValid(); it.next()) {
          out.add(ValueLayout.decodeIntent(Key.wrap(it.key()), it.value()));
        }
        it.status();
      }
      return out;
    });
  }

  static ReadOptions boundedReadOptions(Slice lower, Slice upper) {
    ReadOptions readOptions = new ReadOptions();
    if (lower != null) {
      readOptions.setIterateLowerBound(lower);
    }
    if (upper != null) {
      readOptions.setIterateUpperBound(upper);
    }
    return readOptions;
  }

  /** Bounded read options, reading at {@code snapshot} unless it is null. */
  static ReadOptions readOptions(Slice lower, Slice upper, Snapshot snapshot) {
    ReadOptions readOptions = boundedReadOptions(lower, upper);
    if (snapshot != null) {
      readOptions.setSnapshot(snapshot);
    }
    return readOptions;
  }

  static Version toVersion(Key key, byte[] stored, byte[] value) {
    return new Version(key, MvccKeyLayout.timestampOf(stored), ValueLayout.decodeVersionValue(value));
  }

  /**
   * Runs a read under the lifecycle read lock. With a {@code readTs}, checks the GC horizon before and
   * after: a collection only deletes after raising the horizon, so a read whose result may be partly
   * collected always sees the raised horizon afterwards. {@code what} names the read for an error,
   * built only then: keys print as hex, which cost more than many reads.
   */
  <T> T read(Timestamp readTs, Supplier<String> what, RocksCall<T> body) {
    lifecycle.readLock().lock();
    try {
      checkOpen();
      checkHorizon(readTs);
      T result;
      try {
        result = body.call();
      } catch (RocksDBException e) {
        throw failure(what.get() + " failed", e);
      }
      checkHorizon(readTs);
      return result;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private void checkHorizon(Timestamp readTs) {
    Timestamp horizon = gcHorizon;
    if (readTs != null && readTs.isBefore(horizon)) {
      throw new ReadBelowGcHorizonException(readTs, horizon);
    }
  }

  // --------------------------------------------------------------------------------------- writes

  @Override
  public CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs) {
    List<byte[]> keys = new ArrayList<>(writes.size());
    List<byte[]> values = new ArrayList<>(writes.size());
    for (Write write : writes) {
      keys.add(MvccKeyLayout.encode(write.key(), commitTs));
      values.add(ValueLayout.encodeVersionValue(write.value()));
    }
    return submit(new CommitOp(keys, values));
  }

  @Override
  public CompletableFuture<Void> putIntents(
      TxnId txnId, Timestamp prepareTs, Collection<Write> writes) {
    List<Key> keys = new ArrayList<>(writes.size());
    List<byte[]> values = new ArrayList<>(writes.size());
    for (Write write : writes) {
      keys.add(write.key());
      values.add(ValueLayout.encodeIntentValue(txnId, prepareTs, write.value()));
    }
    return submit(new PutIntentsOp(keys, values));
  }

  @Override
  public CompletableFuture<Void> resolveIntents(
      TxnId txnId, Collection<Key> keys, Optional<Timestamp> commitTs) {
    return submit(new ResolveOp(txnId, List.copyOf(keys), commitTs));
  }

  /**
   * Queues a write, or refuses it with {@link dev.meridian.storage.mvcc.StorageBusyException} when
   * the queue is full. Takes no lifecycle lock: it touches only the queue, and the committer refuses
   * work once stopped.
   */
  private CompletableFuture<Void> submit(Operation operation) {
    checkOpen();
    return committer.submit(operation);
  }

  /** The group writer: runs on the sync thread, applies the group in order, one synced write. */
  private void writeGroup(List<Operation> group) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      // Intent changes of earlier operations in this group, which the database does not show yet;
      // a null value means removed.
      Map<Key, byte[]> intentOverlay = new HashMap<>();
      for (Operation operation : group) {
        switch (operation) {
          case CommitOp commit -> {
            for (int i = 0; i < commit.keys().size(); i++) {
              batch.put(mvcc, commit.keys().get(i), commit.values().get(i));
            }
          }
          case PutIntentsOp put -> {
            for (int i = 0; i < put.keys().size(); i++) {
              batch.put(intents, put.keys().get(i).unsafeBytes(), put.values().get(i));
              intentOverlay.put(put.keys().get(i), put.values().get(i));
            }
          }
          case ResolveOp resolve -> addResolve(batch, intentOverlay, resolve);
          case RawOp raw -> addRaw(batch, raw);
        }
      }
      db.write(durableWrite, batch);
    }
  }

  private void addRaw(WriteBatch batch, RawOp raw) throws RocksDBException {
    for (RawBatch.Mutation mutation : raw.mutations()) {
      ColumnFamilyHandle family = rawFamilies.get(mutation.family());
      switch (mutation) {
        case RawBatch.Put put -> batch.put(family, put.key(), put.value());
        case RawBatch.Delete delete -> batch.delete(family, delete.key());
        case RawBatch.DeleteRange range -> batch.deleteRange(family, range.from(), range.to());
      }
    }
  }

  private void addResolve(WriteBatch batch, Map<Key, byte[]> intentOverlay, ResolveOp resolve)
      throws RocksDBException {
    for (Key key : resolve.keys()) {
      byte[] intent =
          intentOverlay.containsKey(key) ? intentOverlay.get(key) : db.get(intents, key.unsafeBytes());
      if (intent == null || !ValueLayout.intentTxnId(intent).equals(resolve.txnId())) {
        continue;
      }
      batch.delete(intents, key.unsafeBytes());
      intentOverlay.put(key, null);
      if (resolve.commitTs().isPresent()) {
        batch.put(
            mvcc,
            MvccKeyLayout.encode(key, resolve.commitTs().get()),
            ValueLayout.intentToVersionValue(intent));
      }
    }
  }

  // ---------------------------------------------------------------------------- raw families

  /**
   * Queues {@code batch}'s changes to the raw families as one operation: it is written atomically, in
   * the same group-committed synced write as the MVCC writes and other raw batches queued with it.
   * The future completes, on the sync thread, once the batch is durable. An empty batch is still
   * queued, so its future also orders after every write queued before it.
   *
   * @throws dev.meridian.storage.mvcc.StorageBusyException if the write queue is full (nothing queued)
   */
  public CompletableFuture<Void> writeRaw(RawBatch batch) {
    return submit(new RawOp(batch.mutations()));
  }

  /** The value under {@code key} in {@code family}, as left by the raw writes already written. */
  public Optional<byte[]> getRaw(RawFamily family, byte[] key) {
    return read(null, () -> "get in " + family, () -> Optional.ofNullable(db.get(rawFamilies.get(family), key)));
  }

  /**
   * Up to {@code limit} entries of {@code family} with {@code fromInclusive <= key < toExclusive}, in
   * key order; a null {@code toExclusive} means no upper bound. For recovery: blocks on the disk.
   */
  public List<RawEntry> scanRaw(RawFamily family, byte[] fromInclusive, byte[] toExclusive, int limit) {
    return read(null, () -> "scan of " + family, () -> {
      List<RawEntry> out = new ArrayList<>();
      try (Slice upper = toExclusive == null ? null : new Slice(toExclusive);
          ReadOptions readOptions = boundedReadOptions(null, upper);
          RocksIterator it = db.newIterator(rawFamilies.get(family), readOptions)) {
        for (it.seek(fromInclusive); it.isValid() && out.size() < limit; it.next()) {
          out.add(new RawEntry(it.key(), it.value()));
        }
        it.status();
      }
      return out;
    });
  }

  /** Every entry of {@code family} whose key starts with {@code prefix}, in key order. */
  public List<RawEntry> scanRawPrefix(RawFamily family, byte[] prefix) {
    return scanRaw(family, prefix, RawKeys.prefixEnd(prefix), Integer.MAX_VALUE);
  }

  // ------------------------------------------------------------------------------------------- GC

  @Override
  public Timestamp gcHorizon() {
    return gcHorizon;
  }

  @Override
  public GcResult collectGarbage(Timestamp horizon) {
    lifecycle.readLock().lock();
    try {
      checkOpen();
      synchronized (gcLock) {
        Timestamp target = Timestamp.max(gcHorizon, horizon);
        if (target.isAfter(gcHorizon)) {
          // Persist first: after a crash the horizon must not fall below what reads were refused at.
          db.put(meta, durableWrite, ValueLayout.GC_HORIZON_KEY, ValueLayout.encodeHorizon(target));
          gcHorizon = target;
        }
        return sweep(target);
      }
    } catch (RocksDBException e) {
      throw failure("garbage collection failed", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Deletes, per key, every version older than the newest one at or below {@code horizon}, and that
   * one too if it is a tombstone, in write batches of at most {@code gcBatchSize} deletes.
   */
  private GcResult sweep(Timestamp horizon) throws RocksDBException {
    long removed = 0;
    long keysVisited = 0;
    try (ReadOptions readOptions = new ReadOptions().setFillCache(false);
        RocksIterator it = db.newIterator(mvcc, readOptions);
        WriteBatch batch = new WriteBatch()) {
      byte[] previous = null;
      boolean foundVisibleAtHorizon = false;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (closing) {
          throw new IllegalStateException(
              "engine closed during garbage collection; the horizon " + horizon
                  + " is kept and the next collection finishes the work");
        }
        byte[] stored = it.key();
        if (previous == null || !MvccKeyLayout.sameUserKey(previous, stored)) {
          keysVisited++;
          foundVisibleAtHorizon = false;
        }
        previous = stored;
        if (MvccKeyLayout.timestampOf(stored).isAfter(horizon)) {
          continue;
        }
        if (foundVisibleAtHorizon || ValueLayout.isTombstone(it.value())) {
          batch.delete(mvcc, stored);
          removed++;
        }
        foundVisibleAtHorizon = true;
        if (batch.count() >= options.gcBatchSize()) {
          db.write(gcWrite, batch);
          batch.clear();
        }
      }
      it.status();
      if (batch.count() > 0) {
        db.write(gcWrite, batch);
      }
    }
    return new GcResult(horizon, removed, keysVisited);
  }

  // -------------------------------------------------------------------------------------- metrics

  /** Operations queued for the sync thread and not yet in a group. */
  public int pendingOperations() {
    return committer.pending();
  }

  /** Group writes done (synced unless {@link Options#syncWrites} is off). */
  public long groupWrites() {
    return committer.groupsWritten();
  }

  /** Write operations (commits, intent puts, resolves, raw batches) made durable. */
  public long operationsWritten() {
    return committer.operationsWritten();
  }

  /** Mean operations per group write; 0 before the first. */
  public double meanGroupSize() {
    long groups = committer.groupsWritten();
    return groups == 0 ? 0 : (double) committer.operationsWritten() / groups;
  }

  /** The largest group written so far. */
  public long largestGroup() {
    return committer.largestGroup();
  }

  // ---------------------------------------------------------------------------------- life cycle

  /**
   * Writes every queued operation (or fails it, if the disk has failed), waits for running reads and
   * garbage collection (which stops early), and closes the database. Idempotent. Must not be called
   * from a future callback, which runs on the sync thread.
   */
  @Override
  public void close() {
    if (committer.isCommitterThread()) {
      throw new IllegalStateException(
          "cannot close the engine from its sync thread (a future callback): hop to another thread first");
    }
    synchronized (closeMonitor) {
      closing = true;
      // Waits for running reads and GC; later ones see `closed` and fail. Held only this long:
      // future callbacks on the sync thread may read, and the queue must drain while we wait.
      lifecycle.writeLock().lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
      } finally {
        lifecycle.writeLock().unlock();
      }
      committer.stop();
      durableWrite.close();
      gcWrite.close();
      handles.forEach(ColumnFamilyHandle::close);
      try {
        db.closeE();
      } catch (RocksDBException e) {
        throw failure("closing the database failed", e);
      } finally {
        dbOptions.close();
        columnFamilyOptions.forEach(ColumnFamilyOptions::close);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
  }

  private StorageException failure(String what, Throwable cause) {
    return new StorageException(
        what + " in the storage engine at " + directory + ": " + cause
            + " (check the disk; the node must restart to recover from its log)", cause);
  }
}
