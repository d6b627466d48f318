package dev.meridian.paxos.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Round trips of every codec over generated values (seeded: {@link PropertyCheck}), and clean
 * failures on truncated, corrupted and hostile input.
 */
class PaxosCodecsTest {

  private static final int TRIES = 2_000;

  // ------------------------------------------------------------------------------ round trips

  private static <T> void roundTrips(Codec<T> codec, Function<RandomSource, T> generator) {
    PropertyCheck.forAll(TRIES, generator, value -> {
      byte[] bytes = codec.encode(value);
      assertThat(bytes[0]).isEqualTo((byte) Codec.FORMAT_VERSION);
      T decoded = codec.decode(bytes);
      assertThat(PaxosGen.same(decoded, value)).as("decoded %s", decoded).isTrue();
      // Nested form: the body alone, followed by other data.
      BinaryWriter out = new BinaryWriter();
      codec.write(out, value);
      out.u8(0x7F);
      BinaryReader in = new BinaryReader(out.toByteArray());
      T read = codec.read(in);
      assertThat(PaxosGen.same(read, value)).as("read %s", read).isTrue();
      assertThat(in.u8("sentinel")).isEqualTo(0x7F);
    });
  }

  @Test
  void valueTypesRoundTrip() {
    roundTrips(PaxosCodecs.SLOT, PaxosGen::slot);
    roundTrips(PaxosCodecs.GROUP_ID, PaxosGen::group);
    roundTrips(PaxosCodecs.NODE_ID, PaxosGen::node);
    roundTrips(PaxosCodecs.BALLOT, PaxosGen::ballot);
    roundTrips(PaxosCodecs.LEASE_VOTE, PaxosGen::leaseVote);
    roundTrips(PaxosCodecs.HARD_STATE, PaxosGen::hardState);
    roundTrips(PaxosCodecs.MEMBERSHIP, PaxosGen::membership);
    roundTrips(PaxosCodecs.ENTRY, PaxosGen::entry);
    roundTrips(PaxosCodecs.SNAPSHOT, PaxosGen::snapshot);
  }

  @Test
  void everyMessageTypeRoundTrips() {
    for (int type = 0; type < PaxosGen.MESSAGE_TYPES; type++) {
      int t = type;
      roundTrips(PaxosCodecs.MESSAGE, r -> PaxosGen.message(r, t));
    }
    // The generator covers the whole sealed set, so a new message type fails here until it has a codec.
    RandomSource random = RandomSource.seeded(1);
    List<Class<?>> generated =
        java.util.stream.IntStream.range(0, PaxosGen.MESSAGE_TYPES)
            .<Class<?>>mapToObj(t -> PaxosGen.message(random, t).getClass())
            .toList();
    assertThat(generated).containsExactlyInAnyOrder(Message.class.getPermittedSubclasses());
  }

  @Test
  void messageListsRoundTrip() {
    roundTrips(PaxosCodecs.MESSAGES, PaxosGen::heartbeats);
    roundTrips(PaxosCodecs.MESSAGES, r -> Gen.listOf(r, 4, PaxosGen::message));
  }

  @Test
  void smallValuesEncodeCompactly() {
    byte[] heartbeat =
        PaxosCodecs.MESSAGE.encode(new Message.Heartbeat(new GroupId(7), new Ballot(12, 3), Slot.of(1000)));
    // version, tag, group, round, node, commit (2 bytes): the example of the class comment.
    assertThat(heartbeat).hasSize(1 + 6);
    assertThat(HexFormat.of().formatHex(heartbeat)).isEqualTo("010807" + "0c03" + "e807");
  }

  // ------------------------------------------------------------------------------ bad input

