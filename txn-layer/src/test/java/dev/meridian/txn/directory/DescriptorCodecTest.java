package dev.meridian.txn.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescriptorCodecTest {

  private static final DirectoryLimits LIMITS = DirectoryLimits.defaults();

  static RangeDescriptor randomDescriptor(RandomSource random) {
    Key start = Key.of(Gen.bytes(random, 20));
    Key end;
    if (random.chance(0.2)) {
      end = null;
    } else {
      // A proper extension of start is always above it, so the span is never empty.
      byte[] tail = Gen.bytes(random, 6);
      byte[] bytes = Arrays.copyOf(start.unsafeBytes(), start.length() + 1 + tail.length);
      bytes[start.length()] = (byte) Gen.between(random, 0, 255);
      System.arraycopy(tail, 0, bytes, start.length() + 1, tail.length);
      end = Key.wrap(bytes);
    }
    List<ReplicaDescriptor> replicas = new ArrayList<>();
    int count = random.nextInt(6);
    for (int i = 0; i < count; i++) {
      String region = Gen.oneOf(random, "us-east", "eu-west", "", "ap-süd", "r" + i);
      replicas.add(new ReplicaDescriptor(new NodeId(i + 1 + random.nextInt(1000) * 10), region,
          Gen.oneOf(random, ReplicaRole.values())));
    }
    long id = Gen.edgeBiased(random, 0.3, new long[] {1, 2, Long.MAX_VALUE},
        r -> Gen.between(r, 1L, Long.MAX_VALUE));
    long generation = Gen.edgeBiased(random, 0.3, new long[] {0, 1, Long.MAX_VALUE},
        r -> Gen.between(r, 0L, Long.MAX_VALUE));
    return new RangeDescriptor(new RangeId(id), new KeySpan(start, end), replicas, generation);
  }

  @Test
  void roundTripsEveryDescriptor() {
    PropertyCheck.forAll(2_000, DescriptorCodecTest::randomDescriptor, descriptor -> {
      byte[] bytes = DescriptorCodec.encode(descriptor);
      assertThat(DescriptorCodec.decode(bytes, LIMITS)).isEqualTo(descriptor);
    });
  }

  @Test
  void everyTruncationIsRefusedAsCorrupt() {
    PropertyCheck.forAll(300, DescriptorCodecTest::randomDescriptor, descriptor -> {
      byte[] bytes = DescriptorCodec.encode(descriptor);
      for (int length = 0; length < bytes.length; length++) {
        byte[] truncated = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> DescriptorCodec.decode(truncated, LIMITS))
            .isInstanceOf(CorruptDescriptorException.class);
      }
    });
  }

  @Test
  void randomBytesNeverThrowAnythingButCorrupt() {
    PropertyCheck.forAll(5_000, random -> {
      byte[] bytes = DescriptorCodec.encode(randomDescriptor(random));
      // Flip a few bytes of a valid encoding: hits every field's checks, not just the version byte.
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      return bytes;
    }, bytes -> {
      try {
        RangeDescriptor decoded = DescriptorCodec.decode(bytes, LIMITS);
        assertThat(DescriptorCodec.encode(decoded)).isEqualTo(bytes);
      } catch (CorruptDescriptorException expected) {
        // refused: fine
      }
    });
  }

  @Test
  void aHostileKeyLengthIsRefusedBeforeAllocating() {
    ByteBuffer bytes = ByteBuffer.allocate(1 + 8 + 8 + 4);
    bytes.put((byte) 1).putLong(5).putLong(0).putInt(0xFFFF_FFF0);
    assertThatThrownBy(() -> DescriptorCodec.decode(bytes.array(), LIMITS))
        .isInstanceOf(CorruptDescriptorException.class)
        .hasMessageContaining("start key claims 4294967280 bytes, more than the limit of 8192");
  }

  @Test
  void aKeyWithinTheLimitButPastTheEndIsRefused() {
    ByteBuffer bytes = ByteBuffer.allocate(1 + 8 + 8 + 4 + 3);
    bytes.put((byte) 1).putLong(5).putLong(0).putInt(100).put(new byte[3]);
    assertThatThrownBy(() -> DescriptorCodec.decode(bytes.array(), LIMITS))
        .isInstanceOf(CorruptDescriptorException.class)
        .hasMessageContaining("start key needs 100 bytes at offset 21, only 3 left");
  }

  @Test
  void tooManyReplicasTrailingBytesUnknownVersionAndRoleAreRefused() {
    RangeDescriptor descriptor = new RangeDescriptor(new RangeId(7), new KeySpan(Key.utf8("a"), Key.utf8("b")),
        List.of(new ReplicaDescriptor(new NodeId(1), "us", ReplicaRole.VOTER)), 3);
    byte[] good = DescriptorCodec.encode(descriptor);

    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> DescriptorCodec.decode(trailing, LIMITS))
        .isInstanceOf(CorruptDescriptorException.class).hasMessageContaining("1 bytes left");

    byte[] version = good.clone();
    version[0] = 2;
    assertThatThrownBy(() -> DescriptorCodec.decode(version, LIMITS))
        .isInstanceOf(CorruptDescriptorException.class).hasMessageContaining("unknown descriptor version 2");

    // Layout: version 1, id 8, gen 8, start 4+1, end kind 1 + 4+1, count 2, node 4, role 1.
    int roleOffset = 1 + 8 + 8 + 5 + 1 + 5 + 2 + 4;
    byte[] role = good.clone();
    role[roleOffset] = 9;
    assertThatThrownBy(() -> DescriptorCodec.decode(role, LIMITS))
        .isInstanceOf(CorruptDescriptorException.class).hasMessageContaining("unknown replica role 9");

    DirectoryLimits oneReplica = new DirectoryLimits(8192, 0 + 1, 255, 10, 0, 1);
    RangeDescriptor two = new RangeDescriptor(descriptor.id(), descriptor.span(),
        List.of(new ReplicaDescriptor(new NodeId(1), "us", ReplicaRole.VOTER),
            new ReplicaDescriptor(new NodeId(2), "eu", ReplicaRole.VOTER)), 3);
    assertThatThrownBy(() -> DescriptorCodec.decode(DescriptorCodec.encode(two), oneReplica))
        .isInstanceOf(CorruptDescriptorException.class).hasMessageContaining("2 replicas, more than the limit of 1");
  }

  @Test
  void invalidDecodedFieldsAreCorruptNotAnotherException() {
    // A span whose end is below its start, and a node listed twice: both pass the length checks.
    ByteBuffer empty = ByteBuffer.allocate(1 + 8 + 8 + 5 + 1 + 5 + 2);
    empty.put((byte) 1).putLong(5).putLong(0).putInt(1).put((byte) 'b').put((byte) 1).putInt(1).put((byte) 'a')
        .putShort((short) 0);
    assertThatThrownBy(() -> DescriptorCodec.decode(empty.array(), LIMITS))
        .isInstanceOf(CorruptDescriptorException.class).hasMessageContaining("empty span");

    ByteBuffer twice = ByteBuffer.allocate(1 + 8 + 8 + 4 + 1 + 2 + 2 * (4 + 1 + 2));
    twice.put((byte) 1).putLong(5).putLong(0).putInt(0).put((byte) 0).putShort((short) 2)
        .putInt(3).put((byte) 1).putShort((short) 0).putInt(3).put((byte) 1).putShort((short) 0);
    assertThatThrownBy(() -> DescriptorCodec.decode(twice.array(), LIMITS))
        .isInstanceOf(CorruptDescriptorException.class).hasMessageContaining("lists node n3 twice");
  }
}
