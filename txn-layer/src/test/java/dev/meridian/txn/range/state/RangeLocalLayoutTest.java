package dev.meridian.txn.range.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.storage.range.LocalKind;
import dev.meridian.storage.range.RangeEntry;
import dev.meridian.storage.range.RangeEntryCodec;
import dev.meridian.storage.range.StagingChecks;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.types.TxnOutcome;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RangeLocalLayoutTest {

  private static Key key(RandomSource random) {
    return Key.wrap(Gen.bytes(random, 8));
  }

  private static KeySpan span(RandomSource random) {
    Key a = key(random);
    Key b = Key.wrap(Arrays.copyOf(a.unsafeBytes(), a.length() + 1 + random.nextInt(3)));
    return random.chance(0.3) ? new KeySpan(a, null) : new KeySpan(a, b);
  }

  private static Timestamp ts(RandomSource random) {
    return Timestamp.ofMicros(Gen.between(random, 0, Long.MAX_VALUE));
  }

  static RangeMeta meta(RandomSource random) {
    List<ReplicaDescriptor> replicas = List.of(
        new ReplicaDescriptor(new NodeId(1 + random.nextInt(5)), "eu-" + random.nextInt(3), Gen.oneOf(random, ReplicaRole.values())),
        new ReplicaDescriptor(new NodeId(6 + random.nextInt(5)), "üs", ReplicaRole.VOTER));
    RangeDescriptor descriptor = new RangeDescriptor(new RangeId(Gen.between(random, 1, Long.MAX_VALUE)), span(random),
        random.chance(0.2) ? List.of() : replicas, Gen.between(random, 0, Long.MAX_VALUE));
    return new RangeMeta(descriptor, Gen.between(random, 0, Long.MAX_VALUE),
        random.chance(0.3) ? null : new NodeId(1 + random.nextInt(100)), ts(random), ts(random), ts(random), ts(random));
  }

  @Test
  void metadataPreparedTransactionsRecordsAndMarkersRoundTrip() {
    PropertyCheck.forAll(500, RangeLocalLayoutTest::meta,
        meta -> assertThat(RangeLocalLayout.decodeMeta(RangeLocalLayout.encodeMeta(meta))).isEqualTo(meta));
    TxnId txn = new TxnId(-3, Long.MIN_VALUE);
    assertThat(RangeLocalLayout.txnOfSuffix(RangeLocalLayout.txnSuffix(txn))).isEqualTo(txn);
    PropertyCheck.forAll(300, random -> new PreparedTxn(txn, ts(random), Gen.anyLong(random), Gen.listOf(random, 4, RangeLocalLayoutTest::key),
        Gen.listOf(random, 3, RangeLocalLayoutTest::span), new RangeId(1 + random.nextInt(9))), prepared ->
        assertThat(RangeLocalLayout.decodePrepared(txn, RangeLocalLayout.encodePrepared(prepared))).isEqualTo(prepared));
    TxnRecord committed = new TxnRecord(txn, TxnOutcome.COMMITTED, Timestamp.ofMicros(5), List.of(new RangeId(1), new RangeId(4)));
    TxnRecord aborted = new TxnRecord(txn, TxnOutcome.ABORTED, null, List.of());
    assertThat(RangeLocalLayout.decodeRecord(txn, RangeLocalLayout.encodeRecord(committed))).isEqualTo(committed);
    assertThat(RangeLocalLayout.decodeRecord(txn, RangeLocalLayout.encodeRecord(aborted))).isEqualTo(aborted);
    assertThat(RangeLocalLayout.decodeMarker(RangeLocalLayout.encodeMarker(Timestamp.MAX))).isEqualTo(Timestamp.MAX);
  }

  @Test
  void truncatedOrExtendedValuesAreRefused() {
    RandomSource random = RandomSource.seeded(PropertyCheck.seed());
    List<Function<byte[], ?>> decoders = List.of(RangeLocalLayout::decodeMeta,
        v -> RangeLocalLayout.decodePrepared(new TxnId(1, 1), v), v -> RangeLocalLayout.decodeRecord(new TxnId(1, 1), v),
        RangeLocalLayout::decodeMarker);
    List<byte[]> values = List.of(RangeLocalLayout.encodeMeta(meta(random)),
        RangeLocalLayout.encodePrepared(new PreparedTxn(new TxnId(1, 1), Timestamp.ZERO, 1, List.of(Key.utf8("k")),
            List.of(KeySpan.all()), new RangeId(2))),
        RangeLocalLayout.encodeRecord(new TxnRecord(new TxnId(1, 1), TxnOutcome.COMMITTED, Timestamp.ZERO, List.of(new RangeId(3)))),
        RangeLocalLayout.encodeMarker(Timestamp.ZERO));
    for (int i = 0; i < values.size(); i++) {
      byte[] value = values.get(i);
      Function<byte[], ?> decoder = decoders.get(i);
      for (int length = 0; length < value.length; length++) {
        byte[] cut = Arrays.copyOf(value, length);
        assertThatThrownBy(() -> decoder.apply(cut)).isInstanceOf(BinaryReader.MalformedException.class);
      }
      byte[] longer = Arrays.copyOf(value, value.length + 1);
      assertThatThrownBy(() -> decoder.apply(longer)).hasMessageContaining("trailing");
    }
  }

  @Test
  void anInstallerRefusesAFirstChunkWithoutMetadataOrOfAnotherRange() {
    InMemoryRangeStore store = new InMemoryRangeStore();
    byte[] slotOnly = RangeEntryCodec.encode(List.of(
        new RangeEntry.Local(LocalKind.APPLIED_SLOT, new byte[0], StagingChecks.slotValue(3))));
    try (RangeSnapshotInstaller installer = RangeSnapshots.installer(store, new RangeId(1))) {
      assertThatThrownBy(() -> installer.accept(slotOnly)).hasMessageContaining("lacks its metadata");
    }
    RangeMeta other = RangeMeta.initial(new RangeDescriptor(new RangeId(2), KeySpan.all(), List.of(), 0));
    byte[] foreign = RangeEntryCodec.encode(List.of(
        new RangeEntry.Local(LocalKind.APPLIED_SLOT, new byte[0], StagingChecks.slotValue(3)),
        new RangeEntry.Local(LocalKind.META, new byte[0], RangeLocalLayout.encodeMeta(other))));
    try (RangeSnapshotInstaller installer = RangeSnapshots.installer(store, new RangeId(1))) {
      assertThatThrownBy(() -> installer.accept(foreign)).hasMessageContaining("offered to r1");
    }
    assertThat(store.hostedRanges()).isEmpty();
  }
}
