package dev.meridian.storage.range;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * {@link RangeStore} in memory: the simulator's store and the reference the RocksDB store is tested
 * against. A restart is modelled by opening a new state machine over the same object (what the
 * simulator's disk keeps); every committed batch survives it.
 *
 * <p>Snapshots are copy-on-write: taking one marks the current state shared, and the next batch
 * copies it before changing it, so a snapshot is never touched again. One lock guards the current
 * state. TODO(perf): a copy costs the size of the node's data; a persistent map (or versioned
 * entries, as an LSM has) would make it proportional to the change, if the simulator needs it.
 */
public final class InMemoryRangeStore implements RangeStore {

  /** Stands for a tombstone in the version maps; compared by identity, never handed out. */
  private static final byte[] TOMBSTONE = new byte[0];

  private record LocalKey(long rangeId, int tag, byte[] suffix) implements Comparable<LocalKey> {
    @Override
    public int compareTo(LocalKey other) {
      int byRange = Long.compare(rangeId, other.rangeId);
      if (byRange != 0) {
        return byRange;
      }
      int byTag = Integer.compare(tag, other.tag);
      return byTag != 0 ? byTag : Arrays.compareUnsigned(suffix, other.suffix);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof LocalKey k && compareTo(k) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(rangeId, tag) * 31 + Arrays.hashCode(suffix);
    }
  }

  /** All of the node's range data; immutable once {@code shared}. */
  private static final class State {
    final TreeMap<Key, TreeMap<Timestamp, byte[]>> versions = new TreeMap<>();
    final TreeMap<Key, Intent> intents = new TreeMap<>();
    final TreeMap<LocalKey, byte[]> locals = new TreeMap<>();
    boolean shared;

    State copy() {
      State out = new State();
      versions.forEach((key, byTs) -> out.versions.put(key, new TreeMap<>(byTs)));
      out.intents.putAll(intents);
      out.locals.putAll(locals);
      return out;
    }

    void putVersion(Key key, Timestamp ts, byte[] value) {
      versions.computeIfAbsent(key, k -> new TreeMap<>(Comparator.reverseOrder()))
          .put(ts, value == null ? TOMBSTONE : value.clone());
    }

    void removeRange(long rangeId, KeySpan span) {
      locals.subMap(new LocalKey(rangeId, 0, new byte[0]), new LocalKey(rangeId + 1, 0, new byte[0])).clear();
      spanOf(versions, span).clear();
      spanOf(intents, span).clear();
    }

    void put(RangeEntry entry, long rangeId) {
      switch (entry) {
        case RangeEntry.Local local -> locals.put(new LocalKey(rangeId, local.kind().tag(), local.suffix()), local.value());
        case RangeEntry.VersionEntry v -> putVersion(v.key(), v.commitTs(), v.value());
        case RangeEntry.IntentEntry i -> intents.put(i.intent().key(), i.intent());
      }
    }
  }

  private State current = new State();
  private boolean closed;

  private synchronized State forWrite() {
    checkOpen();
    if (current.shared) {
      current = current.copy();
    }
    return current;
  }

  private synchronized void write(Consumer<State> change) {
    change.accept(forWrite());
  }

  @Override
  public RangeBatch newBatch() {
    List<Consumer<State>> changes = new ArrayList<>();
    return new RangeBatch() {
      private boolean committed;

      @Override
      public RangeBatch putVersion(Key key, Timestamp commitTs, byte[] value) {
        byte[] copy = value == null ? null : value.clone();
        changes.add(s -> s.putVersion(key, commitTs, copy));
        return this;
      }

      @Override
      public RangeBatch putIntent(Intent intent) {
        Intent copy = new Intent(intent.key(), intent.txnId(), intent.prepareTs(),
            intent.value() == null ? null : intent.value().clone());
        changes.add(s -> s.intents.put(copy.key(), copy));
        return this;
      }

      @Override
      public RangeBatch deleteIntent(Key key) {
        changes.add(s -> s.intents.remove(key));
        return this;
      }

      @Override
      public RangeBatch putLocal(long rangeId, LocalKind kind, byte[] suffix, byte[] value) {
        if (kind == LocalKind.APPLIED_SLOT) {
          throw new IllegalArgumentException("the applied slot is written by setAppliedSlot");
        }
        LocalKey key = new LocalKey(rangeId, kind.tag(), suffix.clone());
        byte[] copy = value.clone();
        changes.add(s -> s.locals.put(key, copy));
        return this;
      }

      @Override
      public RangeBatch deleteLocal(long rangeId, LocalKind kind, byte[] suffix) {
        LocalKey key = new LocalKey(rangeId, kind.tag(), suffix.clone());
        changes.add(s -> s.locals.remove(key));
        return this;
      }

      @Override
      public RangeBatch setAppliedSlot(long rangeId, long slot) {
        LocalKey key = new LocalKey(rangeId, LocalKind.APPLIED_SLOT.tag(), new byte[0]);
        byte[] value = StagingChecks.slotValue(slot);
        changes.add(s -> s.locals.put(key, value));
        return this;
      }

      @Override
      public void commit() {
        if (committed) {
          throw new IllegalStateException("batch committed twice");
        }
        committed = true;
        write(s -> changes.forEach(change -> change.accept(s)));
      }
    };
  }

