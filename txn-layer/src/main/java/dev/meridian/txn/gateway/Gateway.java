package dev.meridian.txn.gateway;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnTooOldException;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.coordinator.RangeLookup;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.coordinator.message.Refresh;
import dev.meridian.txn.directory.CorruptDescriptorException;
import dev.meridian.txn.directory.DirectoryBusyException;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.directory.MetaLookups;
import dev.meridian.txn.directory.MultiRangeScan;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.directory.RangeCache.CachedRange;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A gateway node's routing (DESIGN §7, §11): finds the range of a key in the node's {@link
 * RangeCache} (or through a meta lookup, {@link MetaLookups}, over the {@link RangeChannel}),
 * sends reads and coordinator requests to the range's leaseholder, and keeps the cache honest with
 * what the answers say. The transactions of the gateway ({@link GatewayTxnClient}) and their commit
 * drivers ({@link CommitDriver}) do all their I/O through it.
 *
 * <p>Glossary: a <em>route</em> is a range descriptor and the node a request goes to (the cached
 * leaseholder, else the range's voters in turn); a <em>routing answer</em> is one that says the
 * route was wrong and nothing was done (misrouted, a routing refusal, not delivered); a
 * <em>try</em> is one request of a read or lookup.
 *
 * <p>Invariants: (1) every method runs on {@link #loop()}, and every channel answer is handed to it
 * before it is looked at, so the cache's leaseholder hints, the lookups and the scans are touched by
 * one thread; (2) a routing answer is applied to the cache before the request is tried again, and a
 * try never goes to a node outside its descriptor's replicas; (3) a read or lookup makes at most
 * {@link GatewayLimits#maxRouteAttempts} tries, separated by {@link GatewayLimits#backoffNanos}; (4)
 * a coordinator request is sent exactly once per call: only the coordinator resends, because only it
 * knows which requests may be repeated (a one-range commit never).
 *
 * <p>Follower reads (M7, when built with a {@link FollowerReadChannel}): a stale read goes to one
 * replica of the range chosen by {@link #followerRoute} (a voter or non-voter in this node's region
 * first, rotating among them; a learner never), which serves it iff its safe time covers the read
 * timestamp. Any other answer ("not yet", no answer, a routing answer) sends the read to the
 * leaseholder as a strong-path read at the same timestamp, which is always correct: the leaseholder
 * serves any timestamp up to {@code now.latest}. A read below the GC horizon fails with {@link
 * TxnTooOldException}. A strong read goes to a replica in this node's region when the range's
 * cached leaseholder is elsewhere (the replica asks the leaseholder only for its applied point, so
 * the rows cross no WAN), else to the leaseholder ({@link ReadRoute}).
 *
 * <p>Roads not taken: following a not-leaseholder hint inside the channel (one hop less) would let
 * the channel resend a one-range commit it cannot know was refused; a gateway-wide cache of
 * leaseholders separate from the descriptors would disagree with the cache after a split.
 */
public final class Gateway {

  /** Where a read-only transaction's reads go. */
  public enum ReadRoute {
    /** Every read at the leaseholder. */
    LEASEHOLDER,
    /** A stale read: at the nearest replica, at the leaseholder if that replica's safe time is below it. */
    NEAREST_STALE,
    /**
     * A strong read: at a replica in this node's region through the leaseholder's ReadIndex when the
     * leaseholder is in another region; else, or if that replica cannot serve it, at the leaseholder.
     */
    NEAREST_STRONG
  }

  /** How a coordinator request ended, as the coordinator reads it. */
  public interface CallOutcome {
    void replied(ParticipantReply reply);

    /** No answer in time: the request may or may not have been served. */
    void timedOut();
  }

  /** Counters since start, for metrics ({@code meridian_gateway_*}). */
  public record Stats(long reads, long scans, long calls, long routingRetries, long timeouts, long metaScans,
      long followerReads, long followerFallbacks) {}

  private final RangeCache cache;
  private final MetaLookups lookups;
  private final RangeChannel channel;
  private final Scheduler loop;
  private final TrueTime trueTime;
  private final GatewayLimits limits;
  private final RangeLookup rangeLookup;
  /** Null: no follower reads (every read at the leaseholder). */
  private final FollowerReadChannel followers;
  /** This node's region, whose replicas follower reads try first; null when unknown. */
  private final String localRegion;
  /** Which replica a follower read tries next among equally near ones. */
  private long followerRotation;
  private long followerReads;
  private long followerFallbacks;
  /** Waiters of meta scans in flight, by MetaLookups request id. */
  private final Map<Long, CompletableFuture<MetaLookups.Answer>> metaWaiters = new HashMap<>();
  /** Which voter a route without a leaseholder hint tries next (each such try moves it on). */
  private long rotation;
  private long reads;
  private long scans;
  private long calls;
  private long routingRetries;
  private long timeouts;
  private long metaScans;

  public Gateway(RangeCache cache, MetaLookups lookups, RangeChannel channel, Scheduler loop,
      TrueTime trueTime, GatewayLimits limits) {
    this(cache, lookups, channel, null, null, loop, trueTime, limits);
  }

  /**
   * A gateway that sends stale reads to the nearest replica through {@code followers}; {@code
   * localRegion} is this node's region (null: no preference).
   */
  public Gateway(RangeCache cache, MetaLookups lookups, RangeChannel channel, FollowerReadChannel followers,
      String localRegion, Scheduler loop, TrueTime trueTime, GatewayLimits limits) {
    this.followers = followers;
    this.localRegion = localRegion;
    this.cache = cache;
    this.lookups = lookups;
    this.channel = channel;
    this.loop = loop;
    this.trueTime = trueTime;
    this.limits = limits;
    this.rangeLookup = new RangeLookup() {
      @Override
      public Optional<RangeDescriptor> rangeFor(Key key) {
        return cache.lookup(key).map(CachedRange::descriptor);
      }

      @Override
      public Optional<RangeDescriptor> range(RangeId id) {
        return cache.lookup(id).map(CachedRange::descriptor);
      }
    };
  }

  public Scheduler loop() {
    return loop;
  }

  public TrueTime trueTime() {
    return trueTime;
  }

  public RangeCache cache() {
    return cache;
  }

  public GatewayLimits limits() {
    return limits;
  }

  /** The cache as the coordinator reads it (cache only, never I/O). */
  public RangeLookup rangeLookup() {
    return rangeLookup;
  }

  public Stats stats() {
    return new Stats(reads, scans, calls, routingRetries, timeouts, metaScans, followerReads, followerFallbacks);
  }

  // ---------------------------------------------------------------------------------------------
  // Locating ranges.

  /** The range holding {@code key}, from the cache or the meta range. */
  public CompletableFuture<CachedRange> locate(Key key) {
    return locate(key, false, 1);
  }

  private CompletableFuture<CachedRange> locate(Key key, boolean before, int attempt) {
    onLoop();
    MetaLookups.Outcome outcome;
    try {
      outcome = before ? lookups.lookupBefore(key) : lookups.lookup(key);
    } catch (DirectoryBusyException busy) {
      return CompletableFuture.failedFuture(new TxnUnavailableException(busy.getMessage(), busy));
    }
    return switch (outcome) {
      case MetaLookups.Outcome.Found found -> CompletableFuture.completedFuture(found.range());
      case MetaLookups.Outcome.Pending pending -> {
        CompletableFuture<MetaLookups.Answer> answer =
            metaWaiters.computeIfAbsent(pending.requestId(), id -> new CompletableFuture<>());
        if (pending.send() != null) {
          sendMetaScan(pending.send());
        }
        yield answer.thenCompose(a -> switch (a) {
          case MetaLookups.Answer.Found found -> CompletableFuture.completedFuture(found.range());
          case MetaLookups.Answer.Failed failed -> {
            if (attempt >= limits.maxRouteAttempts()) {
              yield CompletableFuture.failedFuture(new TxnUnavailableException("cannot find the range of "
                  + (key == null ? "the end of the key space" : key) + " after " + attempt + " meta lookups: "
                  + failed.reason() + "; retry later", null));
            }
            routingRetries++;
            yield later(attempt, () -> locate(key, before, attempt + 1));
          }
        });
      }
    };
  }

  private void sendMetaScan(MetaLookups.MetaScan scan) {
    metaScans++;
    RangeDescriptor meta = cache.meta().descriptor();
    Timestamp readTs;
    try {
      // A strong read of the meta range: the two entries a split writes are seen together.
      readTs = Timestamp.ofMicros(trueTime.now().latestMicros());
    } catch (ClockUnavailableException e) {
      finishMetaScan(scan.requestId(), null, "the clock is not trustworthy: " + e.getMessage());
      return;
    }
    RangeChannel.Target target = new RangeChannel.Target(meta, scan.target());
    channel.scan(target, new KeySpan(scan.start(), scan.end()), readTs, Direction.FORWARD, scan.maxEntries(),
        limits.requestTimeoutNanos(), onLoop((ChannelAnswer<List<Version>> answer) -> {
          if (answer instanceof ChannelAnswer.Replied<List<Version>> replied) {
            cache.recordLeaseholder(meta.id(), meta.generation(), replied.from());
            List<MetaLookups.MetaEntry> entries = new ArrayList<>(replied.value().size());
            for (Version version : replied.value()) {
              entries.add(new MetaLookups.MetaEntry(version.key(), version.value()));
            }
            finishMetaScan(scan.requestId(), entries, null);
            return;
          }
          Optional<RoutingError> routing = routingError(answer, target);
          routing.ifPresent(cache::apply);
          if (answer instanceof ChannelAnswer.TimedOut<?>) {
            timeouts++;
            forgetLeaseholder(target);
          }
          finishMetaScan(scan.requestId(), null, "meta scan at " + target.node() + ": " + describe(answer));
        }));
  }

  private void finishMetaScan(long requestId, List<MetaLookups.MetaEntry> entries, String failure) {
    MetaLookups.Answer answer;
    if (entries != null) {
      answer = lookups.onScanResult(requestId, entries);
    } else {
      lookups.onScanFailed(requestId);
      answer = new MetaLookups.Answer.Failed(failure);
    }
    CompletableFuture<MetaLookups.Answer> waiter = metaWaiters.remove(requestId);
    Invariants.require(waiter != null, "meta scan %s answered with no waiter", requestId);
    waiter.complete(answer);
  }

  /**
   * Refreshes what {@code refresh} asks for; completes (never exceptionally) when done or when it
   * could not be done, which the coordinator treats alike (it asks again or gives up at its deadline).
   */
  public CompletableFuture<Void> refresh(Refresh refresh) {
    onLoop();
    CompletableFuture<CachedRange> located = switch (refresh) {
      // The routing answer was applied already; a lookup of the span's start finds what holds it now.
      case Refresh.Stale stale -> locate(stale.stale().span().start());
      case Refresh.MissingKey missing -> locate(missing.key());
      // The meta range is keyed by span, not id: a range is found by id by reading the directory.
      case Refresh.MissingRange missing -> refreshDirectory().thenApply(v -> null);
    };
    return located.handle((range, failure) -> null);
  }

  // ---------------------------------------------------------------------------------------------
  // The whole directory, and splits.

  /**
   * Most meta entries {@link #refreshDirectory} reads: one scan, so a directory larger than this is
   * read only in part (the ranges past it are still found by key). TODO(later): page through it.
   */
  static final int MAX_DIRECTORY_SCAN_ENTRIES = 10_000;

  /**
   * Reads every meta entry (up to {@link #MAX_DIRECTORY_SCAN_ENTRIES}) with one strong scan of the
   * meta range and caches each descriptor (the cache refuses the older of overlapping ones): how a
   * range named by id only ({@link Refresh.MissingRange}, a coordinator range) is found. Completes
   * with the descriptors read, in key order, or exceptionally when the scan fails.
   */
  public CompletableFuture<List<RangeDescriptor>> refreshDirectory() {
    onLoop();
    metaScans++;
    CachedRange meta = cache.meta();
    Timestamp readTs;
    try {
      readTs = Timestamp.ofMicros(trueTime.now().latestMicros());
    } catch (ClockUnavailableException e) {
      return CompletableFuture.failedFuture(new TxnUnavailableException("the clock is not trustworthy", e));
    }
    RangeChannel.Target target = route(meta);
    CompletableFuture<List<RangeDescriptor>> result = new CompletableFuture<>();
    channel.scan(target, MetaLayout.ENTRIES, readTs, Direction.FORWARD, MAX_DIRECTORY_SCAN_ENTRIES,
        limits.requestTimeoutNanos(), onLoop((ChannelAnswer<List<Version>> answer) -> {
          if (!(answer instanceof ChannelAnswer.Replied<List<Version>> replied)) {
            routingError(answer, target).ifPresent(cache::apply);
            if (answer instanceof ChannelAnswer.TimedOut<?>) {
              timeouts++;
              forgetLeaseholder(target);
            }
            result.completeExceptionally(new TxnUnavailableException(
                "reading the directory at " + target.node() + " failed: " + describe(answer) + "; retry", null));
            return;
          }
          cache.recordLeaseholder(meta.descriptor().id(), meta.descriptor().generation(), replied.from());
          List<RangeDescriptor> descriptors = new ArrayList<>(replied.value().size());
          try {
            for (Version version : replied.value()) {
              descriptors.add(MetaLayout.decodeEntry(version.key(), version.value(), DirectoryLimits.defaults()));
            }
          } catch (CorruptDescriptorException corrupt) {
            result.completeExceptionally(new TxnUnavailableException("the directory is damaged: " + corrupt.getMessage(),
                corrupt));
            return;
          }
          descriptors.forEach(cache::insert);
          result.complete(descriptors);
        }));
    return result;
  }

  /**
   * Sends one split of {@code range} at {@code splitKey} (the right side becoming {@code newRange})
   * to its leaseholder; routing answers are applied to the cache as for any request. Completes with
   * the channel's answer on the loop. The split's directory update is the caller's ({@link
   * RangeSplitter}).
   */
  public CompletableFuture<ChannelAnswer<RangeChannel.SplitResult>> sendSplit(CachedRange range, Key splitKey,
      RangeId newRange) {
    onLoop();
    calls++;
    RangeChannel.Target target = route(range);
    CompletableFuture<ChannelAnswer<RangeChannel.SplitResult>> result = new CompletableFuture<>();
    channel.split(target, splitKey, newRange, limits.requestTimeoutNanos(), onLoop(answer -> {
      if (answer instanceof ChannelAnswer.Replied<RangeChannel.SplitResult> replied) {
        cache.insert(replied.value().left());
        cache.insert(replied.value().right());
        cache.recordLeaseholder(replied.value().left().id(), replied.value().left().generation(), replied.from());
      } else {
        routingError(answer, target).ifPresent(cache::apply);
        if (answer instanceof ChannelAnswer.TimedOut<?>) {
          timeouts++;
          forgetLeaseholder(target);
        }
      }
      result.complete(answer);
    }));
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads.

  /** The newest version of {@code key} at or below {@code readTs} (a tombstone included), at its leaseholder. */
  public CompletableFuture<Optional<Version>> get(Key key, Timestamp readTs) {
    onLoop();
    reads++;
    CompletableFuture<Optional<Version>> result = new CompletableFuture<>();
    get(key, readTs, 1, result);
    return result;
  }

  private void get(Key key, Timestamp readTs, int attempt, CompletableFuture<Optional<Version>> result) {
    locate(key).whenComplete((range, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
        return;
      }
      RangeChannel.Target target;
      try {
        target = route(range);
      } catch (TxnUnavailableException e) {
        result.completeExceptionally(e);
        return;
      }
      channel.get(target, key, readTs, limits.requestTimeoutNanos(), onLoop(answer -> {
        switch (answer) {
          case ChannelAnswer.Replied<Optional<Version>> replied -> {
            cache.recordLeaseholder(target.range().id(), target.range().generation(), replied.from());
            result.complete(replied.value());
          }
          case ChannelAnswer.TimedOut<Optional<Version>> timedOut -> {
            timeouts++;
            forgetLeaseholder(target);
            result.completeExceptionally(new TxnUnavailableException("the read of " + key + " at "
                + target.range().id() + " on " + target.node() + " got no answer in time; retry", null));
          }
          default -> retryOrFail(answer, target, attempt, "the read of " + key, result,
              () -> get(key, readTs, attempt + 1, result));
        }
      }));
    });
  }

  /**
   * A stale read of {@code key} at {@code readTs}: at the nearest replica if its safe time covers
   * {@code readTs}, else at the leaseholder (see the class comment).
   */
  public CompletableFuture<Optional<Version>> followerGet(Key key, Timestamp readTs) {
    return get(key, readTs, ReadRoute.NEAREST_STALE);
  }

  /** A read of {@code key} at {@code readTs} where {@code route} says. */
  public CompletableFuture<Optional<Version>> get(Key key, Timestamp readTs, ReadRoute route) {
    onLoop();
    if (followers == null || route == ReadRoute.LEASEHOLDER) {
      return get(key, readTs);
    }
    reads++;
    CompletableFuture<Optional<Version>> result = new CompletableFuture<>();
    locate(key).whenComplete((range, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
        return;
      }
      boolean strong = route == ReadRoute.NEAREST_STRONG;
      if (strong && !strongAtReplica(range)) {
        get(key, readTs, 1, result);
        return;
      }
      RangeChannel.Target target = followerRoute(range.descriptor());
      followers.followerGet(target, key, readTs, strong, limits.requestTimeoutNanos(), onLoop(answer -> {
        Optional<Version> served;
        try {
          served = servedOrNull(answer, target, readTs);
        } catch (TxnTooOldException e) {
          result.completeExceptionally(e);
          return;
        }
        if (served != null) {
          result.complete(served);
        } else {
          get(key, readTs, 1, result);
        }
      }));
    });
    return result;
  }

  /**
   * Up to {@code limit} live rows of {@code span} at {@code readTs}, over as many ranges as it
   * crosses, in {@code direction} order ({@link MultiRangeScan} cuts, reads ahead and merges).
   */
  public CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit, Timestamp readTs) {
    return scan(span, direction, limit, readTs, ReadRoute.LEASEHOLDER);
  }

  /** As {@link #scan(KeySpan, Direction, int, Timestamp)}, each piece where {@code route} says. */
  public CompletableFuture<List<KeyValue>> scan(KeySpan span, Direction direction, int limit, Timestamp readTs,
      ReadRoute route) {
    onLoop();
    scans++;
    ScanRun run = new ScanRun(new MultiRangeScan(span, direction, limit, limits.scan()), readTs,
        followers == null ? ReadRoute.LEASEHOLDER : route);
    run.pump();
    return run.result;
  }

  /**
   * The read timestamp of a bounded-staleness read of {@code scope} (M7): the freshest timestamp
   * every replica that would serve it can serve locally (the least of their safe times), but not
   * older than {@code oldest} ({@code now.latest - maxStaleness}); ranges whose replica cannot serve
   * it then are read at the leaseholder. A replica that does not answer counts as {@code oldest}.
   * Without follower reads, the leaseholders serve everything up to {@code now.latest}, so that is
   * the answer.
   */
  public CompletableFuture<Timestamp> boundedStalenessReadTs(List<KeySpan> scope, Timestamp oldest, Timestamp latest) {
    onLoop();
    if (followers == null) {
      return CompletableFuture.completedFuture(latest);
    }
    CompletableFuture<List<RangeDescriptor>> ranges = CompletableFuture.completedFuture(new ArrayList<>());
    for (KeySpan span : scope) {
      ranges = ranges.thenCompose(found -> rangesOf(span, span.start(), found));
    }
    return ranges.thenCompose(found -> {
      CompletableFuture<Timestamp> freshest = CompletableFuture.completedFuture(latest);
      for (RangeDescriptor range : found) {
        freshest = freshest.thenCompose(soFar -> safeTimeOf(range, oldest).thenApply(safe -> Timestamp.min(soFar, safe)));
      }
      return freshest.thenApply(ts -> Timestamp.max(oldest, ts));
    });
  }

  /** The ranges {@code span} crosses from {@code from} on, added to {@code found} (each once). */
  private CompletableFuture<List<RangeDescriptor>> rangesOf(KeySpan span, Key from, List<RangeDescriptor> found) {
    return locate(from).thenCompose(range -> {
      RangeDescriptor descriptor = range.descriptor();
      if (found.stream().noneMatch(r -> r.id().equals(descriptor.id()))) {
        found.add(descriptor);
      }
      Key end = descriptor.span().end();
      if (end == null || (span.end() != null && end.compareTo(span.end()) >= 0)) {
        return CompletableFuture.completedFuture(found);
      }
      return rangesOf(span, end, found);
    });
  }

  private CompletableFuture<Timestamp> safeTimeOf(RangeDescriptor range, Timestamp fallback) {
    CompletableFuture<Timestamp> result = new CompletableFuture<>();
    RangeChannel.Target target = followerRoute(range);
    followers.safeTime(target, limits.requestTimeoutNanos(), onLoop(answer -> {
      if (answer instanceof ChannelAnswer.Replied<Timestamp> replied) {
        result.complete(replied.value());
      } else {
        noteFollowerFailure(answer, target);
        result.complete(fallback);
      }
    }));
    return result;
  }

  /**
   * Whether a strong read of {@code range} is better served by a replica here than by the
   * leaseholder: the cached leaseholder (or, without a hint, every voter) is outside this node's
   * region and some replica is in it. A strong read at a replica still costs a round trip to the
   * leaseholder (for its applied point), so it wins only when the rows would otherwise cross regions.
   */
  private boolean strongAtReplica(CachedRange range) {
    if (localRegion == null) {
      return false;
    }
    boolean nearReplica = false;
    boolean nearLeaseholder = false;
    for (ReplicaDescriptor replica : range.descriptor().replicas()) {
      boolean near = replica.region().equals(localRegion);
      nearReplica |= near && replica.role() != ReplicaRole.LEARNER;
      nearLeaseholder |= near && (range.leaseholder() == null
          ? replica.role() == ReplicaRole.VOTER : replica.node().equals(range.leaseholder()));
    }
    return nearReplica && !nearLeaseholder;
  }

  /**
   * The replica a follower read of {@code range} goes to: a voter or non-voter in this node's region
   * if there is one, else any of them, rotating among equally near ones (the gateway knows no load).
   */
  RangeChannel.Target followerRoute(RangeDescriptor range) {
    List<NodeId> near = new ArrayList<>();
    List<NodeId> all = new ArrayList<>();
    for (ReplicaDescriptor replica : range.replicas()) {
      if (replica.role() == ReplicaRole.LEARNER) {
        continue;
      }
      all.add(replica.node());
      if (replica.region().equals(localRegion)) {
        near.add(replica.node());
      }
    }
    List<NodeId> candidates = near.isEmpty() ? all : near;
    if (candidates.isEmpty()) {
      throw new TxnUnavailableException("range " + range.id() + " lists no voter or read replica in " + range
          + "; the directory is damaged", null);
    }
    return new RangeChannel.Target(range, candidates.get((int) Math.floorMod(followerRotation++, (long) candidates.size())));
  }

  /**
   * What a follower read's {@code answer} served, counted; or null, counted as a fallback, when the
   * read must go to the leaseholder instead ("not yet", no answer, a routing answer).
   *
   * @throws TxnTooOldException if the read timestamp is below the replica's GC horizon
   */
  private <T> T servedOrNull(ChannelAnswer<FollowerRead<T>> answer, RangeChannel.Target target, Timestamp readTs) {
    if (answer instanceof ChannelAnswer.Replied<FollowerRead<T>> replied) {
      switch (replied.value()) {
        case FollowerRead.Served<T> served -> {
          followerReads++;
          return served.value();
        }
        case FollowerRead.TooOld<T> old -> throw new TxnTooOldException(readTs, old.gcHorizon());
        case FollowerRead.NotYet<T> notYet -> { }
      }
    } else {
      noteFollowerFailure(answer, target);
    }
    followerFallbacks++;
    return null;
  }

  /** A follower answer that is not a read: a routing answer updates the cache; a silent replica is noted. */
  private void noteFollowerFailure(ChannelAnswer<?> answer, RangeChannel.Target target) {
    if (answer instanceof ChannelAnswer.Misrouted<?> misrouted
        && !(misrouted.error() instanceof RoutingError.NotLeaseholder)) {
      cache.apply(misrouted.error());
    } else if (answer instanceof ChannelAnswer.TimedOut<?>) {
      timeouts++;
    }
  }

  /** One scan in progress: the I/O of one {@link MultiRangeScan}. */
  private final class ScanRun {
    final MultiRangeScan scan;
    final Timestamp readTs;
    final ReadRoute route;
    final List<KeyValue> rows = new ArrayList<>();
    final CompletableFuture<List<KeyValue>> result = new CompletableFuture<>();

    ScanRun(MultiRangeScan scan, Timestamp readTs, ReadRoute route) {
      this.scan = scan;
      this.readTs = readTs;
      this.route = route;
    }

    void pump() {
      if (result.isDone()) {
        return;
      }
      MultiRangeScan.Step step;
      try {
        step = scan.poll(cache);
      } catch (TxnException e) {
        result.completeExceptionally(e);
        return;
      }
      rows.addAll(step.rows());
      if (step.done()) {
        result.complete(List.copyOf(rows));
        return;
      }
      try {
        for (MultiRangeScan.PieceRequest piece : step.send()) {
          send(piece);
        }
      } catch (TxnUnavailableException e) {
        result.completeExceptionally(e);
        return;
      }
      if (step.lookup() != null) {
        locate(step.lookup().key(), step.lookup().before(), 1).whenComplete((range, failure) -> {
          if (failure != null) {
            result.completeExceptionally(failure);
            return;
          }
          scan.onLookupAnswered();
          pump();
        });
      }
    }

    void send(MultiRangeScan.PieceRequest piece) {
      switch (route) {
        case LEASEHOLDER -> sendToLeaseholder(piece);
        case NEAREST_STALE -> sendToFollower(piece, false);
        case NEAREST_STRONG -> {
          if (strongAtReplica(new CachedRange(piece.range(), piece.leaseholder()))) {
            sendToFollower(piece, true);
          } else {
            sendToLeaseholder(piece);
          }
        }
      }
    }

    /** The piece at the nearest replica; at the leaseholder if that replica cannot serve it. */
    void sendToFollower(MultiRangeScan.PieceRequest piece, boolean strong) {
      RangeChannel.Target target = followerRoute(piece.range());
      followers.followerScan(target, piece.span(), readTs, strong, piece.direction(), piece.maxRows(),
          limits.requestTimeoutNanos(), onLoop(answer -> {
            if (result.isDone()) {
              return;
            }
            List<Version> served;
            try {
              served = servedOrNull(answer, target, readTs);
              if (served != null) {
                onRows(piece, served);
              }
            } catch (TxnTooOldException | IllegalStateException e) {
              result.completeExceptionally(e);
              return;
            }
            if (served != null) {
              pump();
              return;
            }
            try {
              sendToLeaseholder(piece);
            } catch (TxnUnavailableException e) {
              result.completeExceptionally(e);
            }
          }));
    }

    void sendToLeaseholder(MultiRangeScan.PieceRequest piece) {
      RangeChannel.Target target = piece.leaseholder() != null && isReplica(piece.range(), piece.leaseholder())
          ? new RangeChannel.Target(piece.range(), piece.leaseholder())
          : route(piece.range());
      channel.scan(target, piece.span(), readTs, piece.direction(), piece.maxRows(), limits.requestTimeoutNanos(),
          onLoop(answer -> {
            if (result.isDone()) {
              return;
            }
            try {
              onAnswer(piece, target, answer);
            } catch (TxnException | IllegalStateException e) {
              // A scan that keeps being redirected, or a host that answered outside the piece.
              result.completeExceptionally(e);
              return;
            }
            pump();
          }));
    }

    private void onAnswer(MultiRangeScan.PieceRequest piece, RangeChannel.Target target,
        ChannelAnswer<List<Version>> answer) {
      switch (answer) {
        case ChannelAnswer.Replied<List<Version>> replied -> {
          cache.recordLeaseholder(target.range().id(), target.range().generation(), replied.from());
          onRows(piece, replied.value());
        }
        case ChannelAnswer.TimedOut<List<Version>> timedOut -> {
          timeouts++;
          forgetLeaseholder(target);
          throw new TxnUnavailableException("the scan of " + piece.span() + " at " + target.range().id()
              + " on " + target.node() + " got no answer in time; retry", null);
        }
        default -> {
          Optional<RoutingError> routing = routingError(answer, target);
          if (routing.isEmpty()) {
            throw failure(answer, "the scan of " + piece.span());
          }
          cache.apply(routing.get());
          routingRetries++;
          scan.onRedirect(piece.pieceId());
        }
      }
    }

    private void onRows(MultiRangeScan.PieceRequest piece, List<Version> versions) {
      List<KeyValue> batch = new ArrayList<>(versions.size());
      for (Version version : versions) {
        batch.add(new KeyValue(version.key(), version.value()));
      }
      Key resume = null;
      if (versions.size() >= piece.maxRows() && !versions.isEmpty()) {
        Key last = versions.getLast().key();
        // Forward, the rest is [resume, end); reverse, [start, resume): the last key is done either way.
        resume = piece.direction() == Direction.FORWARD ? last.successor() : last;
      }
      scan.onRows(piece.pieceId(), batch, resume);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Coordinator requests.

  /**
   * Sends {@code request} once to the leaseholder of {@code target} and tells {@code outcome} (on
   * the loop) what came of it, in the coordinator's terms: a routing answer is applied to the cache
   * and reported as the {@link ParticipantReply.Redirect} it stands for; a refusal as {@link
   * GatewayReplies#participantReply}; an undelivered request as a not-leaseholder redirect (it
   * certainly did not run); no answer as {@link CallOutcome#timedOut}.
   */
  public void call(RangeDescriptor target, CoordinatorRequest request, CallOutcome outcome) {
    onLoop();
    calls++;
    RangeChannel.Target route;
    try {
      route = route(target);
    } catch (TxnUnavailableException noVoter) {
      // Nowhere to send it, so certainly not run: the coordinator refreshes the descriptor or gives up.
      loop.execute(() -> outcome.replied(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.RANGE_NOT_FOUND)));
      return;
    }
    channel.send(route, request, limits.requestTimeoutNanos(), onLoop(answer -> {
      switch (answer) {
        case ChannelAnswer.Replied<ParticipantReply> replied -> {
          if (replied.value() instanceof ParticipantReply.Redirect redirect) {
            cache.apply(routingError(redirect.reason(), route, null));
          } else {
            cache.recordLeaseholder(target.id(), target.generation(), replied.from());
          }
          outcome.replied(replied.value());
        }
        case ChannelAnswer.TimedOut<ParticipantReply> timedOut -> {
          timeouts++;
          forgetLeaseholder(route);
          outcome.timedOut();
        }
        case ChannelAnswer.Refused<ParticipantReply> refused -> {
          routingError(answer, route).ifPresent(cache::apply);
          outcome.replied(GatewayReplies.participantReply(request, refused.refusal()));
        }
        case ChannelAnswer.Misrouted<ParticipantReply> misrouted -> {
          cache.apply(misrouted.error());
          outcome.replied(GatewayReplies.redirect(misrouted.error()));
        }
        case ChannelAnswer.NotDelivered<ParticipantReply> notDelivered -> {
          forgetLeaseholder(route);
          outcome.replied(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER));
        }
      }
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Routes and routing answers.

  /** Where a request to {@code range} goes: its cached leaseholder, else its voters in turn. */
  RangeChannel.Target route(CachedRange range) {
    NodeId hint = range.leaseholder();
    return hint != null && isReplica(range.descriptor(), hint)
        ? new RangeChannel.Target(range.descriptor(), hint)
        : route(range.descriptor());
  }

  private RangeChannel.Target route(RangeDescriptor range) {
    Optional<CachedRange> cached = cache.lookup(range.id());
    if (cached.isPresent() && cached.get().leaseholder() != null && isReplica(range, cached.get().leaseholder())) {
      return new RangeChannel.Target(range, cached.get().leaseholder());
    }
    List<NodeId> voters = new ArrayList<>();
    for (ReplicaDescriptor replica : range.replicas()) {
      if (replica.role() == ReplicaRole.VOTER) {
        voters.add(replica.node());
      }
    }
    if (voters.isEmpty()) {
      throw new TxnUnavailableException("range " + range.id() + " lists no voter in " + range
          + "; the directory is damaged", null);
    }
    return new RangeChannel.Target(range, voters.get((int) Math.floorMod(rotation++, (long) voters.size())));
  }

  private static boolean isReplica(RangeDescriptor range, NodeId node) {
    for (ReplicaDescriptor replica : range.replicas()) {
      if (replica.node().equals(node)) {
        return true;
      }
    }
    return false;
  }

  /** A node that did not answer is not trusted as the leaseholder any more: the next try rotates. */
  private void forgetLeaseholder(RangeChannel.Target target) {
    cache.apply(new RoutingError.NotLeaseholder(target.range().id(), target.range().generation(), null));
  }

  /** What {@code answer} says about the route, if it is a routing answer. */
  private static Optional<RoutingError> routingError(ChannelAnswer<?> answer, RangeChannel.Target target) {
    return switch (answer) {
      case ChannelAnswer.Misrouted<?> misrouted -> Optional.of(misrouted.error());
      case ChannelAnswer.NotDelivered<?> notDelivered ->
          Optional.of(new RoutingError.NotLeaseholder(target.range().id(), target.range().generation(), null));
      case ChannelAnswer.Refused<?> refused -> switch (refused.refusal().kind()) {
        case NOT_LEASEHOLDER -> Optional.of(routingError(
            ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER, target, refused.refusal().leaseholderHint()));
        case WRONG_RANGE -> Optional.of(routingError(ParticipantReply.Redirect.Reason.STALE_GENERATION, target, null));
        default -> Optional.empty();
      };
      default -> Optional.empty();
    };
  }

  private static RoutingError routingError(ParticipantReply.Redirect.Reason reason, RangeChannel.Target target,
      NodeId hint) {
    RangeId id = target.range().id();
    long generation = target.range().generation();
    return switch (reason) {
      case NOT_LEASEHOLDER -> new RoutingError.NotLeaseholder(id, generation, hint);
      case STALE_GENERATION -> new RoutingError.StaleGeneration(id, generation, List.of());
      case RANGE_NOT_FOUND -> new RoutingError.RangeNotFound(id, generation);
    };
  }

  /** Applies a routing answer and tries again (after the backoff), or fails with what the answer says. */
  private <T> void retryOrFail(ChannelAnswer<?> answer, RangeChannel.Target target, int attempt, String what,
      CompletableFuture<T> result, Runnable retry) {
    Optional<RoutingError> routing = routingError(answer, target);
    if (routing.isEmpty()) {
      result.completeExceptionally(failure(answer, what));
      return;
    }
    cache.apply(routing.get());
    if (attempt >= limits.maxRouteAttempts()) {
      result.completeExceptionally(new TxnUnavailableException(what + " found no leaseholder in " + attempt
          + " tries (last: " + describe(answer) + "); retry later", null));
      return;
    }
    routingRetries++;
    long pause = limits.backoffNanos(attempt);
    if (pause == 0) {
      retry.run();
    } else {
      loop.schedule(pause, retry);
    }
  }

  /** {@code work} after the pause before retry {@code retry}. */
  private <T> CompletableFuture<T> later(int retry, java.util.function.Supplier<CompletableFuture<T>> work) {
    long pause = limits.backoffNanos(retry);
    if (pause == 0) {
      return work.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.schedule(pause, () -> work.get().whenComplete((value, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    }));
    return result;
  }

  /** The client's exception for a non-routing, non-timeout answer to a read. */
  private static TxnException failure(ChannelAnswer<?> answer, String what) {
    if (answer instanceof ChannelAnswer.Refused<?> refused) {
      return refused.refusal().toException();
    }
    return new TxnUnavailableException(what + " failed: " + describe(answer) + "; retry", null);
  }

  private static String describe(ChannelAnswer<?> answer) {
    return switch (answer) {
      case ChannelAnswer.Replied<?> replied -> "answered by " + replied.from();
      case ChannelAnswer.Misrouted<?> misrouted -> "misrouted: " + misrouted.error();
      case ChannelAnswer.Refused<?> refused -> refused.refusal().kind() + ": " + refused.refusal().message();
      case ChannelAnswer.NotDelivered<?> notDelivered -> "not delivered: " + notDelivered.why();
      case ChannelAnswer.TimedOut<?> timedOut -> "no answer in time";
    };
  }

  /** Hands channel answers (from any thread) to the loop. */
  private <T> Consumer<ChannelAnswer<T>> onLoop(Consumer<ChannelAnswer<T>> handler) {
    return answer -> loop.execute(() -> handler.accept(answer));
  }

  private void onLoop() {
    Invariants.require(loop.inLoop(), "the gateway used off its loop");
  }
}
