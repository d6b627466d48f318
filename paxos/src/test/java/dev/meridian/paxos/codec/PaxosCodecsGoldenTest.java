package dev.meridian.paxos.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The paxos codecs' bytes, pinned. Log entries, hard state and snapshots are on every node's disk
 * ({@code RocksPaxosStorage}), so their layout may change only with a new {@link
 * Codec#FORMAT_VERSION} that still reads the old one; messages are on the wire between nodes of
 * one build, pinned too so a change to the primitives underneath shows. Two kinds of pin: the exact
 * bytes of hand-built values of each persisted type (readable, and independent of any generator),
 * and a SHA-256 over the encodings of many generated values of every codec (every branch of every
 * layout, edges included). A change to {@link PaxosGen} changes the digests but not the hex pins:
 * re-record the digests then only with the hex pins unchanged.
 */
class PaxosCodecsGoldenTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void persistedValuesKeepTheirBytes() {
    Ballot ballot = new Ballot(300, 2);
    assertThat(hex(PaxosCodecs.ENTRY, Entry.command(Slot.of(1_000_000), ballot, utf8("put k v"))))
        .isEqualTo("01c0843dac02020007707574206b2076");
    assertThat(hex(PaxosCodecs.ENTRY, Entry.noop(Slot.of(1), Ballot.ZERO))).isEqualTo("010100000100");
    assertThat(hex(PaxosCodecs.ENTRY, Entry.confChange(Slot.of(128), ballot, ConfChange.promote(new NodeId(5)))))
        .isEqualTo("018001ac020202050100000005");
    assertThat(hex(PaxosCodecs.HARD_STATE, HardState.INITIAL)).isEqualTo("01000000000000");
    assertThat(hex(PaxosCodecs.HARD_STATE,
        new HardState(ballot, new LeaseVote(ballot, 1_733_000_000_000_000L), Slot.of(Long.MAX_VALUE))))
        .isEqualTo("01ac0202ac020280a0958bf8848a03ffffffffffffffff7f");
    Membership membership =
        new Membership(List.of(new NodeId(1), new NodeId(2), new NodeId(300)), List.of(new NodeId(4)));
    assertThat(hex(PaxosCodecs.SNAPSHOT, new Snapshot(Slot.of(16_384), membership, utf8("state"))))
        .isEqualTo("01808001030102ac020104057374617465");
  }

  @Test
  void generatedValuesKeepTheirBytes() {
    assertThat(digest(PaxosCodecs.ENTRY, PaxosGen::entry))
        .isEqualTo("0f3cd7241666d4811330b4bb8d9795d53071f1435be377e1c5fc57d34717453d");
    assertThat(digest(PaxosCodecs.HARD_STATE, PaxosGen::hardState))
        .isEqualTo("e1cea380c659287fc6c1fbdcebdbfb3e1e3e35b592787b68d891062f293035c9");
    assertThat(digest(PaxosCodecs.SNAPSHOT, PaxosGen::snapshot))
        .isEqualTo("052715cf86af83340e86d48898ffe75557b9451111cf81375862b22122c9b469");
    assertThat(digest(PaxosCodecs.MEMBERSHIP, PaxosGen::membership))
        .isEqualTo("3aeebd50842d2d662445aaf068502f305c52827c849e9e5053fa9b79237660ba");
    assertThat(digest(PaxosCodecs.MESSAGE, PaxosGen::message))
        .isEqualTo("abf0de68d164833f9b8707962af1f586f9159b195cdb8340d93e83ef622c3544");
    assertThat(digest(PaxosCodecs.MESSAGES, PaxosGen::heartbeats))
        .isEqualTo("ef2444ff508d8e916fb8ecabdfb3ad9c6c7e7bf7fe3e38a28d261f65e56fe8f3");
  }

  private static <T> String hex(Codec<T> codec, T value) {
    return HEX.formatHex(codec.encode(value));
  }

  /** SHA-256 of 2,000 length-prefixed encodings drawn from one fixed seed. */
  private static <T> String digest(Codec<T> codec, Function<RandomSource, T> generator) {
    RandomSource random = RandomSource.seeded(0x901DE7L);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < 2_000; i++) {
        byte[] bytes = codec.encode(generator.apply(random));
        sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
            (byte) (bytes.length >>> 8), (byte) bytes.length});
        sha.update(bytes);
      }
      return HEX.formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