  @Test
  void everyTruncationOfAMessageFailsCleanly() {
    PropertyCheck.forAll(500, PaxosGen::message, message -> {
      byte[] bytes = PaxosCodecs.MESSAGE.encode(message);
      for (int length = 0; length < bytes.length; length++) {
        byte[] prefix = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> PaxosCodecs.MESSAGE.decode(prefix))
            .as("prefix of %d of %d bytes", length, bytes.length)
            .isInstanceOf(CodecException.class);
      }
    });
  }

  @Test
  void corruptedBytesDecodeOrFailCleanly() {
    PropertyCheck.forAll(5_000, r -> corrupt(r, PaxosCodecs.MESSAGE.encode(PaxosGen.message(r))), bytes -> {
      try {
        PaxosCodecs.MESSAGE.decode(bytes);
      } catch (CodecException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    });
  }

  @Test
  void randomBytesDecodeOrFailCleanlyForEveryCodec() {
    List<Codec<?>> codecs =
        List.of(PaxosCodecs.SLOT, PaxosCodecs.BALLOT, PaxosCodecs.LEASE_VOTE, PaxosCodecs.HARD_STATE,
            PaxosCodecs.MEMBERSHIP, PaxosCodecs.ENTRY, PaxosCodecs.SNAPSHOT, PaxosCodecs.MESSAGE,
            PaxosCodecs.MESSAGES);
    PropertyCheck.forAll(5_000, r -> {
      byte[] bytes = Gen.bytes(r, 48);
      if (bytes.length > 0) {
        bytes[0] = (byte) Codec.FORMAT_VERSION;
      }
      return bytes;
    }, bytes -> {
      for (Codec<?> codec : codecs) {
        try {
          codec.decode(bytes);
        } catch (CodecException expected) {
          // fine: anything but another exception
        }
      }
    });
  }

  /** Flips, overwrites, inserts or removes a few bytes. */
  private static byte[] corrupt(RandomSource random, byte[] bytes) {
    byte[] out = bytes;
    int edits = Gen.between(random, 1, 3);
    for (int i = 0; i < edits; i++) {
      int at = random.nextInt(out.length);
      switch (Gen.frequency(random, 3, 3, 1, 1)) {
        case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> out[at] = (byte) Gen.oneOf(random, 0x00, 0x7F, 0x80, 0xFF, random.nextInt(256)).intValue();
        case 2 -> {
          byte[] longer = new byte[out.length + 1];
          System.arraycopy(out, 0, longer, 0, at);
          longer[at] = (byte) random.nextInt(256);
          System.arraycopy(out, at, longer, at + 1, out.length - at);
          out = longer;
        }
        default -> {
          if (out.length > 1) {
            byte[] shorter = new byte[out.length - 1];
            System.arraycopy(out, 0, shorter, 0, at);
            System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
            out = shorter;
          }
        }
      }
    }
    return out;
  }

  @Test
  void aHugeCountIsRefusedBeforeAllocating() {
    // Accept of group 1, ballot (1, n1), then an entry count of 2^31 - 1 with nothing behind it.
    byte[] bytes = HexFormat.of().parseHex("01" + "05" + "01" + "0101" + "ffffffff07");
    assertThatThrownBy(() -> PaxosCodecs.MESSAGE.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entries count")
        .hasMessageContaining("needs more than the 0 bytes left");
  }

  @Test
  void aHugeByteLengthIsRefusedBeforeAllocating() {
    // Snapshot at slot 0, empty membership, data length 2^32 - 1.
    byte[] bytes = HexFormat.of().parseHex("01" + "00" + "00" + "00" + "ffffffff0f");
    assertThatThrownBy(() -> PaxosCodecs.SNAPSHOT.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("snapshot data has length 4294967295");
  }

  @Test
  void aSnapshotChunkOverTheLimitIsRefusedEvenWhenItsBytesAreThere() {
    // SnapshotChunk of group 1, ballot (1, n1), transfer 1, seq 0, slot 0, empty membership, commit
    // 0, then a data length of 1 MiB + 1 followed by that many bytes: a peer may not make us copy it.
    int length = dev.meridian.paxos.messages.Message.MAX_SNAPSHOT_CHUNK_BYTES + 1;
    String header = "01" + "0c" + "01" + "0101" + "01" + "00" + "00" + "0000" + "00" + "818040";
    byte[] head = HexFormat.of().parseHex(header);
    byte[] bytes = java.util.Arrays.copyOf(head, head.length + length + 1);
    assertThat(length).isEqualTo(0x100001);
    assertThatThrownBy(() -> PaxosCodecs.MESSAGE.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("snapshot chunk data")
        .hasMessageContaining("outside [0, " + (length - 1) + "]");
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> PaxosCodecs.MESSAGE.decode(new byte[0]))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("truncated")
        .hasMessageContaining("Message format version");
    assertThatThrownBy(() -> PaxosCodecs.BALLOT.decode(HexFormat.of().parseHex("020101")))
        .hasMessageContaining("unsupported format version 2 of Ballot");
    assertThatThrownBy(() -> PaxosCodecs.BALLOT.decode(HexFormat.of().parseHex("01010100")))
        .hasMessageContaining("Ballot has 1 trailing bytes");
    assertThatThrownBy(() -> PaxosCodecs.BALLOT.decode(HexFormat.of().parseHex("010005")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("malformed Ballot")
        .hasMessageContaining("bad ballot (0, 5)");
    assertThatThrownBy(() -> PaxosCodecs.MESSAGE.decode(HexFormat.of().parseHex("01" + "63" + "01" + "0101")))
        .hasMessageContaining("unknown tag 99");
    assertThatThrownBy(() -> PaxosCodecs.MESSAGE.decode(HexFormat.of().parseHex("01" + "02" + "01" + "0101" + "02" + "0000")))
        .hasMessageContaining("boolean byte of value 2");
    assertThatThrownBy(() -> PaxosCodecs.SLOT.decode(HexFormat.of().parseHex("01" + "ffffffffffffffffff7f")))
        .hasMessageContaining("overflows 64 bits");
    assertThatThrownBy(() -> PaxosCodecs.NODE_ID.decode(HexFormat.of().parseHex("01" + "ffffffff1f")))
        .hasMessageContaining("overflows 32 bits");
    // A conf change entry whose data is not a conf change.
    assertThatThrownBy(() -> PaxosCodecs.ENTRY.decode(HexFormat.of().parseHex("01" + "01" + "0101" + "02" + "0109")))
        .hasMessageContaining("conf change")
        .hasMessageContaining("expected 5 bytes");
    assertThatThrownBy(() -> PaxosCodecs.ENTRY.decode(HexFormat.of().parseHex("01" + "01" + "0101" + "02" + "05" + "0900000001")))
        .hasMessageContaining("unknown type 9");
    assertThatThrownBy(() -> PaxosCodecs.ENTRY.decode(HexFormat.of().parseHex("01" + "00" + "0101" + "00" + "00")))
        .hasMessageContaining("entries start at slot 1");
    assertThatThrownBy(() -> PaxosCodecs.ENTRY.decode(null)).hasMessageContaining("no bytes to decode as Entry");
  }
}
