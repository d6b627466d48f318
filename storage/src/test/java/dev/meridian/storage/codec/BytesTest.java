package dev.meridian.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {

  @Test
  void isImmutableAndOrdersUnsigned() {
    byte[] source = {1, 2};
    Bytes value = Bytes.of(source);
    source[0] = 9;
    assertThat(value.byteAt(0)).isEqualTo((byte) 1);
    value.toByteArray()[1] = 9;
    assertThat(value)
        .isEqualTo(Bytes.of((byte) 1, (byte) 2))
        .hasSameHashCodeAs(Bytes.of((byte) 1, (byte) 2));
    assertThat(Bytes.of((byte) 0x7F).compareTo(Bytes.of((byte) 0x80))).isNegative();
    assertThat(Bytes.EMPTY.compareTo(Bytes.of((byte) 0))).isNegative();
    assertThat(Bytes.of((byte) 0x00, (byte) 0xAB)).hasToString("X'00AB'");
  }
}
