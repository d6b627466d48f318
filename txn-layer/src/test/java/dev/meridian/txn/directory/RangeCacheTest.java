package dev.meridian.txn.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.directory.RangeCache.CachedRange;
import dev.meridian.txn.directory.RangeCache.InsertOutcome;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RangeCacheTest {

  private static final List<ReplicaDescriptor> REPLICAS = List.of(
      new ReplicaDescriptor(new NodeId(1), "us", ReplicaRole.VOTER),
      new ReplicaDescriptor(new NodeId(2), "eu", ReplicaRole.VOTER),
      new ReplicaDescriptor(new NodeId(3), "ap", ReplicaRole.VOTER));
  private static final RangeDescriptor META =
      new RangeDescriptor(RangeId.META, ClusterKeySpace.META_SPAN, REPLICAS, 0);

  static RangeDescriptor range(long id, String start, String end, long generation) {
    return new RangeDescriptor(new RangeId(id),
        new KeySpan(Key.utf8(start), end == null ? null : Key.utf8(end)), REPLICAS, generation);
  }

  private static RangeCache cache(int max) {
    return new RangeCache(META, DirectoryLimits.defaults().withMaxCachedRanges(max));
  }

  @Test
  void theHalvesOfASplitEvictTheParentAndTheParentCannotComeBack() {
    RangeCache cache = cache(10);
    RangeDescriptor parent = range(4, "a", "z", 3);
    assertThat(cache.insert(parent)).isEqualTo(InsertOutcome.ADDED);
    RangeDescriptor right = range(9, "m", "z", 4);
    assertThat(cache.insert(right)).isEqualTo(InsertOutcome.REPLACED);
    assertThat(cache.lookup(Key.utf8("b"))).isEmpty();
    assertThat(cache.lookup(Key.utf8("m")).orElseThrow().descriptor()).isEqualTo(right);
    RangeDescriptor left = range(4, "a", "m", 4);
    assertThat(cache.insert(left)).isEqualTo(InsertOutcome.ADDED);
    assertThat(cache.insert(parent)).isEqualTo(InsertOutcome.STALE);
    assertThat(cache.lookup(Key.utf8("b")).orElseThrow().descriptor()).isEqualTo(left);
    assertThat(cache.insert(left)).isEqualTo(InsertOutcome.UNCHANGED);
    // Same generation, another descriptor overlapping: impossible in a consistent history, refused.
    assertThat(cache.insert(range(12, "c", "d", 4))).isEqualTo(InsertOutcome.STALE);
    assertThat(cache.stats().replaced()).isEqualTo(1);
    assertThat(cache.stats().staleRefused()).isEqualTo(2);
  }

  @Test
  void aNewerGenerationOfTheSameRangeKeepsAHintThatIsStillAReplica() {
    RangeCache cache = cache(10);
    cache.insert(range(4, "a", "z", 1));
    cache.recordLeaseholder(new RangeId(4), 1, new NodeId(2));
    cache.insert(range(4, "a", "z", 2));
    assertThat(cache.lookup(Key.utf8("q")).orElseThrow().leaseholder()).isEqualTo(new NodeId(2));
    RangeDescriptor moved = new RangeDescriptor(new RangeId(4), new KeySpan(Key.utf8("a"), Key.utf8("z")),
        List.of(new ReplicaDescriptor(new NodeId(7), "us", ReplicaRole.VOTER)), 3);
    cache.insert(moved);
    assertThat(cache.lookup(Key.utf8("q")).orElseThrow().leaseholder()).isNull();
  }

  @Test
  void routingErrorsDropOnlyWhatTheyAreAbout() {
    RangeCache cache = cache(10);
    cache.insert(range(4, "a", "m", 2));
    cache.apply(new RoutingError.NotLeaseholder(new RangeId(4), 2, new NodeId(3)));
    assertThat(cache.lookup(Key.utf8("b")).orElseThrow().leaseholder()).isEqualTo(new NodeId(3));
    cache.apply(new RoutingError.NotLeaseholder(new RangeId(4), 2, null));
    assertThat(cache.lookup(Key.utf8("b")).orElseThrow().leaseholder()).isNull();
    // An error about an older generation than the cached one does not undo the refresh.
    cache.apply(new RoutingError.RangeNotFound(new RangeId(4), 1));
    assertThat(cache.lookup(Key.utf8("b"))).isPresent();
    cache.apply(new RoutingError.RangeNotFound(new RangeId(4), 2));
    assertThat(cache.lookup(Key.utf8("b"))).isEmpty();
    // A replica of a newer generation than ours: ours is stale.
    cache.insert(range(4, "a", "m", 2));
    cache.apply(new RoutingError.NotLeaseholder(new RangeId(4), 3, new NodeId(1)));
    assertThat(cache.lookup(Key.utf8("b"))).isEmpty();
    // A hint that is not one of our replicas at the same generation: our replica set is wrong.
    cache.insert(range(4, "a", "m", 3));
    cache.apply(new RoutingError.NotLeaseholder(new RangeId(4), 3, new NodeId(99)));
    assertThat(cache.lookup(Key.utf8("b"))).isEmpty();
    // Stale generation carries the current descriptors, which replace ours.
    cache.insert(range(4, "a", "z", 3));
    cache.apply(new RoutingError.StaleGeneration(new RangeId(4), 3,
        List.of(range(4, "a", "k", 4), range(8, "k", "z", 4))));
    assertThat(cache.lookup(Key.utf8("l")).orElseThrow().descriptor().id()).isEqualTo(new RangeId(8));
    assertThat(cache.stats().invalidations()).isEqualTo(4);
  }

  @Test
  void theMetaRangeIsPinned() {
    RangeCache cache = cache(1);
    cache.insert(range(4, "a", "b", 0));
    cache.insert(range(5, "b", "c", 0));
    cache.apply(new RoutingError.RangeNotFound(RangeId.META, 5));
    assertThat(cache.lookup(Key.EMPTY).orElseThrow().descriptor()).isEqualTo(META);
    assertThat(cache.meta().descriptor()).isEqualTo(META);
    // Nothing else may overlap the meta range's span, whatever its generation.
    RangeDescriptor intruder = new RangeDescriptor(new RangeId(6), new KeySpan(Key.EMPTY, Key.utf8("a")), REPLICAS, 9);
    assertThat(cache.insert(intruder)).isEqualTo(InsertOutcome.STALE);
    assertThat(cache.insert(new RangeDescriptor(RangeId.META, ClusterKeySpace.META_SPAN, REPLICAS, 1)))
        .isEqualTo(InsertOutcome.REPLACED);
    assertThat(cache.meta().descriptor().generation()).isEqualTo(1);
  }

  @Test
  void evictsTheLeastRecentlyUsedPastTheBoundAndCountsIt() {
    RangeCache cache = cache(3);
    cache.insert(range(4, "a", "b", 0));
    cache.insert(range(5, "b", "c", 0));
    cache.insert(range(6, "c", "d", 0));
    assertThat(cache.lookup(Key.utf8("a"))).isPresent();
    cache.insert(range(7, "d", "e", 0));
    assertThat(cache.lookup(Key.utf8("b"))).isEmpty();
    assertThat(cache.lookup(Key.utf8("a"))).isPresent();
    assertThat(cache.stats().evictions()).isEqualTo(1);
    assertThat(cache.stats().size()).isEqualTo(3);
    assertThat(cache.stats().hits()).isEqualTo(2);
    assertThat(cache.stats().misses()).isEqualTo(1);
  }

  @Test
  void coversASpanUpToTheFirstGapAndFindsRangesBelowAnEndKey() {
    RangeCache cache = cache(10);
    cache.insert(range(4, "a", "c", 0));
    cache.insert(range(5, "c", "f", 0));
    cache.insert(range(7, "h", null, 0));
    RangeCache.Cover cover = cache.cover(new KeySpan(Key.utf8("b"), Key.utf8("z")));
    assertThat(cover.pieces()).extracting(p -> p.span().toString())
        .containsExactly("[\"b\", \"c\")", "[\"c\", \"f\")");
    assertThat(cover.gap()).isEqualTo(new KeySpan(Key.utf8("f"), Key.utf8("h")));
    assertThat(cache.cover(new KeySpan(Key.utf8("h"), null)).gap()).isNull();
    assertThat(cache.lookupBefore(Key.utf8("c")).orElseThrow().descriptor().id()).isEqualTo(new RangeId(4));
    assertThat(cache.lookupBefore(null).orElseThrow().descriptor().id()).isEqualTo(new RangeId(7));
    assertThat(cache.lookupBefore(Key.utf8("g"))).isEmpty();
  }

  @Test
  void concurrentInsertsAndLookupsKeepSpansDisjoint() throws Exception {
    RangeCache cache = cache(50);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int seed = t;
      Thread worker = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < 2_000; i++) {
            // Generation g splits "a".."z" into g+1 equal parts; later generations are finer.
            int generation = (i * 7 + seed) % 20;
            int parts = generation + 1;
            int part = (i + seed) % parts;
            char from = (char) ('a' + part * 25 / parts);
            char to = (char) ('a' + (part + 1) * 25 / parts);
            if (from == to) {
              continue;
            }
            cache.insert(range(100 + generation * 100 + part, String.valueOf(from), String.valueOf(to), generation));
            cache.lookup(Key.utf8(String.valueOf(from)));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(failures).isEmpty();
    List<CachedRange> all = cache.snapshot();
    for (int i = 1; i < all.size(); i++) {
      KeySpan previous = all.get(i - 1).descriptor().span();
      assertThat(previous.end()).isNotNull();
      assertThat(previous.end().compareTo(all.get(i).descriptor().span().start())).isLessThanOrEqualTo(0);
    }
  }
}
