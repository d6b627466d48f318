package dev.meridian.storage.codec;

import static dev.meridian.storage.codec.SqlType.BIGINT;
import static dev.meridian.storage.codec.SqlType.BOOLEAN;
import static dev.meridian.storage.codec.SqlType.DATE;
import static dev.meridian.storage.codec.SqlType.DECIMAL;
import static dev.meridian.storage.codec.SqlType.DOUBLE;
import static dev.meridian.storage.codec.SqlType.INTEGER;
import static dev.meridian.storage.codec.SqlType.TIMESTAMP;
import static dev.meridian.storage.codec.SqlType.VARBINARY;
import static dev.meridian.storage.codec.SqlType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented corner cases of {@link KeyCodec}, one example each, with the exact bytes. */
class KeyCodecTest {

  private static byte[] enc(KeyColumn column, Object value) {
    return KeyCodec.encode(List.of(column), Arrays.asList(value));
  }

  private static Object dec(KeyColumn column, byte[] bytes) {
    return KeyCodec.decode(List.of(column), bytes).get(0);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().withUpperCase().formatHex(bytes);
  }

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static int cmp(byte[] a, byte[] b) {
    return Integer.signum(Arrays.compareUnsigned(a, b));
  }

  @Test
  void integersAreBigEndianWithTheSignBitFlipped() {
    assertThat(hex(enc(KeyColumn.asc(INTEGER), 1))).isEqualTo("0180000001");
    assertThat(hex(enc(KeyColumn.asc(INTEGER), -1))).isEqualTo("017FFFFFFF");
    assertThat(hex(enc(KeyColumn.asc(INTEGER), Integer.MIN_VALUE))).isEqualTo("0100000000");
    assertThat(hex(enc(KeyColumn.asc(BIGINT), Long.MAX_VALUE))).isEqualTo("01FFFFFFFFFFFFFFFF");
  }

  @Test
  void aDescendingColumnIsTheAscendingBytesInvertedMarkerIncluded() {
    assertThat(hex(enc(KeyColumn.desc(INTEGER), 1))).isEqualTo("FE7FFFFFFE");
    assertThat(dec(KeyColumn.desc(INTEGER), bytes("FE7FFFFFFE"))).isEqualTo(1);
  }

  @Test
  void nullSortsFirstInAnAscendingColumnAndLastInADescendingOne() {
    for (SqlType type : SqlType.values()) {
      Object smallest = smallestValue(type);
      assertThat(hex(enc(KeyColumn.asc(type), null))).isEqualTo("00");
      assertThat(hex(enc(KeyColumn.desc(type), null))).isEqualTo("FF");
      assertThat(cmp(enc(KeyColumn.asc(type), null), enc(KeyColumn.asc(type), smallest)))
          .as("%s ASC: NULL before the smallest value", type)
          .isEqualTo(-1);
      assertThat(cmp(enc(KeyColumn.desc(type), null), enc(KeyColumn.desc(type), smallest)))
          .as("%s DESC: NULL after every value", type)
          .isEqualTo(1);
      assertThat(dec(KeyColumn.asc(type), enc(KeyColumn.asc(type), null))).isNull();
      assertThat(dec(KeyColumn.desc(type), enc(KeyColumn.desc(type), null))).isNull();
    }
  }

  private static Object smallestValue(SqlType type) {
    return switch (type) {
      case BOOLEAN -> false;
      case INTEGER -> Integer.MIN_VALUE;
      case BIGINT -> Long.MIN_VALUE;
      case DOUBLE -> Double.NEGATIVE_INFINITY;
      case DECIMAL -> new BigDecimal("-1E+1000000");
      case VARCHAR -> "";
      case VARBINARY -> Bytes.EMPTY;
      case DATE -> LocalDate.MIN;
      case TIMESTAMP -> LocalDateTime.MIN;
    };
  }

