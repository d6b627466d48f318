package dev.meridian.txn.directory;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A node's cache of range descriptors (DESIGN §7, §11): which range holds a key, and which replica
 * last held its lease. I/O-free; fed by {@link MetaLookups} and corrected by {@link RoutingError}s.
 *
 * <p><b>Thread safety.</b> Thread-safe: every method holds the cache's monitor. One cache serves a
 * whole gateway node (every event loop and every SQL executor thread routes through it), and each
 * call is a few tree operations, so one lock is simpler and cheaper than per-loop copies that would
 * each miss separately.
 *
 * <p><b>Invariants.</b> (1) Cached spans are disjoint. (2) An entry is replaced only by a descriptor
 * of strictly higher generation; a descriptor that overlaps any entry of higher or equal generation
 * is refused (it is an old answer arriving late). This is sound because generations grow along the
 * history of every key ({@link SplitPlanner}, "Generations"): of two overlapping descriptors the
 * newer has the higher generation, whatever their ids, so inserting the right half of a split evicts
 * the cached unsplit range and inserting the unsplit range after its halves is refused. (3) The meta
 * range's descriptor is always present: it is how lookups reach the directory at all, so it is
 * pinned (never evicted, never invalidated; a routing error for it only drops its leaseholder hint)
 * and not counted against {@link DirectoryLimits#maxCachedRanges}. (4) At most {@code
 * maxCachedRanges} other entries; past it the least recently used one is evicted.
 *
 * <p>A leaseholder hint is kept per range, only while it names one of the range's replicas.
 */
public final class RangeCache {

  /** A cached descriptor and the node believed to hold its lease (null: unknown). */
  public record CachedRange(RangeDescriptor descriptor, NodeId leaseholder) {
    public CachedRange {
      Objects.requireNonNull(descriptor, "descriptor");
    }
  }

  /** Part of a span that one cached range holds. */
  public record Piece(CachedRange range, KeySpan span) {}

  /**
   * How the cache covers a span: {@code pieces} in key order, contiguous from the span's start; then
   * {@code gap}, the first part the cache knows nothing of (null when the pieces cover the span).
   */
  public record Cover(List<Piece> pieces, KeySpan gap) {
    public Cover {
      pieces = List.copyOf(pieces);
    }
  }

  /** What {@link #insert} did. */
  public enum InsertOutcome {
    ADDED,
    /** Replaced (or evicted) one or more overlapping older entries. */
    REPLACED,
    /** The same descriptor was cached already. */
    UNCHANGED,
    /** Refused: an overlapping entry is as new or newer. */
    STALE
  }

  /**
   * Counters since start, for metrics ({@code meridian_range_cache_*}). {@code hits} and {@code
   * misses} count key lookups and span pieces and gaps; {@code evictions} entries dropped for the
   * size bound; {@code replaced} entries superseded by newer descriptors; {@code staleRefused}
   * inserts refused as older; {@code invalidations} entries dropped because of a routing error.
   */
  public record Stats(
      long hits, long misses, long evictions, long replaced, long staleRefused, long invalidations, int size) {}

  private static final class Entry {
    final RangeDescriptor descriptor;
    NodeId leaseholder;

    Entry(RangeDescriptor descriptor, NodeId leaseholder) {
      this.descriptor = descriptor;
      this.leaseholder = leaseholder;
    }

    CachedRange view() {
      return new CachedRange(descriptor, leaseholder);
    }
  }

  private final int maxEntries;
  private final TreeMap<Key, Entry> byStart = new TreeMap<>();
  /** Every entry but the meta range's, least recently used first. */
  private final LinkedHashMap<RangeId, Entry> byId = new LinkedHashMap<>(16, 0.75f, true);
  private Entry meta;
  private long hits;
  private long misses;
  private long evictions;
  private long replaced;
  private long staleRefused;
  private long invalidations;

  /** A cache that knows the meta range (from the node's configuration or cluster bootstrap). */
  public RangeCache(RangeDescriptor metaRange, DirectoryLimits limits) {
    if (!metaRange.id().equals(RangeId.META)) {
      throw new IllegalArgumentException("the meta range is " + RangeId.META + ", got " + metaRange);
    }
    this.maxEntries = limits.maxCachedRanges();
    this.meta = new Entry(metaRange, null);
    byStart.put(metaRange.span().start(), meta);
  }