  @Override
  public RangeReads reads() {
    return new LatestReads();
  }

  @Override
  public synchronized RangeSnapshot snapshot() {
    checkOpen();
    current.shared = true;
    State frozen = current;
    return new SnapshotReads(frozen);
  }

  @Override
  public RangeStaging beginInstall(long rangeId, KeySpan span) {
    return new RangeStaging() {
      private final List<RangeEntry> staged = new ArrayList<>();
      private long bytes;
      private boolean done;

      @Override
      public void add(byte[] chunk) {
        requireOpen();
        List<RangeEntry> entries = StagingChecks.check(chunk, span, staged.isEmpty() ? null : staged.getLast());
        staged.addAll(entries);
        bytes += chunk.length;
      }

      @Override
      public long stagedBytes() {
        return bytes;
      }

      @Override
      public void commit() {
        requireOpen();
        boolean hasSlot = staged.stream().anyMatch(e -> e instanceof RangeEntry.Local l && l.kind() == LocalKind.APPLIED_SLOT);
        if (!hasSlot) {
          throw new IllegalStateException("snapshot of range " + rangeId + " has no applied slot: not installed");
        }
        done = true;
        write(s -> {
          s.removeRange(rangeId, span);
          staged.forEach(entry -> s.put(entry, rangeId));
        });
      }

      @Override
      public void abort() {
        done = true;
        staged.clear();
      }

      @Override
      public void close() {
        if (!done) {
          abort();
        }
      }

      private void requireOpen() {
        if (done) {
          throw new IllegalStateException("install of range " + rangeId + " already ended");
        }
      }
    };
  }

  @Override
  public void destroy(long rangeId, KeySpan span) {
    write(s -> s.removeRange(rangeId, span));
  }