  @Test
  void everyNanEncodesAsOneNanThatSortsAfterPositiveInfinity() {
    KeyColumn column = KeyColumn.asc(DOUBLE);
    byte[] nan = enc(column, Double.NaN);
    assertThat(hex(nan)).isEqualTo("01FFF8000000000000");
    for (long bits :
        new long[] {
          0x7FF0_0000_0000_0001L,
          0xFFF8_0000_0000_0000L,
          0xFFFF_FFFF_FFFF_FFFFL,
          0x7FF4_0000_0000_1234L
        }) {
      double otherNan = Double.longBitsToDouble(bits);
      assertThat(otherNan).isNaN();
      assertThat(enc(column, otherNan)).isEqualTo(nan);
    }
    assertThat(cmp(enc(column, Double.POSITIVE_INFINITY), nan)).isEqualTo(-1);
    assertThat(
            cmp(
                enc(KeyColumn.desc(DOUBLE), Double.POSITIVE_INFINITY),
                enc(KeyColumn.desc(DOUBLE), Double.NaN)))
        .isEqualTo(1);
    assertThat((Double) dec(column, nan)).isNaN();
  }

  @Test
  void negativeZeroEncodesAsZeroAndDecodesAsPositiveZero() {
    KeyColumn column = KeyColumn.asc(DOUBLE);
    assertThat(enc(column, -0.0)).isEqualTo(enc(column, 0.0));
    assertThat(hex(enc(column, 0.0))).isEqualTo("018000000000000000");
    double decoded = (Double) dec(column, enc(column, -0.0));
    assertThat(Double.doubleToRawLongBits(decoded)).isZero();
    assertThat(cmp(enc(column, -Double.MIN_VALUE), enc(column, -0.0))).isEqualTo(-1);
    assertThat(cmp(enc(column, -0.0), enc(column, Double.MIN_VALUE))).isEqualTo(-1);
  }

  @Test
  void decimalsThatAreNumericallyEqualHaveOneEncodingAndDecodeNormalized() {
    KeyColumn column = KeyColumn.asc(DECIMAL);
    byte[] one = enc(column, BigDecimal.ONE);
    assertThat(enc(column, new BigDecimal("1.0"))).isEqualTo(one);
    assertThat(enc(column, new BigDecimal("1.000000"))).isEqualTo(one);
    assertThat(enc(column, new BigDecimal("0.1E+1"))).isEqualTo(one);
    assertThat(dec(column, one)).isEqualTo(BigDecimal.ONE);
    assertThat(dec(column, enc(column, new BigDecimal("1200.00"))))
        .isEqualTo(new BigDecimal("1.2E+3"));
    assertThat(enc(column, new BigDecimal("0E-10"))).isEqualTo(enc(column, BigDecimal.ZERO));
    assertThat(dec(column, enc(column, new BigDecimal("0E+7")))).isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void aStringSortsBeforeItsExtensionsInBothDirections() {
    String[] ascending = {
      "", "\u0000", "\u0000\u0000", "\u0000a", "a", "a\u0000", "a\u0000b", "ab", "abc", "b"
    };
    for (int i = 0; i + 1 < ascending.length; i++) {
      byte[] a = enc(KeyColumn.asc(VARCHAR), ascending[i]);
      byte[] b = enc(KeyColumn.asc(VARCHAR), ascending[i + 1]);
      assertThat(cmp(a, b)).as("%s < %s", ascending[i], ascending[i + 1]).isEqualTo(-1);
      byte[] da = enc(KeyColumn.desc(VARCHAR), ascending[i]);
      byte[] db = enc(KeyColumn.desc(VARCHAR), ascending[i + 1]);
      assertThat(cmp(da, db)).as("DESC %s > %s", ascending[i], ascending[i + 1]).isEqualTo(1);
    }
    assertThat(hex(enc(KeyColumn.asc(VARCHAR), "a\u0000"))).isEqualTo("016100FF0001");
  }

  @Test
  void stringsOrderByCodePointNotByUtf16Unit() {
    String supplementary = "\uD83D\uDE00"; // U+1F600, above U+FFFF
    String privateUse = "\uE000";
    assertThat(supplementary.compareTo(privateUse)).isNegative(); // Java's UTF-16 order ...
    assertThat(
            cmp(
                enc(KeyColumn.asc(VARCHAR), privateUse),
                enc(KeyColumn.asc(VARCHAR), supplementary)))
        .isEqualTo(-1); // ... is not ours
    assertThat(dec(KeyColumn.asc(VARCHAR), enc(KeyColumn.asc(VARCHAR), supplementary)))
        .isEqualTo(supplementary);
  }

  @Test
  void binaryValuesEscapeZeroAndKeepFf() {
    Bytes value = Bytes.of((byte) 0x00, (byte) 0xFF, (byte) 0x01);
    assertThat(hex(enc(KeyColumn.asc(VARBINARY), value))).isEqualTo("0100FFFF010001");
    assertThat(dec(KeyColumn.asc(VARBINARY), enc(KeyColumn.asc(VARBINARY), value)))
        .isEqualTo(value);
    assertThat(dec(KeyColumn.desc(VARBINARY), enc(KeyColumn.desc(VARBINARY), Bytes.EMPTY)))
        .isEqualTo(Bytes.EMPTY);
  }

  @Test
  void datesAndTimestampsCoverTheirWholeJavaRange() {
    for (LocalDate date : List.of(LocalDate.MIN, LocalDate.EPOCH, LocalDate.MAX)) {
      assertThat(dec(KeyColumn.desc(DATE), enc(KeyColumn.desc(DATE), date))).isEqualTo(date);
    }
    for (LocalDateTime time :
        List.of(
            LocalDateTime.MIN,
            LocalDateTime.MAX,
            LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999))) {
      assertThat(dec(KeyColumn.asc(TIMESTAMP), enc(KeyColumn.asc(TIMESTAMP), time)))
          .isEqualTo(time);
    }
    assertThat(hex(enc(KeyColumn.asc(TIMESTAMP), LocalDateTime.of(1970, 1, 1, 0, 0, 1, 2))))
        .isEqualTo("01" + "8000000000000001" + "00000002");
    assertThat(hex(enc(KeyColumn.asc(DATE), LocalDate.of(1969, 12, 31))))
        .isEqualTo("017FFFFFFFFFFFFFFF");
  }

