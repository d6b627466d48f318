package dev.meridian.storage.range;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.mvcc.Intent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangeEntryCodecTest {

  static RangeEntry entry(RandomSource random) {
    byte[] value = random.chance(0.3) ? null : Gen.bytes(random, 20);
    return switch (random.nextInt(3)) {
      case 0 -> new RangeEntry.Local(Gen.oneOf(random, LocalKind.values()), Gen.bytes(random, 10), Gen.bytes(random, 20));
      case 1 -> new RangeEntry.VersionEntry(Key.wrap(Gen.bytes(random, 12)), Timestamp.ofMicros(Gen.between(random, 0, Long.MAX_VALUE)), value);
      default -> new RangeEntry.IntentEntry(new Intent(Key.wrap(Gen.bytes(random, 12)),
          new TxnId(Gen.anyInt(random), Gen.anyLong(random)), Timestamp.ofMicros(Gen.between(random, 0, Long.MAX_VALUE)), value));
    };
  }

  @Test
  void chunksRoundTripAndSizesAreExact() {
    PropertyCheck.forAll(500, random -> Gen.listOf(random, 8, RangeEntryCodecTest::entry), entries -> {
      byte[] chunk = RangeEntryCodec.encode(entries);
      assertThat(chunk.length).isEqualTo(RangeEntryCodec.headerBytes()
          + entries.stream().mapToInt(RangeEntryCodec::encodedSize).sum());
      assertThat(RangeEntryCodec.decode(chunk)).isEqualTo(entries);
    });
  }

  @Test
  void everyTruncationIsRefused() {
    PropertyCheck.forAll(100, random -> Gen.listOf(random, 4, RangeEntryCodecTest::entry), entries -> {
      byte[] chunk = RangeEntryCodec.encode(entries);
      for (int length = 0; length < chunk.length; length++) {
        byte[] cut = Arrays.copyOf(chunk, length);
        assertThatThrownBy(() -> RangeEntryCodec.decode(cut)).isInstanceOf(BinaryReader.MalformedException.class);
      }
    });
  }

  @Test
  void hostileCountsAndLengthsAreRefusedBeforeAllocating() {
    byte[] hugeCount = new BinaryWriter().u8(1).i32(Integer.MAX_VALUE).toByteArray();
    assertThatThrownBy(() -> RangeEntryCodec.decode(hugeCount)).hasMessageContaining("needs more than");
    byte[] hugeKey = new BinaryWriter().u8(1).i32(1).u8(RangeEntry.SECTION_VERSION).i32(Integer.MAX_VALUE - 1)
        .raw(new byte[12]).toByteArray();
    assertThatThrownBy(() -> RangeEntryCodec.decode(hugeKey)).hasMessageContaining("outside [0, ");
    byte[] negativeKey = new BinaryWriter().u8(1).i32(1).u8(RangeEntry.SECTION_VERSION).i32(-5)
        .raw(new byte[12]).toByteArray();
    assertThatThrownBy(() -> RangeEntryCodec.decode(negativeKey)).isInstanceOf(BinaryReader.MalformedException.class);
    byte[] trailing = Arrays.copyOf(RangeEntryCodec.encode(List.of()), 6);
    assertThatThrownBy(() -> RangeEntryCodec.decode(trailing)).hasMessageContaining("trailing");
    byte[] badFormat = new BinaryWriter().u8(9).i32(0).toByteArray();
    assertThatThrownBy(() -> RangeEntryCodec.decode(badFormat)).hasMessageContaining("format");
  }
}
