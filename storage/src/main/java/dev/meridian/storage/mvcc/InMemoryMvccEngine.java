package dev.meridian.storage.mvcc;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@link MvccEngine} in memory: the simulator's engine and the reference the RocksDB engine is tested
 * against. Everything is "durable" as soon as it is written; crash semantics belong to whoever wraps
 * it (the simulator's disk). One lock guards all state: simple, and the simulator is single-threaded.
 */
public final class InMemoryMvccEngine implements MvccEngine {

  /** Stands for a tombstone in the version maps; compared by identity, never handed out. */
  private static final byte[] TOMBSTONE = new byte[0];

  /** key → (commit timestamp → value or TOMBSTONE). */
  private final TreeMap<Key, TreeMap<Timestamp, byte[]>> versions = new TreeMap<>();

  private final TreeMap<Key, Intent> intents = new TreeMap<>();
  private Timestamp gcHorizon = Timestamp.ZERO;
  private boolean closed;

  @Override
  public synchronized Optional<Version> get(Key key, Timestamp readTs) {
    checkReadable(readTs);
    TreeMap<Timestamp, byte[]> keyVersions = versions.get(key);
    if (keyVersions == null) {
      return Optional.empty();
    }
    Map.Entry<Timestamp, byte[]> entry = keyVersions.floorEntry(readTs);
    return entry == null ? Optional.empty() : Optional.of(toVersion(key, entry));
  }

  @Override
  public synchronized List<Version> scan(
      KeySpan span, Timestamp readTs, Direction direction, int limit) {
    checkReadable(readTs);
    List<Version> out = new ArrayList<>();
    if (limit <= 0 || span.isEmpty()) {
      return out;
    }
    NavigableMap<Key, TreeMap<Timestamp, byte[]>> inSpan = subMap(versions, span);
    Iterable<Map.Entry<Key, TreeMap<Timestamp, byte[]>>> ordered =
        direction == Direction.FORWARD ? inSpan.entrySet() : inSpan.descendingMap().entrySet();
    for (Map.Entry<Key, TreeMap<Timestamp, byte[]>> keyEntry : ordered) {
      Map.Entry<Timestamp, byte[]> visible = keyEntry.getValue().floorEntry(readTs);
      if (visible != null && visible.getValue() != TOMBSTONE) {
        out.add(toVersion(keyEntry.getKey(), visible));
        if (out.size() == limit) {
          break;
        }
      }
    }
    return out;
  }

  @Override
  public synchronized Optional<Version> newestAfter(KeySpan span, Timestamp ts) {
    checkOpen();
    for (Map.Entry<Key, TreeMap<Timestamp, byte[]>> keyEntry : subMap(versions, span).entrySet()) {
      Map.Entry<Timestamp, byte[]> newest = keyEntry.getValue().lastEntry();
      if (newest.getKey().isAfter(ts)) {
        return Optional.of(toVersion(keyEntry.getKey(), newest));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs) {
    checkOpen();
    for (Write write : writes) {
      putVersion(write.key(), commitTs, write.value());
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Void> putIntents(
      TxnId txnId, Timestamp prepareTs, Collection<Write> writes) {
    checkOpen();
    for (Write write : writes) {
      intents.put(write.key(), new Intent(write.key(), txnId, prepareTs, write.value()));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized List<Intent> intents(KeySpan span) {
    checkOpen();
    return new ArrayList<>(subMap(intents, span).values());
  }

  @Override
  public synchronized CompletableFuture<Void> resolveIntents(
      TxnId txnId, Collection<Key> keys, Optional<Timestamp> commitTs) {
    checkOpen();
    for (Key key : keys) {
      Intent intent = intents.get(key);
      if (intent == null || !intent.txnId().equals(txnId)) {
        continue;
      }
      intents.remove(key);
      commitTs.ifPresent(ts -> putVersion(key, ts, intent.value()));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized Timestamp gcHorizon() {
    return gcHorizon;
  }

  @Override
  public synchronized GcResult collectGarbage(Timestamp horizon) {
    checkOpen();
    gcHorizon = Timestamp.max(gcHorizon, horizon);
    long removed = 0;
    long visited = 0;
    Iterator<Map.Entry<Key, TreeMap<Timestamp, byte[]>>> keys = versions.entrySet().iterator();
    while (keys.hasNext()) {
      TreeMap<Timestamp, byte[]> keyVersions = keys.next().getValue();
      visited++;
      Map.Entry<Timestamp, byte[]> visibleAtHorizon = keyVersions.floorEntry(gcHorizon);
      if (visibleAtHorizon == null) {
        continue;
      }
      NavigableMap<Timestamp, byte[]> older = keyVersions.headMap(visibleAtHorizon.getKey(), false);
      removed += older.size();
      older.clear();
      if (visibleAtHorizon.getValue() == TOMBSTONE) {
        keyVersions.remove(visibleAtHorizon.getKey());
        removed++;
      }
      if (keyVersions.isEmpty()) {
        keys.remove();
      }
    }
    return new GcResult(gcHorizon, removed, visited);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private void putVersion(Key key, Timestamp commitTs, byte[] value) {
    versions
        .computeIfAbsent(key, k -> new TreeMap<>())
        .put(commitTs, value == null ? TOMBSTONE : value.clone());
  }

  private static Version toVersion(Key key, Map.Entry<Timestamp, byte[]> entry) {
    byte[] value = entry.getValue();
    return new Version(key, entry.getKey(), value == TOMBSTONE ? null : value.clone());
  }

  private static <V> NavigableMap<Key, V> subMap(TreeMap<Key, V> map, KeySpan span) {
    if (span.isEmpty()) {
      return new TreeMap<>();
    }
    return span.end() == null
        ? map.tailMap(span.start(), true)
        : map.subMap(span.start(), true, span.end(), false);
  }

  private void checkReadable(Timestamp readTs) {
    checkOpen();
    if (readTs.isBefore(gcHorizon)) {
      throw new ReadBelowGcHorizonException(readTs, gcHorizon);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
  }
}