  @Override
  public synchronized List<Long> hostedRanges() {
    checkOpen();
    TreeSet<Long> out = new TreeSet<>();
    current.locals.keySet().forEach(k -> {
      if (k.tag() == LocalKind.APPLIED_SLOT.tag()) {
        out.add(k.rangeId());
      }
    });
    return List.copyOf(out);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("range store is closed");
    }
  }

  private static <V> NavigableMap<Key, V> spanOf(TreeMap<Key, V> map, KeySpan span) {
    if (span.isEmpty()) {
      return new TreeMap<>();
    }
    return span.end() == null ? map.tailMap(span.start(), true) : map.subMap(span.start(), true, span.end(), false);
  }

  /** Reads of the latest state: each under the store's lock. */
  private final class LatestReads implements RangeReads {
    private <T> T locked(java.util.function.Function<StateReads, T> read) {
      synchronized (InMemoryRangeStore.this) {
        checkOpen();
        return read.apply(new StateReads(current));
      }
    }

    @Override
    public Optional<Version> get(Key key, Timestamp readTs) {
      return locked(r -> r.get(key, readTs));
    }

    @Override
    public List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
      return locked(r -> r.scan(span, readTs, direction, limit));
    }

    @Override
    public Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
      return locked(r -> r.newestAfter(span, ts));
    }

    @Override
    public List<Intent> intents(KeySpan span) {
      return locked(r -> r.intents(span));
    }

    @Override
    public OptionalLong appliedSlot(long rangeId) {
      return locked(r -> r.appliedSlot(rangeId));
    }

    @Override
    public Optional<byte[]> local(long rangeId, LocalKind kind, byte[] suffix) {
      return locked(r -> r.local(rangeId, kind, suffix));
    }

    @Override
    public List<RangeEntry.Local> locals(long rangeId, LocalKind kind) {
      return locked(r -> r.locals(rangeId, kind));
    }

    @Override
    public List<RangeEntry> entriesAfter(long rangeId, KeySpan span, RangeEntry after, int maxCount) {
      return locked(r -> r.entriesAfter(rangeId, span, after, maxCount));
    }
  }

  private final class SnapshotReads extends StateReads implements RangeSnapshot {
    SnapshotReads(State state) {
      super(state);
    }

    @Override
    public void close() {}
  }

  /** Reads of one state; callers make sure it does not change meanwhile. */
  private static class StateReads implements RangeReads {
    private final State state;

    StateReads(State state) {
      this.state = state;
    }

    @Override
    public Optional<Version> get(Key key, Timestamp readTs) {
      TreeMap<Timestamp, byte[]> byTs = state.versions.get(key);
      if (byTs == null) {
        return Optional.empty();
      }
      Map.Entry<Timestamp, byte[]> visible = byTs.ceilingEntry(readTs); // descending: newest <= readTs
      return visible == null ? Optional.empty() : Optional.of(version(key, visible));
    }

    @Override
    public List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
      List<Version> out = new ArrayList<>();
      NavigableMap<Key, TreeMap<Timestamp, byte[]>> keys = spanOf(state.versions, span);
      for (Key key : direction == Direction.FORWARD ? keys.navigableKeySet() : keys.descendingKeySet()) {
        if (out.size() >= limit) {
          break;
        }
        Map.Entry<Timestamp, byte[]> visible = keys.get(key).ceilingEntry(readTs);
        if (visible != null && visible.getValue() != TOMBSTONE) {
          out.add(version(key, visible));
        }
      }
      return out;
    }

    @Override
    public Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
      for (Map.Entry<Key, TreeMap<Timestamp, byte[]>> key : spanOf(state.versions, span).entrySet()) {
        Map.Entry<Timestamp, byte[]> newest = key.getValue().firstEntry();
        if (newest.getKey().isAfter(ts)) {
          return Optional.of(version(key.getKey(), newest));
        }
      }
      return Optional.empty();
    }

    @Override
    public List<Intent> intents(KeySpan span) {
      return spanOf(state.intents, span).values().stream().map(StateReads::copy).toList();
    }

    @Override
    public OptionalLong appliedSlot(long rangeId) {
      byte[] value = state.locals.get(new LocalKey(rangeId, LocalKind.APPLIED_SLOT.tag(), new byte[0]));
      return value == null ? OptionalLong.empty() : OptionalLong.of(StagingChecks.slotOf(value));
    }

    @Override
    public Optional<byte[]> local(long rangeId, LocalKind kind, byte[] suffix) {
      return Optional.ofNullable(state.locals.get(new LocalKey(rangeId, kind.tag(), suffix))).map(byte[]::clone);
    }

    @Override
    public List<RangeEntry.Local> locals(long rangeId, LocalKind kind) {
      return state.locals
          .subMap(new LocalKey(rangeId, kind.tag(), new byte[0]), new LocalKey(rangeId, kind.tag() + 1, new byte[0]))
          .entrySet().stream()
          .map(e -> new RangeEntry.Local(kind, e.getKey().suffix().clone(), e.getValue().clone()))
          .toList();
    }

    @Override
    public List<RangeEntry> entriesAfter(long rangeId, KeySpan span, RangeEntry after, int maxCount) {
      List<RangeEntry> out = new ArrayList<>();
      int section = after == null ? RangeEntry.SECTION_LOCAL : after.section();
      if (section == RangeEntry.SECTION_LOCAL) {
        LocalKey from = after instanceof RangeEntry.Local l
            ? new LocalKey(rangeId, l.kind().tag(), l.suffix())
            : new LocalKey(rangeId, 0, new byte[0]);
        for (Map.Entry<LocalKey, byte[]> e : state.locals
            .subMap(from, after == null, new LocalKey(rangeId + 1, 0, new byte[0]), false).entrySet()) {
          if (out.size() >= maxCount) {
            return out;
          }
          out.add(new RangeEntry.Local(LocalKind.ofTag(e.getKey().tag()), e.getKey().suffix().clone(), e.getValue().clone()));
        }
      }
      if (section <= RangeEntry.SECTION_VERSION) {
        NavigableMap<Key, TreeMap<Timestamp, byte[]>> keys = spanOf(state.versions, span);
        RangeEntry.VersionEntry afterVersion = after instanceof RangeEntry.VersionEntry v ? v : null;
        if (afterVersion != null) {
          keys = keys.tailMap(afterVersion.key(), true);
        }
        for (Map.Entry<Key, TreeMap<Timestamp, byte[]>> key : keys.entrySet()) {
          NavigableMap<Timestamp, byte[]> byTs = key.getValue();
          if (afterVersion != null && key.getKey().equals(afterVersion.key())) {
            byTs = byTs.tailMap(afterVersion.commitTs(), false);
          }
          for (Map.Entry<Timestamp, byte[]> v : byTs.entrySet()) {
            if (out.size() >= maxCount) {
              return out;
            }
            out.add(RangeEntry.VersionEntry.of(version(key.getKey(), v)));
          }
        }
      }
      NavigableMap<Key, Intent> intents = spanOf(state.intents, span);
      if (after instanceof RangeEntry.IntentEntry i) {
        intents = intents.tailMap(i.intent().key(), false);
      }
      for (Intent intent : intents.values()) {
        if (out.size() >= maxCount) {
          return out;
        }
        out.add(new RangeEntry.IntentEntry(copy(intent)));
      }
      return out;
    }

    private static Version version(Key key, Map.Entry<Timestamp, byte[]> entry) {
      byte[] value = entry.getValue();
      return new Version(key, entry.getKey(), value == TOMBSTONE ? null : value.clone());
    }

    private static Intent copy(Intent intent) {
      return new Intent(intent.key(), intent.txnId(), intent.prepareTs(),
          intent.value() == null ? null : intent.value().clone());
    }
  }
}
