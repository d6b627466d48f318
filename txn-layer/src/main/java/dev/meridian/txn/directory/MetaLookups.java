package dev.meridian.txn.directory;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.txn.directory.RangeCache.CachedRange;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lookup protocol's I/O-free core: answers from the {@link RangeCache} when it can; on a miss
 * emits one meta-range scan ({@link MetaScan}) that reads the wanted descriptor and the next {@link
 * DirectoryLimits#lookupPrefetch} after it, and applies the answer to the cache. The driver sends the
 * scan (over the runtime's request/response, with its deadline), and hands back the entries or the
 * failure by request id.
 *
 * <p>Glossary: a <em>lookup</em> asks for the range of a key (forward) or of the keys just below an
 * end key (reverse scans, {@code before}); see {@link MetaLayout} for the exact comparisons. A
 * <em>join</em> is a lookup that finds the same lookup in flight and waits for its answer instead of
 * sending another (at most one request per distinct lookup).
 *
 * <p>Invariants: every request id in flight maps to exactly one distinct lookup and back; there are
 * at most {@link DirectoryLimits#maxInFlightLookups} of them. An answer is applied only if its
 * entries decode, are in strictly increasing key order inside {@link MetaLayout#ENTRIES}, and the
 * first answers the lookup; otherwise nothing of it is cached (a partial or corrupt answer must not
 * route anyone) and the lookup fails, to be retried by its waiters. The scan must be a consistent
 * read at one timestamp, so that the two entries a split writes in one transaction are seen together.
 *
 * <p>A reverse lookup prefetches the descriptors <em>after</em> the one it wants, as a forward one
 * does, since the meta range is read forward; a reverse scan would rather have the ones before it.
 * TODO(perf): a reverse meta scan for the prefetch of reverse lookups.
 *
 * <p>Not thread-safe: confined to the loop that drives it (the cache it feeds is shared).
 */
public final class MetaLookups {

  /**
   * Read up to {@code maxEntries} meta entries of {@code range} (always the meta range) from {@code
   * start} (inclusive) to {@code end} (exclusive), in key order, at {@code target} (the leaseholder
   * hint, or the first voter when there is none).
   */
  public record MetaScan(
      long requestId, RangeId range, long generation, NodeId target, Key start, Key end, int maxEntries) {}

  /** One entry of a meta scan's answer. */
  public record MetaEntry(Key key, byte[] value) {}

  /** What {@link #lookup} and {@link #lookupBefore} say. */
  public sealed interface Outcome {
    /** The cache knew. */
    record Found(CachedRange range) implements Outcome {}

    /**
     * Wait for request {@code requestId}; send {@code send} first unless it is null (the lookup
     * joined a request already in flight).
     */
    record Pending(long requestId, MetaScan send) implements Outcome {}
  }

  /** What an answer did for the lookup that sent it. */
  public sealed interface Answer {
    /** The lookup's range (as the cache now has it: possibly newer than the answer). */
    record Found(CachedRange range) implements Answer {}

    /** Nothing was applied; look up again. */
    record Failed(String reason) implements Answer {}
  }

  /** Counters since start, for metrics ({@code meridian_meta_lookups_*}). */
  public record Stats(long sent, long joined, long refused, long failed, long corrupt, int inFlight) {}

  private record Lookup(Key key, boolean before) {}

  private final RangeCache cache;
  private final DirectoryLimits limits;
  private final Map<Lookup, Long> inFlight = new HashMap<>();
  private final Map<Long, Lookup> byRequest = new HashMap<>();
  private long nextRequestId = 1;
  private long sent;
  private long joined;
  private long refused;
  private long failed;
  private long corrupt;

  public MetaLookups(RangeCache cache, DirectoryLimits limits) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The range holding {@code key}. */
  public Outcome lookup(Key key) {
    return cache.lookup(key).<Outcome>map(Outcome.Found::new).orElseGet(() -> miss(new Lookup(key, false)));
  }

  /** The range holding the keys just below {@code end} (null: the end of the key space). */
  public Outcome lookupBefore(Key end) {
    if (end != null && end.length() == 0) {
      throw new IllegalArgumentException("no key lies below the empty key");
    }
    return cache.lookupBefore(end).<Outcome>map(Outcome.Found::new).orElseGet(() -> miss(new Lookup(end, true)));
  }

  private Outcome miss(Lookup lookup) {
    Long pending = inFlight.get(lookup);
    if (pending != null) {
      joined++;
      return new Outcome.Pending(pending, null);
    }
    if (inFlight.size() >= limits.maxInFlightLookups()) {
      refused++;
      throw new DirectoryBusyException(
          inFlight.size() + " meta lookups are in flight, the limit is " + limits.maxInFlightLookups()
              + "; retry when they finish");
    }
    long id = nextRequestId++;
    inFlight.put(lookup, id);
    byRequest.put(id, lookup);
    sent++;
    CachedRange meta = cache.meta();
    Key start = lookup.before()
        ? MetaLayout.lookupBeforeScanStart(lookup.key())
        : MetaLayout.lookupScanStart(lookup.key());
    return new Outcome.Pending(id, new MetaScan(id, RangeId.META, meta.descriptor().generation(),
        target(meta), start, MetaLayout.ENTRIES.end(), 1 + limits.lookupPrefetch()));
  }

  private static NodeId target(CachedRange meta) {
    if (meta.leaseholder() != null) {
      return meta.leaseholder();
    }
    for (ReplicaDescriptor replica : meta.descriptor().replicas()) {
      if (replica.role() == ReplicaRole.VOTER) {
        return replica.node();
      }
    }
    throw new IllegalStateException("the meta range " + meta.descriptor() + " has no voter");
  }

  /**
   * Applies the answer to request {@code requestId}. An id not in flight (a duplicate, or an answer
   * after {@link #onScanFailed}) fails without touching the cache.
   */
  public Answer onScanResult(long requestId, List<MetaEntry> entries) {
    Lookup lookup = byRequest.remove(requestId);
    if (lookup == null) {
      return new Answer.Failed("request " + requestId + " is not in flight");
    }
    inFlight.remove(lookup);
    List<RangeDescriptor> descriptors = new ArrayList<>(entries.size());
    Key previous = null;
    try {
      for (MetaEntry entry : entries) {
        if (!MetaLayout.ENTRIES.contains(entry.key())) {
          throw new CorruptDescriptorException(entry.key() + " is outside the meta entries");
        }
        if (previous != null && previous.compareTo(entry.key()) >= 0) {
          throw new CorruptDescriptorException("meta entries out of order at " + entry.key());
        }
        previous = entry.key();
        descriptors.add(MetaLayout.decodeEntry(entry.key(), entry.value(), limits));
      }
    } catch (CorruptDescriptorException e) {
      corrupt++;
      return new Answer.Failed("corrupt meta answer: " + e.getMessage());
    }
    if (entries.size() > 1 + limits.lookupPrefetch()) {
      corrupt++;
      return new Answer.Failed("meta answer of " + entries.size() + " entries, asked for at most "
          + (1 + limits.lookupPrefetch()));
    }
    if (descriptors.isEmpty() || !answers(descriptors.getFirst(), lookup)) {
      failed++;
      return new Answer.Failed("meta answer does not hold " + describe(lookup)
          + (descriptors.isEmpty() ? ": no entries" : ": first is " + descriptors.getFirst()));
    }
    // The wanted descriptor last, so it is the most recently used: in a cache smaller than the
    // prefetch the prefetched ones must not evict the one the lookup is for.
    for (RangeDescriptor descriptor : descriptors.reversed()) {
      cache.insert(descriptor);
    }
    return new Answer.Found(cache.peek(lookup.key(), lookup.before())
        .orElseGet(() -> new CachedRange(descriptors.getFirst(), null)));
  }

  /** Request {@code requestId} failed or timed out: forget it, so its lookup can be sent again. */
  public void onScanFailed(long requestId) {
    Lookup lookup = byRequest.remove(requestId);
    if (lookup != null) {
      inFlight.remove(lookup);
      failed++;
    }
  }

  public Stats stats() {
    return new Stats(sent, joined, refused, failed, corrupt, inFlight.size());
  }

  private static boolean answers(RangeDescriptor descriptor, Lookup lookup) {
    return lookup.before()
        ? MetaLayout.answersLookupBefore(descriptor, lookup.key())
        : MetaLayout.answersLookup(descriptor, lookup.key());
  }

  private static String describe(Lookup lookup) {
    return lookup.before()
        ? "the keys below " + (lookup.key() == null ? "the end of the key space" : lookup.key())
        : lookup.key().toString();
  }
}
