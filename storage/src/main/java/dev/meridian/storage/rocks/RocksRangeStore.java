package dev.meridian.storage.rocks;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.range.LocalKind;
import dev.meridian.storage.range.RangeBatch;
import dev.meridian.storage.range.RangeEntry;
import dev.meridian.storage.range.RangeReads;
import dev.meridian.storage.range.RangeSnapshot;
import dev.meridian.storage.range.RangeStaging;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.storage.range.StagingChecks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link RangeStore} over the node's one RocksDB (the database {@link RocksMvccEngine} opens): the
 * range replicas' versions and intents live in the engine's own {@code mvcc} and {@code intents}
 * column families, with the engine's layouts, so its garbage collection covers them; range-local
 * state and snapshots being installed have two column families of their own.
 *
 * <h2>Column families and byte layouts</h2>
 *
 * All integers are big-endian; {@code be64} is an 8-byte big-endian long. Range ids are positive,
 * so {@code be64(rangeId)} orders as the ids do.
 *
 * <pre>
 * mvcc           committed versions: as {@link RocksMvccEngine} documents ({@link MvccKeyLayout},
 *                {@link ValueLayout}); keyed by user key, no range prefix
 * intents        write intents: as {@link RocksMvccEngine} documents; keyed by raw user key
 *
 * range_local    key:   be64(rangeId) | kindTag(1) | suffix           ({@link LocalKind})
 *                value: APPLIED_SLOT (tag 0x01, empty suffix): be64(slot)
 *                       other kinds: opaque here; layouts in txn-layer's RangeLocalLayout
 *
 * range_staging  key:   be64(rangeId) | section(1) | entryKey
 *                  section 0x00 local:   entryKey = kindTag(1) | suffix; value = the local value
 *                  section 0x01 version: entryKey = the mvcc key (MvccKeyLayout); value = mvcc value
 *                  section 0x02 intent:  entryKey = raw user key; value = intent value (ValueLayout)
 * </pre>
 *
 * <h2>Writes</h2>
 *
 * A {@link RangeBatch} becomes one RocksDB write batch written <em>without</em> sync, on the
 * caller's thread, beside the engine's group commit: RocksDB's WAL is one file, so the next synced
 * write (a Paxos acceptor's, through the engine) makes every earlier unsynced write durable too, and
 * a crash loses at most a suffix of applied batches, each with its applied slot (DESIGN §11).
 * Committing an install is synced: the Paxos driver may drop log entries below the installed slot
 * once it returns. Every access runs inside the engine's read lifecycle, so closing the engine waits
 * for it.
 *
 * <p>Thread-safe. Close this store before the engine.
 */
public final class RocksRangeStore implements RangeStore {

  private static final int SECTION_LOCAL = RangeEntry.SECTION_LOCAL;
  private static final int SECTION_VERSION = RangeEntry.SECTION_VERSION;
  private static final int SECTION_INTENT = RangeEntry.SECTION_INTENT;

  private final RocksMvccEngine engine;
  private final RocksDB db;
  private final ColumnFamilyHandle mvcc;
  private final ColumnFamilyHandle intents;
  private final ColumnFamilyHandle local;
  private final ColumnFamilyHandle staging;
  private final WriteOptions unsynced = new WriteOptions().setSync(false);
  private final WriteOptions synced;
  private volatile boolean closed;

  public RocksRangeStore(RocksMvccEngine engine) {
    this.engine = engine;
    this.db = engine.database();
    this.mvcc = engine.family(RocksMvccEngine.CF_MVCC);
    this.intents = engine.family(RocksMvccEngine.CF_INTENTS);
    this.local = engine.family(RocksMvccEngine.CF_RANGE_LOCAL);
    this.staging = engine.family(RocksMvccEngine.CF_RANGE_STAGING);
    this.synced = new WriteOptions().setSync(engine.options().syncWrites());
  }

  // ------------------------------------------------------------------------------------- keys

  static byte[] rangePrefix(long rangeId) {
    byte[] out = new byte[8];
    MvccKeyLayout.putLong(out, 0, rangeId);
    return out;
  }

  static byte[] localKey(long rangeId, int tag, byte[] suffix) {
    byte[] out = new byte[9 + suffix.length];
    MvccKeyLayout.putLong(out, 0, rangeId);
    out[8] = (byte) tag;
    System.arraycopy(suffix, 0, out, 9, suffix.length);
    return out;
  }

  private static byte[] stagingKey(long rangeId, int section, byte[] entryKey) {
    byte[] out = new byte[9 + entryKey.length];
    MvccKeyLayout.putLong(out, 0, rangeId);
    out[8] = (byte) section;
    System.arraycopy(entryKey, 0, out, 9, entryKey.length);
    return out;
  }

  private static byte[] localEntryKey(LocalKind kind, byte[] suffix) {
    byte[] out = new byte[1 + suffix.length];
    out[0] = (byte) kind.tag();
    System.arraycopy(suffix, 0, out, 1, suffix.length);
    return out;
  }

  // ----------------------------------------------------------------------------------- writes

  @FunctionalInterface
  private interface BatchOp {
    void addTo(WriteBatch batch) throws RocksDBException;
  }

  @Override
  public RangeBatch newBatch() {
    List<BatchOp> ops = new ArrayList<>();
    return new RangeBatch() {
      private boolean committed;

      @Override
      public RangeBatch putVersion(Key key, Timestamp commitTs, byte[] value) {
        byte[] k = MvccKeyLayout.encode(key, commitTs);
        byte[] v = ValueLayout.encodeVersionValue(value);
        ops.add(b -> b.put(mvcc, k, v));
        return this;
      }

      @Override
      public RangeBatch putIntent(Intent intent) {
        byte[] k = intent.key().toByteArray();
        byte[] v = ValueLayout.encodeIntentValue(intent.txnId(), intent.prepareTs(), intent.value());
        ops.add(b -> b.put(intents, k, v));
        return this;
      }

      @Override
      public RangeBatch deleteIntent(Key key) {
        byte[] k = key.toByteArray();
        ops.add(b -> b.delete(intents, k));
        return this;
      }

      @Override
      public RangeBatch putLocal(long rangeId, LocalKind kind, byte[] suffix, byte[] value) {
        if (kind == LocalKind.APPLIED_SLOT) {
          throw new IllegalArgumentException("the applied slot is written by setAppliedSlot");
        }
        byte[] k = localKey(rangeId, kind.tag(), suffix);
        byte[] v = value.clone();
        ops.add(b -> b.put(local, k, v));
        return this;
      }

      @Override
      public RangeBatch deleteLocal(long rangeId, LocalKind kind, byte[] suffix) {
        byte[] k = localKey(rangeId, kind.tag(), suffix);
        ops.add(b -> b.delete(local, k));
        return this;
      }

      @Override
      public RangeBatch setAppliedSlot(long rangeId, long slot) {
        byte[] k = localKey(rangeId, LocalKind.APPLIED_SLOT.tag(), new byte[0]);
        byte[] v = StagingChecks.slotValue(slot);
        ops.add(b -> b.put(local, k, v));
        return this;
      }

      @Override
      public void commit() {
        if (committed) {
          throw new IllegalStateException("batch committed twice");
        }
        committed = true;
        access("range batch", () -> {
          try (WriteBatch batch = new WriteBatch()) {
            for (BatchOp op : ops) {
              op.addTo(batch);
            }
            db.write(unsynced, batch);
          }
          return null;
        });
      }
    };
  }

  private <T> T access(String what, RocksMvccEngine.RocksCall<T> body) {
    return access(null, what, body);
  }

  private <T> T access(Timestamp readTs, String what, RocksMvccEngine.RocksCall<T> body) {
    if (closed) {
      throw new IllegalStateException("range store is closed");
    }
    return engine.read(readTs, () -> what, body);
  }

  // ------------------------------------------------------------------------------------ reads

  @Override
  public RangeReads reads() {
    return new Reads(null);
  }

  @Override
  public RangeSnapshot snapshot() {
    Snapshot snapshot = access("snapshot", db::getSnapshot);
    return new SnapshotReads(snapshot);
  }

  private final class SnapshotReads extends Reads implements RangeSnapshot {
    private boolean released;

    SnapshotReads(Snapshot snapshot) {
      super(snapshot);
    }

    @Override
    public synchronized void close() {
      if (!released) {
        released = true;
        access("release snapshot", () -> {
          db.releaseSnapshot(snapshot);
          return null;
        });
      }
    }
  }

  private class Reads implements RangeReads {
    final Snapshot snapshot;

    Reads(Snapshot snapshot) {
      this.snapshot = snapshot;
    }

    private ReadOptions options(Slice lower, Slice upper) {
      return RocksMvccEngine.readOptions(lower, upper, snapshot);
    }

    private <T> T checked(java.util.function.Supplier<T> read) {
      if (closed) {
        throw new IllegalStateException("range store is closed");
      }
      return read.get();
    }

    // The MVCC reads are the engine's own, at this view's snapshot.
    @Override
    public Optional<Version> get(Key key, Timestamp readTs) {
      return checked(() -> engine.get(key, readTs, snapshot));
    }

    @Override
    public List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
      return checked(() -> engine.scan(span, readTs, direction, limit, snapshot));
    }

    @Override
    public Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
      return checked(() -> engine.newestAfter(span, ts, snapshot));
    }

    @Override
    public List<Intent> intents(KeySpan span) {
      return checked(() -> engine.intents(span, snapshot));
    }

    @Override
    public OptionalLong appliedSlot(long rangeId) {
      Optional<byte[]> value = local(rangeId, LocalKind.APPLIED_SLOT, new byte[0]);
      return value.isEmpty() ? OptionalLong.empty() : OptionalLong.of(StagingChecks.slotOf(value.get()));
    }

    @Override
    public Optional<byte[]> local(long rangeId, LocalKind kind, byte[] suffix) {
      return access("range local get", () -> {
        try (ReadOptions options = options(null, null)) {
          return Optional.ofNullable(db.get(local, options, localKey(rangeId, kind.tag(), suffix)));
        }
      });
    }

    @Override
    public List<RangeEntry.Local> locals(long rangeId, LocalKind kind) {
      return access("range locals", () -> {
        List<RangeEntry.Local> out = new ArrayList<>();
        try (Slice upper = new Slice(localKey(rangeId, kind.tag() + 1, new byte[0]));
            ReadOptions options = options(null, upper);
            RocksIterator it = db.newIterator(local, options)) {
          for (it.seek(localKey(rangeId, kind.tag(), new byte[0])); it.isValid(); it.next()) {
            byte[] key = it.key();
            out.add(new RangeEntry.Local(kind, Arrays.copyOfRange(key, 9, key.length), it.value()));
          }
          it.status();
        }
        return out;
      });
    }

    @Override
    public List<RangeEntry> entriesAfter(long rangeId, KeySpan span, RangeEntry after, int maxCount) {
      return access("range state entries", () -> {
        List<RangeEntry> out = new ArrayList<>();
        int section = after == null ? SECTION_LOCAL : after.section();
        if (section == SECTION_LOCAL) {
          byte[] from = after instanceof RangeEntry.Local l
              ? localKey(rangeId, l.kind().tag(), l.suffix())
              : rangePrefix(rangeId);
          try (Slice upper = new Slice(rangePrefix(rangeId + 1));
              ReadOptions options = options(null, upper);
              RocksIterator it = db.newIterator(local, options)) {
            for (it.seek(from); it.isValid() && out.size() < maxCount; it.next()) {
              byte[] key = it.key();
              if (after != null && Arrays.equals(key, from)) {
                continue;
              }
              out.add(new RangeEntry.Local(LocalKind.ofTag(key[8] & 0xFF), Arrays.copyOfRange(key, 9, key.length), it.value()));
            }
            it.status();
          }
        }
        if (span.isEmpty()) {
          return out;
        }
        if (section <= SECTION_VERSION && out.size() < maxCount) {
          byte[] from = after instanceof RangeEntry.VersionEntry v
              ? MvccKeyLayout.encode(v.key(), v.commitTs())
              : MvccKeyLayout.prefix(span.start());
          boolean skipFirstEqual = after instanceof RangeEntry.VersionEntry;
          try (Slice lower = new Slice(MvccKeyLayout.prefix(span.start()));
              Slice upper = span.end() == null ? null : new Slice(MvccKeyLayout.prefix(span.end()));
              ReadOptions options = options(lower, upper);
              RocksIterator it = db.newIterator(mvcc, options)) {
            for (it.seek(from); it.isValid() && out.size() < maxCount; it.next()) {
              byte[] key = it.key();
              if (skipFirstEqual && Arrays.equals(key, from)) {
                continue;
              }
              out.add(RangeEntry.VersionEntry.of(
                  RocksMvccEngine.toVersion(MvccKeyLayout.userKeyOf(key), key, it.value())));
            }
            it.status();
          }
        }
        if (out.size() < maxCount) {
          byte[] from = after instanceof RangeEntry.IntentEntry i ? i.intent().key().unsafeBytes() : span.start().unsafeBytes();
          boolean skipFirstEqual = after instanceof RangeEntry.IntentEntry;
          try (Slice upper = span.end() == null ? null : new Slice(span.end().unsafeBytes());
              ReadOptions options = options(null, upper);
              RocksIterator it = db.newIterator(intents, options)) {
            for (it.seek(from); it.isValid() && out.size() < maxCount; it.next()) {
              byte[] key = it.key();
              if (skipFirstEqual && Arrays.equals(key, from)) {
                continue;
              }
              out.add(new RangeEntry.IntentEntry(ValueLayout.decodeIntent(Key.wrap(key), it.value())));
            }
            it.status();
          }
        }
        return out;
      });
    }
  }

  // ---------------------------------------------------------------------------- install, destroy

  @Override
  public RangeStaging beginInstall(long rangeId, KeySpan span) {
    access("clear staging", () -> {
      try (WriteBatch batch = new WriteBatch()) {
        batch.deleteRange(staging, rangePrefix(rangeId), rangePrefix(rangeId + 1));
        db.write(unsynced, batch);
      }
      return null;
    });
    return new RangeStaging() {
      private RangeEntry last;
      private boolean hasSlot;
      private long bytes;
      private boolean done;

      @Override
      public void add(byte[] chunk) {
        requireOpen();
        List<RangeEntry> entries = StagingChecks.check(chunk, span, last);
        access("stage chunk", () -> {
          try (WriteBatch batch = new WriteBatch()) {
            for (RangeEntry entry : entries) {
              switch (entry) {
                case RangeEntry.Local l -> batch.put(staging,
                    stagingKey(rangeId, SECTION_LOCAL, localEntryKey(l.kind(), l.suffix())), l.value());
                case RangeEntry.VersionEntry v -> batch.put(staging,
                    stagingKey(rangeId, SECTION_VERSION, MvccKeyLayout.encode(v.key(), v.commitTs())),
                    ValueLayout.encodeVersionValue(v.value()));
                case RangeEntry.IntentEntry i -> batch.put(staging,
                    stagingKey(rangeId, SECTION_INTENT, i.intent().key().unsafeBytes()),
                    ValueLayout.encodeIntentValue(i.intent().txnId(), i.intent().prepareTs(), i.intent().value()));
              }
            }
            db.write(unsynced, batch);
          }
          return null;
        });
        for (RangeEntry entry : entries) {
          hasSlot |= entry instanceof RangeEntry.Local l && l.kind() == LocalKind.APPLIED_SLOT;
        }
        if (!entries.isEmpty()) {
          last = entries.getLast();
        }
        bytes += chunk.length;
      }

      @Override
      public long stagedBytes() {
        return bytes;
      }

      @Override
      public void commit() {
        requireOpen();
        if (!hasSlot) {
          throw new IllegalStateException("snapshot of range " + rangeId + " has no applied slot: not installed");
        }
        done = true;
        access("install snapshot", () -> {
          try (WriteBatch batch = new WriteBatch()) {
            removeRange(batch, rangeId, span);
            try (Slice upper = new Slice(rangePrefix(rangeId + 1));
                ReadOptions options = new ReadOptions().setIterateUpperBound(upper);
                RocksIterator it = db.newIterator(staging, options)) {
              for (it.seek(rangePrefix(rangeId)); it.isValid(); it.next()) {
                byte[] key = it.key();
                byte[] entryKey = Arrays.copyOfRange(key, 9, key.length);
                switch (key[8]) {
                  case SECTION_LOCAL -> batch.put(local, concat(rangePrefix(rangeId), entryKey), it.value());
                  case SECTION_VERSION -> batch.put(mvcc, entryKey, it.value());
                  case SECTION_INTENT -> batch.put(intents, entryKey, it.value());
                  default -> throw new IllegalStateException("unknown staging section " + key[8]);
                }
              }
              it.status();
            }
            batch.deleteRange(staging, rangePrefix(rangeId), rangePrefix(rangeId + 1));
            db.write(synced, batch);
          }
          return null;
        });
      }

      @Override
      public void abort() {
        if (done) {
          return;
        }
        done = true;
        access("abort install", () -> {
          try (WriteBatch batch = new WriteBatch()) {
            batch.deleteRange(staging, rangePrefix(rangeId), rangePrefix(rangeId + 1));
            db.write(unsynced, batch);
          }
          return null;
        });
      }

      @Override
      public void close() {
        abort();
      }

      private void requireOpen() {
        if (done) {
          throw new IllegalStateException("install of range " + rangeId + " already ended");
        }
      }
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Adds the deletion of the range's locals and of its versions and intents in {@code span}. */
  private void removeRange(WriteBatch batch, long rangeId, KeySpan span) throws RocksDBException {
    batch.deleteRange(local, rangePrefix(rangeId), rangePrefix(rangeId + 1));
    if (span.isEmpty()) {
      return;
    }
    if (span.end() != null) {
      batch.deleteRange(mvcc, MvccKeyLayout.prefix(span.start()), MvccKeyLayout.prefix(span.end()));
      batch.deleteRange(intents, span.start().toByteArray(), span.end().toByteArray());
      return;
    }
    // No byte string bounds every key from above: delete one by one.
    deleteFrom(batch, mvcc, MvccKeyLayout.prefix(span.start()));
    deleteFrom(batch, intents, span.start().toByteArray());
  }

  private void deleteFrom(WriteBatch batch, ColumnFamilyHandle family, byte[] from) throws RocksDBException {
    try (ReadOptions options = new ReadOptions(); RocksIterator it = db.newIterator(family, options)) {
      for (it.seek(from); it.isValid(); it.next()) {
        batch.delete(family, it.key());
      }
      it.status();
    }
  }

  @Override
  public void destroy(long rangeId, KeySpan span) {
    access("destroy range", () -> {
      try (WriteBatch batch = new WriteBatch()) {
        removeRange(batch, rangeId, span);
        db.write(unsynced, batch);
      }
      return null;
    });
  }

  @Override
  public List<Long> hostedRanges() {
    return access("hosted ranges", () -> {
      List<Long> out = new ArrayList<>();
      try (ReadOptions options = new ReadOptions(); RocksIterator it = db.newIterator(local, options)) {
        it.seekToFirst();
        while (it.isValid()) {
          byte[] key = it.key();
          long rangeId = MvccKeyLayout.getLong(key, 0);
          if ((key[8] & 0xFF) == LocalKind.APPLIED_SLOT.tag()) {
            out.add(rangeId);
          }
          it.seek(rangePrefix(rangeId + 1));
        }
        it.status();
      }
      return out;
    });
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      unsynced.close();
      synced.close();
    }
  }
}
