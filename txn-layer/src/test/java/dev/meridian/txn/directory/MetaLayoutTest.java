package dev.meridian.txn.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MetaLayoutTest {

  private static final DirectoryLimits LIMITS = DirectoryLimits.defaults();

  @Test
  void entryKeysOrderAsTheirEndKeysAndTheSentinelLast() {
    PropertyCheck.forAll(5_000, r -> new Key[] {Key.of(Gen.bytes(r, 8)), Key.of(Gen.bytes(r, 8))}, keys -> {
      Key a = MetaLayout.entryKey(keys[0]);
      Key b = MetaLayout.entryKey(keys[1]);
      assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(keys[0].compareTo(keys[1])));
      assertThat(a.compareTo(MetaLayout.END_OF_KEY_SPACE)).isNegative();
      assertThat(MetaLayout.ENTRIES.contains(a)).isTrue();
      assertThat(ClusterKeySpace.META_SPAN.contains(a)).isTrue();
      assertThat(MetaLayout.endKeyOf(a)).isEqualTo(keys[0]);
    });
    assertThat(MetaLayout.ENTRIES.contains(MetaLayout.END_OF_KEY_SPACE)).isTrue();
    assertThat(MetaLayout.endKeyOf(MetaLayout.END_OF_KEY_SPACE)).isNull();
  }

  static final List<dev.meridian.txn.types.ReplicaDescriptor> ONE_VOTER = List.of(
      new dev.meridian.txn.types.ReplicaDescriptor(new dev.meridian.runtime.NodeId(1), "us",
          dev.meridian.txn.types.ReplicaRole.VOTER));

  /** A random cover of the key space: sorted distinct non-empty boundaries. */
  static List<RangeDescriptor> randomLayout(RandomSource random) {
    TreeSet<Key> boundaries = new TreeSet<>();
    int count = random.nextInt(8);
    for (int i = 0; i < count; i++) {
      byte[] bytes = Gen.bytes(random, 3);
      if (bytes.length > 0) {
        boundaries.add(Key.of(bytes));
      }
    }
    List<RangeDescriptor> ranges = new ArrayList<>();
    Key start = Key.EMPTY;
    long id = 1;
    for (Key boundary : boundaries) {
      ranges.add(new RangeDescriptor(new RangeId(id++), new KeySpan(start, boundary), ONE_VOTER, 0));
      start = boundary;
    }
    ranges.add(new RangeDescriptor(new RangeId(id), new KeySpan(start, null), ONE_VOTER, 0));
    return ranges;
  }

  @Test
  void theFirstEntryAtTheScanStartIsTheRangeOfTheKey() {
    PropertyCheck.forAll(1_000, r -> r, random -> {
      List<RangeDescriptor> layout = randomLayout(random);
      TreeMap<Key, byte[]> meta = new TreeMap<>();
      for (RangeDescriptor d : layout) {
        MetaLayout.MetaWrite write = MetaLayout.entry(d);
        meta.put(write.key(), write.value());
      }
      List<Key> probes = new ArrayList<>();
      for (RangeDescriptor d : layout) {
        probes.add(d.span().start());
        if (d.span().end() != null) {
          probes.add(d.span().end());
        }
      }
      for (int i = 0; i < 20; i++) {
        probes.add(Key.of(Gen.bytes(random, 4)));
      }
      for (Key key : probes) {
        Map.Entry<Key, byte[]> found = meta.ceilingEntry(MetaLayout.lookupScanStart(key));
        RangeDescriptor d = MetaLayout.decodeEntry(found.getKey(), found.getValue(), LIMITS);
        assertThat(d.contains(key)).as("range of %s", key).isTrue();
        if (key.length() > 0) {
          Map.Entry<Key, byte[]> below = meta.ceilingEntry(MetaLayout.lookupBeforeScanStart(key));
          RangeDescriptor before = MetaLayout.decodeEntry(below.getKey(), below.getValue(), LIMITS);
          assertThat(MetaLayout.answersLookupBefore(before, key)).isTrue();
          // The keys just below `key` are in `before`: its start is below key, its end at or above.
          assertThat(before.span().start().compareTo(key)).isNegative();
        }
      }
      Map.Entry<Key, byte[]> last = meta.ceilingEntry(MetaLayout.lookupBeforeScanStart(null));
      assertThat(MetaLayout.decodeEntry(last.getKey(), last.getValue(), LIMITS).span().end()).isNull();
    });
  }

  @Test
  void aKeyEqualToAnEndKeyGoesToTheNextRange() {
    RangeDescriptor left = new RangeDescriptor(new RangeId(4), new KeySpan(Key.utf8("a"), Key.utf8("m")), List.of(), 1);
    RangeDescriptor right = new RangeDescriptor(new RangeId(5), new KeySpan(Key.utf8("m"), null), List.of(), 1);
    TreeMap<Key, RangeDescriptor> meta = new TreeMap<>(Map.of(
        MetaLayout.entryKey(left), left, MetaLayout.entryKey(right), right));
    assertThat(meta.ceilingEntry(MetaLayout.lookupScanStart(Key.utf8("m"))).getValue()).isEqualTo(right);
    assertThat(meta.ceilingEntry(MetaLayout.lookupBeforeScanStart(Key.utf8("m"))).getValue()).isEqualTo(left);
    assertThat(meta.ceilingEntry(MetaLayout.lookupScanStart(Key.utf8("l\u00ff"))).getValue()).isEqualTo(left);
  }

  @Test
  void anEntryFiledUnderAnotherEndKeyIsCorrupt() {
    RangeDescriptor d = new RangeDescriptor(new RangeId(4), new KeySpan(Key.utf8("a"), Key.utf8("m")), List.of(), 1);
    byte[] value = DescriptorCodec.encode(d);
    assertThatThrownBy(() -> MetaLayout.decodeEntry(MetaLayout.entryKey(Key.utf8("n")), value, LIMITS))
        .isInstanceOf(CorruptDescriptorException.class).hasMessageContaining("holds r4 ending at \"m\"");
    assertThatThrownBy(() -> MetaLayout.decodeEntry(MetaLayout.END_OF_KEY_SPACE, value, LIMITS))
        .isInstanceOf(CorruptDescriptorException.class);
    assertThatThrownBy(() -> MetaLayout.endKeyOf(Key.utf8("zz")))
        .isInstanceOf(CorruptDescriptorException.class);
    assertThatThrownBy(() -> MetaLayout.endKeyOf(Key.of(new byte[] {0, 'm', 2, 0})))
        .isInstanceOf(CorruptDescriptorException.class);
  }

  @Test
  void theBootstrapRangesCoverTheKeySpaceInOrder() {
    List<RangeDescriptor> ranges = ClusterKeySpace.bootstrap(List.of());
    assertThat(ranges.getFirst().span().start()).isEqualTo(Key.EMPTY);
    for (int i = 1; i < ranges.size(); i++) {
      assertThat(ranges.get(i).span().start()).isEqualTo(ranges.get(i - 1).span().end());
    }
    assertThat(ranges.getLast().span().end()).isNull();
    assertThat(ranges.getFirst().id()).isEqualTo(RangeId.META);
    assertThat(ClusterKeySpace.META_SPAN.contains(MetaLayout.END_OF_KEY_SPACE)).isTrue();
  }

  @Test
  void theBootstrapEntriesFileEveryRangeOfTheLayoutInKeyOrder() {
    List<RangeDescriptor> layout = ClusterKeySpace.bootstrap(ONE_VOTER);
    List<dev.meridian.storage.mvcc.Write> entries = MetaLayout.bootstrapEntries(layout.reversed());
    assertThat(entries).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(ClusterKeySpace.META_SPAN.contains(entries.get(i).key())).isTrue();
      assertThat(MetaLayout.decodeEntry(entries.get(i).key(), entries.get(i).value(), LIMITS)).isEqualTo(layout.get(i));
    }
    assertThat(entries.get(2).key()).isEqualTo(MetaLayout.END_OF_KEY_SPACE);
    // Deterministic: every replica of the meta range bootstraps to the same bytes.
    List<dev.meridian.storage.mvcc.Write> again = MetaLayout.bootstrapEntries(layout);
    for (int i = 0; i < 3; i++) {
      assertThat(again.get(i).key()).isEqualTo(entries.get(i).key());
      assertThat(again.get(i).value()).isEqualTo(entries.get(i).value());
    }
  }

  @Test
  void aBootstrapLayoutWithAGapOrWithoutTheMetaRangeIsRefused() {
    List<RangeDescriptor> layout = ClusterKeySpace.bootstrap(ONE_VOTER);
    assertThatThrownBy(() -> MetaLayout.bootstrapEntries(List.of(layout.get(0), layout.get(2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not cover");
    assertThatThrownBy(() -> MetaLayout.bootstrapEntries(List.of(layout.get(0), layout.get(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not at the end of the key space");
    RangeDescriptor notMeta = new RangeDescriptor(new RangeId(9), ClusterKeySpace.META_SPAN, ONE_VOTER, 0);
    assertThatThrownBy(() -> MetaLayout.bootstrapEntries(List.of(notMeta, layout.get(1), layout.get(2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no meta range");
  }
}