  /** The meta range's descriptor and leaseholder hint; always known. */
  public synchronized CachedRange meta() {
    return meta.view();
  }

  /** The cached range holding {@code key}, if any. */
  public synchronized Optional<CachedRange> lookup(Key key) {
    Map.Entry<Key, Entry> floor = byStart.floorEntry(key);
    if (floor != null && floor.getValue().descriptor.contains(key)) {
      hits++;
      return Optional.of(touch(floor.getValue()).view());
    }
    misses++;
    return Optional.empty();
  }

  /** The cached descriptor of range {@code id}, whatever span it holds (the meta range included). */
  public synchronized Optional<CachedRange> lookup(RangeId id) {
    Entry entry = entry(id);
    if (entry == null) {
      misses++;
      return Optional.empty();
    }
    hits++;
    return Optional.of(touch(entry).view());
  }

  /**
   * The cached range holding the keys just below {@code end} (null: the end of the key space), as
   * a reverse scan ending at {@code end} needs; see {@link MetaLayout#answersLookupBefore}.
   */
  public synchronized Optional<CachedRange> lookupBefore(Key end) {
    Map.Entry<Key, Entry> below = end == null ? byStart.lastEntry() : byStart.lowerEntry(end);
    if (below != null && MetaLayout.answersLookupBefore(below.getValue().descriptor, end)) {
      hits++;
      return Optional.of(touch(below.getValue()).view());
    }
    misses++;
    return Optional.empty();
  }

  /**
   * As {@link #lookup} or {@link #lookupBefore} without counting a hit or miss or touching the LRU
   * order: for {@link MetaLookups} to read back what it just inserted.
   */
  synchronized Optional<CachedRange> peek(Key key, boolean before) {
    Map.Entry<Key, Entry> candidate;
    if (before) {
      candidate = key == null ? byStart.lastEntry() : byStart.lowerEntry(key);
      return candidate != null && MetaLayout.answersLookupBefore(candidate.getValue().descriptor, key)
          ? Optional.of(candidate.getValue().view()) : Optional.empty();
    }
    candidate = byStart.floorEntry(key);
    return candidate != null && candidate.getValue().descriptor.contains(key)
        ? Optional.of(candidate.getValue().view()) : Optional.empty();
  }

  /** The cached ranges covering {@code span} from its start, up to the first gap. */
  public synchronized Cover cover(KeySpan span) {
    List<Piece> pieces = new ArrayList<>();
    if (span.isEmpty()) {
      return new Cover(pieces, null);
    }
    Key at = span.start();
    while (true) {
      Map.Entry<Key, Entry> floor = byStart.floorEntry(at);
      if (floor == null || !floor.getValue().descriptor.contains(at)) {
        misses++;
        Map.Entry<Key, Entry> next = byStart.higherEntry(at);
        Key gapEnd = minEnd(span.end(), next == null ? null : next.getKey());
        return new Cover(pieces, new KeySpan(at, gapEnd));
      }
      hits++;
      Entry entry = touch(floor.getValue());
      Key rangeEnd = entry.descriptor.span().end();
      Key pieceEnd = minEnd(span.end(), rangeEnd);
      pieces.add(new Piece(entry.view(), new KeySpan(at, pieceEnd)));
      if (pieceEnd == null || (span.end() != null && pieceEnd.compareTo(span.end()) >= 0)) {
        return new Cover(pieces, null);
      }
      at = pieceEnd;
    }
  }

  /** Caches {@code descriptor} under the rules of the class comment. */
  public synchronized InsertOutcome insert(RangeDescriptor descriptor) {
    List<Entry> overlapping = overlapping(descriptor.span());
    boolean isMeta = descriptor.id().equals(RangeId.META);
    for (Entry entry : overlapping) {
      if (entry.descriptor.equals(descriptor)) {
        touch(entry);
        return InsertOutcome.UNCHANGED;
      }
      // The meta range never splits or merges, so nothing else may ever overlap its span.
      boolean crossesMeta = isMeta != (entry == meta);
      if (crossesMeta || entry.descriptor.generation() >= descriptor.generation()) {
        staleRefused++;
        return InsertOutcome.STALE;
      }
    }
    NodeId hint = null;
    for (Entry entry : overlapping) {
      if (entry.descriptor.id().equals(descriptor.id()) && isReplica(descriptor, entry.leaseholder)) {
        hint = entry.leaseholder;
      }
      remove(entry);
      replaced++;
    }
    Entry added = new Entry(descriptor, hint);
    byStart.put(descriptor.span().start(), added);
    if (isMeta) {
      meta = added;
    } else {
      byId.put(descriptor.id(), added);
      evictBeyondBound();
    }
    return overlapping.isEmpty() ? InsertOutcome.ADDED : InsertOutcome.REPLACED;
  }

