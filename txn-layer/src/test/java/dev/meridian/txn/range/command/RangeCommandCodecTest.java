package dev.meridian.txn.range.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.txn.types.RangeId;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RangeCommandCodecTest {

  @Test
  void everyCommandRoundTrips() {
    PropertyCheck.forAll(2000, RangeCommandGen::any, command -> {
      byte[] bytes = RangeCommandCodec.encode(command);
      RangeCommand decoded = RangeCommandCodec.decode(bytes);
      assertThat(decoded.getClass()).isEqualTo(command.getClass());
      assertThat(RangeCommandGen.describe(decoded)).isEqualTo(RangeCommandGen.describe(command));
      assertThat(RangeCommandCodec.encode(decoded)).isEqualTo(bytes);
    });
  }

  @Test
  void everySealedSubtypeHasItsOwnKindAndIsGenerated() {
    Class<?>[] subtypes = RangeCommand.class.getPermittedSubclasses();
    Set<Integer> kinds = new HashSet<>();
    Set<Class<?>> generated = new HashSet<>();
    RandomSource random = RandomSource.seeded(PropertyCheck.seed());
    for (int i = 0; i < subtypes.length; i++) {
      RangeCommand command = RangeCommandGen.ofKind(random, i);
      generated.add(command.getClass());
      kinds.add(RangeCommandCodec.kindOf(command));
      byte[] bytes = RangeCommandCodec.encode(command);
      int version = command instanceof RangeCommand.Split ? 2 : 1;
      assertThat(bytes[1]).as("version byte of %s", command.getClass().getSimpleName()).isEqualTo((byte) version);
    }
    assertThat(generated).containsExactlyInAnyOrder(subtypes);
    assertThat(kinds).hasSize(subtypes.length);
  }

  @Test
  void aVersionOneSplitStillDecodesAsBoundToNoLease() {
    // kind 0x05 | version 1 | range | generation | key | newRange, as logs written before v2 hold it.
    byte[] v1 = new BinaryWriter(64).u8(0x05).u8(1).i64(3).i64(7).bytes(Key.utf8("m").unsafeBytes()).i64(4)
        .toByteArray();
    RangeCommand.Split decoded = (RangeCommand.Split) RangeCommandCodec.decode(v1);
    assertThat(decoded).isEqualTo(new RangeCommand.Split(new RangeId(3), 7, Key.utf8("m"), new RangeId(4)));
    assertThat(decoded.leaseSequence()).isZero();
    assertThat(decoded.rightFloorTs()).isEqualTo(Timestamp.ZERO);
    RangeCommand.Split bound = decoded.underLease(9, Timestamp.ofMicros(55));
    assertThat(RangeCommandCodec.decode(RangeCommandCodec.encode(bound))).isEqualTo(bound);
  }

  @Test
  void everyTruncationAndEveryTrailingByteIsRefused() {
    PropertyCheck.forAll(300, RangeCommandGen::any, command -> {
      byte[] bytes = RangeCommandCodec.encode(command);
      for (int length = 0; length < bytes.length; length++) {
        byte[] cut = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> RangeCommandCodec.decode(cut)).isInstanceOf(BinaryReader.MalformedException.class);
      }
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      assertThatThrownBy(() -> RangeCommandCodec.decode(longer)).hasMessageContaining("trailing");
    });
  }

  @Test
  void randomByteFlipsNeverEscapeAsAnythingButMalformedOrAValidCommand() {
    PropertyCheck.forAll(500, random -> {
      byte[] bytes = RangeCommandCodec.encode(RangeCommandGen.any(random));
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
      return bytes;
    }, bytes -> {
      try {
        RangeCommand decoded = RangeCommandCodec.decode(bytes);
        assertThat(RangeCommandCodec.encode(decoded)).isEqualTo(bytes);
      } catch (BinaryReader.MalformedException expected) {
        // refused: fine
      }
    });
  }

  @Test
  void hostileLengthsCountsKindsAndVersionsAreRefusedBeforeAllocating() {
    BinaryWriter commitHeader = new BinaryWriter().u8(1).u8(1).i64(1).i64(0).i64(0).i32(1).i64(1).i64(5);
    byte[] hugeCount = copy(commitHeader).i32(Integer.MAX_VALUE).toByteArray();
    assertThatThrownBy(() -> RangeCommandCodec.decode(hugeCount)).hasMessageContaining("needs more than");
    byte[] hugeKey = copy(commitHeader).i32(1).i32(Integer.MAX_VALUE).raw(new byte[8]).toByteArray();
    assertThatThrownBy(() -> RangeCommandCodec.decode(hugeKey)).isInstanceOf(BinaryReader.MalformedException.class);
    byte[] negativeCount = copy(commitHeader).i32(-1).toByteArray();
    assertThatThrownBy(() -> RangeCommandCodec.decode(negativeCount)).hasMessageContaining("outside");
    assertThatThrownBy(() -> RangeCommandCodec.decode(new byte[] {9, 1})).hasMessageContaining("unknown range command kind 9");
    assertThatThrownBy(() -> RangeCommandCodec.decode(new byte[] {1, 2})).hasMessageContaining("unknown version 2");
    byte[] zeroRange = new BinaryWriter().u8(7).u8(1).i64(0).i64(1).i64(1).toByteArray();
    assertThatThrownBy(() -> RangeCommandCodec.decode(zeroRange)).hasMessageContaining("not a positive range id");
    byte[] negativeTs = new BinaryWriter().u8(7).u8(1).i64(1).i64(1).i64(-1).toByteArray();
    assertThatThrownBy(() -> RangeCommandCodec.decode(negativeTs)).isInstanceOf(BinaryReader.MalformedException.class);
    assertThatThrownBy(() -> RangeCommandCodec.decode(new byte[RangeCommandCodec.MAX_COMMAND_BYTES + 1]))
        .hasMessageContaining("exceeds the limit");
  }

  private static BinaryWriter copy(BinaryWriter header) {
    return new BinaryWriter().raw(header.toByteArray());
  }
}
