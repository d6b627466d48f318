package dev.meridian.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The decimal layout byte for byte, and the non-canonical forms decoding must refuse. */
class OrderedDecimalsTest {

  private static String hex(BigDecimal value) {
    ByteSink sink = new ByteSink(8);
    OrderedDecimals.write(value, sink);
    return HexFormat.of().withUpperCase().formatHex(sink.toByteArray());
  }

  private static BigDecimal read(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    ColumnInput in = new ColumnInput(bytes, 0, 0, KeyColumn.asc(SqlType.DECIMAL));
    BigDecimal value = OrderedDecimals.read(in);
    assertThat(in.position()).isEqualTo(bytes.length);
    return value;
  }

  @Test
  void layoutOfSmallValues() {
    assertThat(hex(BigDecimal.ZERO)).isEqualTo("02");
    // 1 = 0.(01) × 100^1: decimal exponent 1 is odd, so a 0 goes in front.
    assertThat(hex(new BigDecimal("1"))).isEqualTo("03" + "80000001" + "02" + "00");
    // 12 = 0.(12) × 100^1
    assertThat(hex(new BigDecimal("12"))).isEqualTo("03" + "80000001" + "0D" + "00");
    // 123 = 0.(01)(23) × 100^2
    assertThat(hex(new BigDecimal("123"))).isEqualTo("03" + "80000002" + "02" + "18" + "00");
    // 0.5 = 0.(50) × 100^0: the trailing pad 0 makes the last pair 50.
    assertThat(hex(new BigDecimal("0.5"))).isEqualTo("03" + "80000000" + "33" + "00");
    // 0.001 = 0.1 × 10^-2 = 0.(10) × 100^-1: even exponent, one digit padded behind.
    assertThat(hex(new BigDecimal("0.001"))).isEqualTo("03" + "7FFFFFFF" + "0B" + "00");
    // -1: sign 0x01, then the positive layout inverted.
    assertThat(hex(new BigDecimal("-1"))).isEqualTo("01" + "7FFFFFFE" + "FD" + "FF");
  }

  @Test
  void readsBackTheNormalizedValue() {
    for (String text :
        new String[] {
          "1", "-1", "12", "123", "0.5", "0.001", "-0.001", "1E+100", "-9.99E-100", "100"
        }) {
      BigDecimal value = new BigDecimal(text);
      BigDecimal decoded = read(hex(value));
      assertThat(decoded).isEqualTo(value.stripTrailingZeros());
    }
  }

  @Test
  void extremeScalesRoundTrip() {
    for (BigDecimal value :
        new BigDecimal[] {
          new BigDecimal(java.math.BigInteger.ONE, Integer.MAX_VALUE),
          new BigDecimal(java.math.BigInteger.valueOf(-123456789), Integer.MAX_VALUE),
          new BigDecimal(java.math.BigInteger.valueOf(99), Integer.MIN_VALUE),
          new BigDecimal(java.math.BigInteger.valueOf(-7), Integer.MIN_VALUE + 1),
        }) {
      assertThat(read(hex(value))).isEqualTo(value);
    }
  }

  @Test
  void refusesForeignSignBytes() {
    assertThatThrownBy(() -> read("04"))
        .hasMessageContaining(
            "DECIMAL sign byte 0x04; expected 0x01 (negative), 0x02 (zero) or 0x03 (positive)");
  }

  @Test
  void refusesNonNormalizedDigits() {
    assertThatThrownBy(() -> read("03" + "80000001" + "01" + "02" + "00"))
        .hasMessageContaining("at offset 5: DECIMAL digits start with a zero pair");
    assertThatThrownBy(() -> read("03" + "80000001" + "02" + "01" + "00"))
        .hasMessageContaining("at offset 6: DECIMAL digits end with a zero pair");
    assertThatThrownBy(() -> read("03" + "80000001" + "00"))
        .hasMessageContaining("DECIMAL has a sign and exponent but no digits");
    assertThatThrownBy(() -> read("03" + "80000001" + "65" + "00"))
        .hasMessageContaining("at offset 5: DECIMAL digit-pair byte 0x65 above 0x64");
  }

  @Test
  void refusesAnExponentNoBigDecimalHas() {
    // 0.(01) × 100^-2^31: scale = 1 + 2^32 - 1, far above Integer.MAX_VALUE.
    assertThatThrownBy(() -> read("03" + "00000000" + "02" + "00"))
        .hasMessageContaining("outside int range");
  }
}