  @Test
  void aKeyCanSitBehindAPrefixAndBeforeASuffix() {
    List<KeyColumn> columns = List.of(KeyColumn.asc(VARCHAR), KeyColumn.desc(BIGINT));
    byte[] key =
        new KeyWriter()
            .appendRaw(new byte[] {7, 7})
            .append(columns.get(0), "x")
            .append(columns.get(1), 42L)
            .appendRaw(new byte[] {9})
            .toByteArray();
    KeyReader reader = new KeyReader(key, 2);
    assertThat(reader.read(columns.get(0))).isEqualTo("x");
    assertThat(reader.read(columns.get(1))).isEqualTo(42L);
    assertThat(reader.position()).isEqualTo(key.length - 1);
    assertThat(reader.atEnd()).isFalse();
    assertThat(KeyCodec.decode(columns, Arrays.copyOf(key, key.length - 1), 2))
        .containsExactly("x", 42L);
  }

  @Test
  void aValueOfTheWrongJavaTypeIsRejectedNamingTheColumn() {
    List<KeyColumn> columns = List.of(KeyColumn.asc(INTEGER), KeyColumn.desc(BIGINT));
    assertThatThrownBy(() -> KeyCodec.encode(columns, List.of(1, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Column 1 (BIGINT DESC): a BIGINT value must be a java.lang.Long, got a"
                + " java.lang.Integer");
    assertThatThrownBy(
            () -> KeyCodec.encode(List.of(KeyColumn.asc(VARBINARY)), List.of(new byte[0])))
        .hasMessageContaining(
            "Column 0 (VARBINARY ASC): a VARBINARY value must be a"
                + " dev.meridian.storage.codec.Bytes");
    assertThatThrownBy(() -> KeyCodec.encode(columns, List.of(1)))
        .hasMessage("a key with 2 columns needs 2 values, got 1");
  }

  @Test
  void aStringWithAnUnpairedSurrogateIsRejected() {
    assertThatThrownBy(() -> enc(KeyColumn.asc(VARCHAR), "ab\uD800c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Column 0 (VARCHAR ASC): the string has an unpaired surrogate U+D800 at index 2");
    assertThatThrownBy(() -> enc(KeyColumn.asc(VARCHAR), "\uDC00"))
        .hasMessageContaining("unpaired surrogate U+DC00 at index 0");
    assertThatThrownBy(() -> enc(KeyColumn.asc(VARCHAR), "x\uD83D"))
        .hasMessageContaining("unpaired surrogate U+D83D at index 1");
  }

  @Test
  void aRejectedValueLeavesTheWriterAsItWas() {
    KeyWriter writer = new KeyWriter().append(KeyColumn.asc(INTEGER), 5);
    byte[] before = writer.toByteArray();
    assertThatThrownBy(() -> writer.append(KeyColumn.asc(VARCHAR), "\uD800"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(writer.toByteArray()).isEqualTo(before);
    assertThat(writer.columnCount()).isEqualTo(1);
  }

  @Test
  void aDecimalWhoseNormalizedScaleIsBelowIntRangeIsRejected() {
    BigDecimal tooBig = new BigDecimal(java.math.BigInteger.TEN, Integer.MIN_VALUE);
    assertThatThrownBy(() -> enc(KeyColumn.asc(DECIMAL), tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Column 0 (DECIMAL ASC)")
        .hasMessageContaining("normalized form has scale -2147483649");
    BigDecimal justFits = new BigDecimal(java.math.BigInteger.ONE, Integer.MIN_VALUE);
    assertThat(dec(KeyColumn.asc(DECIMAL), enc(KeyColumn.asc(DECIMAL), justFits)))
        .isEqualTo(justFits);
  }

  @Test
  void malformedKeysAreRejectedNamingColumnAndOffset() {
    List<KeyColumn> two = List.of(KeyColumn.asc(BOOLEAN), KeyColumn.asc(INTEGER));
    assertThatThrownBy(() -> KeyCodec.decode(two, bytes("0101018000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Malformed key: column 1 (INTEGER ASC) at offset 5: the key ends inside the column");
    assertThatThrownBy(() -> KeyCodec.decode(two, bytes("0102")))
        .hasMessage(
            "Malformed key: column 0 (BOOLEAN ASC) at offset 1: BOOLEAN byte 0x02; expected 0x00 or"
                + " 0x01");
    assertThatThrownBy(() -> KeyCodec.decode(two, bytes("0200")))
        .hasMessageStartingWith(
            "Malformed key: column 0 (BOOLEAN ASC) at offset 0: marker byte 0x02");
    assertThatThrownBy(() -> KeyCodec.decode(two, bytes("010100AA")))
        .hasMessage("Malformed key: 1 bytes left at offset 3 after the last of 2 columns");
    assertThatThrownBy(() -> dec(KeyColumn.asc(VARCHAR), bytes("01610002")))
        .hasMessageStartingWith(
            "Malformed key: column 0 (VARCHAR ASC) at offset 3: byte 0x02 after 0x00");
    assertThatThrownBy(() -> dec(KeyColumn.desc(VARCHAR), bytes("FE9EFF")))
        .hasMessage(
            "Malformed key: column 0 (VARCHAR DESC) at offset 3: the key ends inside the column");
    assertThatThrownBy(() -> dec(KeyColumn.asc(VARCHAR), bytes("01C0800001")))
        .hasMessageStartingWith(
            "Malformed key: column 0 (VARCHAR ASC) at offset 1: the string is not well-formed"
                + " UTF-8");
    assertThatThrownBy(() -> dec(KeyColumn.asc(VARCHAR), bytes("01EDA0800001")))
        .as("an encoded surrogate is not UTF-8")
        .hasMessageContaining("not well-formed UTF-8");
    assertThatThrownBy(() -> dec(KeyColumn.asc(DOUBLE), bytes("017FFFFFFFFFFFFFFF")))
        .as("-0.0")
        .hasMessageStartingWith(
            "Malformed key: column 0 (DOUBLE ASC) at offset 1: DOUBLE bits 0x8000000000000000 are"
                + " not canonical");
    assertThatThrownBy(() -> dec(KeyColumn.asc(DOUBLE), bytes("01FFF8000000000001")))
        .hasMessageContaining("not canonical");
    assertThatThrownBy(() -> dec(KeyColumn.asc(DATE), bytes("01FFFFFFFFFFFFFFFF")))
        .hasMessageContaining("outside LocalDate's range");
    assertThatThrownBy(() -> dec(KeyColumn.asc(TIMESTAMP), bytes("01800000000000000040000000")))
        .hasMessage(
            "Malformed key: column 0 (TIMESTAMP ASC) at offset 9: TIMESTAMP nano-of-second"
                + " 1073741824 is outside 0..999999999");
    assertThatThrownBy(() -> dec(KeyColumn.asc(TIMESTAMP), bytes("01FFFFFFFFFFFFFFFF00000000")))
        .hasMessageContaining("outside LocalDateTime's range");
    assertThatThrownBy(() -> new KeyReader(new byte[2], 3))
        .hasMessage("offset 3 is outside a key of 2 bytes");
  }
}
