package dev.meridian.txn.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.directory.MultiRangeScan.PieceRequest;
import dev.meridian.txn.directory.MultiRangeScan.ScanLimits;
import dev.meridian.txn.directory.MultiRangeScan.Step;
import dev.meridian.txn.types.RangeDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever the layout, the order answers come back in, the batch sizes ranges choose, and
 * the splits that happen mid-scan, a scan releases exactly the rows of its span in scan order up to
 * its limit, and never holds more rows or sends more requests than its limits allow.
 */
class MultiRangeScanTest {

  record Case(long seed) {}

  @Test
  void releasesExactlyTheSpansRowsInOrderWhateverHappens() {
    PropertyCheck.forAll(600, r -> new Case(r.nextLong()), c -> run(RandomSource.seeded(c.seed())));
  }

  private static void run(RandomSource random) {
    List<RangeDescriptor> layout = MetaLayoutTest.randomLayout(random);
    ScanWorld world = new ScanWorld(layout);
    for (int i = random.nextInt(60); i > 0; i--) {
      byte[] key = Gen.bytes(random, 3);
      world.rows.put(Key.of(key), key);
    }
    RangeCache cache = new RangeCache(layout.getFirst(), DirectoryLimits.defaults().withMaxCachedRanges(1 + random.nextInt(4)));
    for (RangeDescriptor d : layout) {
      if (random.chance(0.5)) {
        cache.insert(d);
      }
    }
    MetaLookups lookups = new MetaLookups(cache, DirectoryLimits.defaults());
    Key a = Key.of(Gen.bytes(random, 3));
    Key b = Key.of(Gen.bytes(random, 3));
    KeySpan span = random.chance(0.2)
        ? new KeySpan(a.compareTo(b) <= 0 ? a : b, null)
        : new KeySpan(a.compareTo(b) <= 0 ? a : b, a.compareTo(b) <= 0 ? b : a);
    Direction direction = random.chance(0.5) ? Direction.FORWARD : Direction.REVERSE;
    long limit = random.chance(0.3) ? Long.MAX_VALUE : random.nextInt(20);
    ScanLimits limits = new ScanLimits(1 + random.nextInt(4), random.nextInt(12), 1 + random.nextInt(6), 1_000);
    MultiRangeScan scan = new MultiRangeScan(span, direction, limit, limits);

    List<Key> released = new ArrayList<>();
    List<PieceRequest> inFlight = new ArrayList<>();
    List<MetaLookups.MetaScan> metaInFlight = new ArrayList<>();
    for (int round = 0; ; round++) {
      assertThat(round).as("scan finishes").isLessThan(20_000);
      Step step = scan.poll(cache);
      step.rows().stream().map(KeyValue::key).forEach(released::add);
      inFlight.removeIf(request -> step.cancel().contains(request.pieceId()));
      if (step.done()) {
        break;
      }
      inFlight.addAll(step.send());
      assertThat(inFlight.size()).isLessThanOrEqualTo(limits.maxParallelPieces());
      if (step.lookup() != null) {
        MetaLookups.Outcome outcome = step.lookup().before()
            ? lookups.lookupBefore(step.lookup().key()) : lookups.lookup(step.lookup().key());
        if (outcome instanceof MetaLookups.Outcome.Pending pending && pending.send() != null) {
          metaInFlight.add(pending.send());
        } else {
          scan.onLookupAnswered();
        }
      }
      // Splits happen while the scan runs.
      if (random.chance(0.05)) {
        world.split(Key.of(Gen.bytes(random, 3)));
      }
      boolean answerMeta = !metaInFlight.isEmpty() && (inFlight.isEmpty() || random.chance(0.3));
      if (answerMeta) {
        MetaLookups.MetaScan metaScan = metaInFlight.remove(random.nextInt(metaInFlight.size()));
        MetaLookups.Answer answer = lookups.onScanResult(metaScan.requestId(), world.scanMeta(metaScan));
        assertThat(answer).isInstanceOf(MetaLookups.Answer.Found.class);
        scan.onLookupAnswered();
      } else if (!inFlight.isEmpty()) {
        PieceRequest request = inFlight.remove(random.nextInt(inFlight.size()));
        RoutingError error = world.check(request);
        if (error != null) {
          cache.apply(error);
          scan.onRedirect(request.pieceId());
        } else {
          ScanWorld.Answer answer = world.serve(request, 1 + random.nextInt(request.maxRows()));
          scan.onRows(request.pieceId(), answer.rows(), answer.resume());
        }
      }
    }
    assertThat(released).isEqualTo(world.expected(span, direction, limit));
    assertThat(scan.stats().maxHeldRows()).isLessThanOrEqualTo(limits.maxBufferedRows() + limits.batchRows());
  }

  @Test
  void aZeroLimitOrEmptySpanIsDoneAtOnce() {
    RangeCache cache = new RangeCache(ClusterKeySpace.bootstrap(List.of()).getFirst(), DirectoryLimits.defaults());
    assertThat(new MultiRangeScan(KeySpan.all(), Direction.FORWARD, 0, ScanLimits.defaults()).poll(cache).done()).isTrue();
    assertThat(new MultiRangeScan(new KeySpan(Key.utf8("a"), Key.utf8("a")), Direction.REVERSE, 5,
        ScanLimits.defaults()).poll(cache).done()).isTrue();
  }
}