  /** A request to {@code range} at {@code generation} succeeded at {@code leaseholder}. */
  public synchronized void recordLeaseholder(RangeId range, long generation, NodeId leaseholder) {
    Entry entry = entry(range);
    if (entry != null && entry.descriptor.generation() == generation
        && isReplica(entry.descriptor, leaseholder)) {
      entry.leaseholder = leaseholder;
    }
  }

  /**
   * Applies what a routing error says. Never undoes a refresh: an entry is dropped only if it is no
   * newer than the generation the error is about.
   */
  public synchronized void apply(RoutingError error) {
    Entry entry = entry(error.range());
    switch (error) {
      case RoutingError.NotLeaseholder notLeaseholder -> {
        if (entry == null) {
          return;
        }
        long cached = entry.descriptor.generation();
        if (cached < notLeaseholder.replicaGeneration()) {
          invalidate(entry);
        } else if (notLeaseholder.hint() != null && isReplica(entry.descriptor, notLeaseholder.hint())) {
          entry.leaseholder = notLeaseholder.hint();
        } else if (notLeaseholder.hint() != null && cached == notLeaseholder.replicaGeneration()) {
          // A replica of this very generation names a leaseholder we do not list: our replica set is wrong.
          invalidate(entry);
        } else {
          entry.leaseholder = null;
        }
      }
      case RoutingError.RangeNotFound notFound -> {
        if (entry != null && entry.descriptor.generation() <= notFound.requestGeneration()) {
          invalidate(entry);
        }
      }
      case RoutingError.StaleGeneration stale -> {
        if (entry != null && entry.descriptor.generation() <= stale.requestGeneration()) {
          invalidate(entry);
        }
        for (RangeDescriptor current : stale.current()) {
          insert(current);
        }
      }
    }
  }

  /** Every cached descriptor, in key order (for SHOW RANGES of what this node knows, and tests). */
  public synchronized List<CachedRange> snapshot() {
    List<CachedRange> all = new ArrayList<>(byStart.size());
    for (Entry entry : byStart.values()) {
      all.add(entry.view());
    }
    return all;
  }

  public synchronized Stats stats() {
    return new Stats(hits, misses, evictions, replaced, staleRefused, invalidations, byId.size());
  }

  private Entry entry(RangeId range) {
    return range.equals(RangeId.META) ? meta : byId.get(range);
  }

  private void invalidate(Entry entry) {
    if (entry == meta) {
      entry.leaseholder = null;
      return;
    }
    remove(entry);
    invalidations++;
  }

  private void remove(Entry entry) {
    byStart.remove(entry.descriptor.span().start());
    if (entry != meta) {
      byId.remove(entry.descriptor.id());
    }
  }

  private Entry touch(Entry entry) {
    if (entry != meta) {
      byId.get(entry.descriptor.id());
    }
    return entry;
  }

  private void evictBeyondBound() {
    Iterator<Entry> oldest = byId.values().iterator();
    while (byId.size() > maxEntries) {
      Entry victim = oldest.next();
      oldest.remove();
      byStart.remove(victim.descriptor.span().start());
      evictions++;
    }
  }

  private List<Entry> overlapping(KeySpan span) {
    List<Entry> found = new ArrayList<>();
    Map.Entry<Key, Entry> floor = byStart.floorEntry(span.start());
    Key from = floor == null ? span.start() : floor.getKey();
    for (Entry entry : byStart.tailMap(from, true).values()) {
      if (span.end() != null && entry.descriptor.span().start().compareTo(span.end()) >= 0) {
        break;
      }
      if (entry.descriptor.span().overlaps(span)) {
        found.add(entry);
      }
    }
    return found;
  }

  private static boolean isReplica(RangeDescriptor descriptor, NodeId node) {
    if (node == null) {
      return false;
    }
    for (ReplicaDescriptor replica : descriptor.replicas()) {
      if (replica.node().equals(node)) {
        return true;
      }
    }
    return false;
  }

  /** The smaller of two span ends, null meaning the end of the key space. */
  static Key minEnd(Key a, Key b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }
}
