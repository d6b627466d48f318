package dev.meridian.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.testing.PropertyCheck;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The varint primitives of {@link BinaryWriter} and {@link BinaryReader}: exact bytes at the edges
 * (the paxos codecs' persisted log entries are made of them), round trips, and refusal of overlong
 * varints and of lengths and counts the input cannot hold.
 */
class BinaryVarintTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void edgesHaveTheirLeb128Bytes() {
    assertThat(hexOf(0)).isEqualTo("00");
    assertThat(hexOf(127)).isEqualTo("7f");
    assertThat(hexOf(128)).isEqualTo("8001");
    assertThat(hexOf(16_384)).isEqualTo("808001");
    assertThat(hexOf(Long.MAX_VALUE)).isEqualTo("ffffffffffffffff7f");
    assertThat(hexOf(-1)).isEqualTo("ffffffffffffffffff01");
    assertThat(HEX.formatHex(new BinaryWriter().varInt(-1).toByteArray())).isEqualTo("ffffffff0f");
    assertThat(HEX.formatHex(new BinaryWriter().varBytes(new byte[] {7, 8}).toByteArray())).isEqualTo("020708");
  }

  @Test
  void everyLongRoundTrips() {
    PropertyCheck.forAll(5_000, r -> r.nextLong() >>> r.nextInt(64), value -> {
      BinaryReader in = new BinaryReader(new BinaryWriter().varLong(value).u8(0x55).toByteArray());
      assertThat(in.varLong("value")).isEqualTo(value);
      assertThat(in.u8("sentinel")).isEqualTo(0x55);
      in.expectEnd("value");
    });
  }

  @Test
  void overlongAndOversizedVarintsAreRefused() {
    assertThatThrownBy(() -> reader("ffffffffffffffffff7f").varLong("slot"))
        .isInstanceOf(BinaryReader.MalformedException.class)
        .hasMessageContaining("slot varint overflows 64 bits");
    assertThatThrownBy(() -> reader("ffffffff1f").varInt("node"))
        .hasMessageContaining("node varint 8589934591 overflows 32 bits");
    assertThatThrownBy(() -> reader("8080").varLong("slot")).hasMessageContaining("truncated: slot");
  }

  @Test
  void lengthsAndCountsAreCheckedBeforeAllocating() {
    assertThatThrownBy(() -> reader("ffffffff0f").varBytes("data", Integer.MAX_VALUE))
        .hasMessageContaining("data has length 4294967295, outside [0, 2147483647]");
    assertThatThrownBy(() -> reader("05aabb").varBytes("data", 100)).hasMessageContaining("truncated: data");
    assertThatThrownBy(() -> reader("03aabbcc").varBytes("data", 2)).hasMessageContaining("outside [0, 2]");
    assertThat(reader("02aabb").varBytes("data", 2)).containsExactly(0xaa, 0xbb);
    assertThatThrownBy(() -> reader("ffffffff07").varCount("entries", 1, Integer.MAX_VALUE))
        .hasMessageContaining("entries count 2147483647 needs more than the 0 bytes left");
    assertThatThrownBy(() -> reader("0400000000").varCount("entries", 2, 100))
        .hasMessageContaining("needs more than the 4 bytes left");
    assertThat(reader("0200000000").varCount("entries", 2, 100)).isEqualTo(2);
  }

  private static String hexOf(long value) {
    return HEX.formatHex(new BinaryWriter().varLong(value).toByteArray());
  }

  private static BinaryReader reader(String hex) {
    return new BinaryReader(HEX.parseHex(hex));
  }
}
