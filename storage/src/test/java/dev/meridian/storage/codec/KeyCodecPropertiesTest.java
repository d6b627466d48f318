package dev.meridian.storage.codec;

import static dev.meridian.storage.codec.SqlValueGen.show;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.codec.SqlValueGen.Pair;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec's contract, checked against {@link SqlValueOrder} as the oracle: for every type and
 * both directions, byte order of encodings equals SQL order of values, decoding gives back an
 * SQL-equal value, and no encoding is a proper prefix of another. The seed is {@link
 * PropertyCheck}'s, fixed unless {@code -Dmeridian.seed} says otherwise, so a run is reproducible.
 */
class KeyCodecPropertiesTest {

  /** Cases per SQL type; the codec's issue asks for at least 10,000. */
  private static final int TRIES_PER_TYPE = 10_000;

  @Test
  void booleans() {
    checkType(SqlType.BOOLEAN);
  }

  @Test
  void integers() {
    checkType(SqlType.INTEGER);
  }

  @Test
  void bigints() {
    checkType(SqlType.BIGINT);
  }

  @Test
  void doubles() {
    checkType(SqlType.DOUBLE);
  }

  @Test
  void decimals() {
    checkType(SqlType.DECIMAL);
  }

  @Test
  void varchars() {
    checkType(SqlType.VARCHAR);
  }

  @Test
  void varbinaries() {
    checkType(SqlType.VARBINARY);
  }

  @Test
  void dates() {
    checkType(SqlType.DATE);
  }

  @Test
  void timestamps() {
    checkType(SqlType.TIMESTAMP);
  }

  private static void checkType(SqlType type) {
    PropertyCheck.forAll(
        TRIES_PER_TYPE,
        random -> SqlValueGen.pair(type, random),
        pair -> checkBothDirections(type, pair));
  }

  /** Two rows of one key shape, behind a common raw prefix. */
  record Composite(List<KeyColumn> columns, List<Object> a, List<Object> b, byte[] prefix) {
    @Override
    public String toString() {
      return "Composite[columns="
          + columns
          + ", a="
          + a.stream().map(SqlValueGen::show).toList()
          + ", b="
          + b.stream().map(SqlValueGen::show).toList()
          + ", prefix="
          + hex(prefix)
          + "]";
    }
  }

  @Test
  void compositeKeys() {
    PropertyCheck.forAll(
        20_000, KeyCodecPropertiesTest::composite, KeyCodecPropertiesTest::checkComposite);
  }

  private static void checkComposite(Composite c) {
    byte[] ea = encodeBehindPrefix(c.prefix(), c.columns(), c.a());
    byte[] eb = encodeBehindPrefix(c.prefix(), c.columns(), c.b());

    int expected = Integer.signum(SqlValueOrder.ofKey(c.columns()).compare(c.a(), c.b()));
    assertThat(Integer.signum(Arrays.compareUnsigned(ea, eb)))
        .as("byte order vs SQL order")
        .isEqualTo(expected);

    for (var row : List.of(List.of(ea, c.a()), List.of(eb, c.b()))) {
      byte[] encoded = (byte[]) row.get(0);
      @SuppressWarnings("unchecked")
      List<Object> values = (List<Object>) row.get(1);
      List<Object> decoded = KeyCodec.decode(c.columns(), encoded, c.prefix().length);
      assertThat(SqlValueOrder.ofKey(c.columns()).compare(decoded, values))
          .as("decoded %s", decoded)
          .isZero();
      assertThat(encodeBehindPrefix(c.prefix(), c.columns(), decoded)).isEqualTo(encoded);
    }
  }

  /**
   * Two to four columns of random types and directions behind a 0..3 byte raw prefix. Half the
   * columns tie, so later columns decide the order often enough to be tested.
   */
  private static Composite composite(RandomSource random) {
    int width = Gen.between(random, 2, 4);
    List<KeyColumn> columns = new ArrayList<>();
    List<Object> a = new ArrayList<>();
    List<Object> b = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      SqlType type = Gen.oneOf(random, SqlType.values());
      columns.add(new KeyColumn(type, Gen.oneOf(random, SortOrder.values())));
      Pair pair;
      if (random.chance(0.5)) {
        pair = SqlValueGen.pair(type, random);
      } else {
        Object tie = SqlValueGen.value(type, random);
        pair = new Pair(tie, tie);
      }
      a.add(pair.a());
      b.add(pair.b());
    }
    return new Composite(List.copyOf(columns), a, b, Gen.bytes(random, 3));
  }

  private static byte[] encodeBehindPrefix(
      byte[] prefix, List<KeyColumn> columns, List<Object> values) {
    KeyWriter writer = new KeyWriter().appendRaw(prefix);
    for (int i = 0; i < columns.size(); i++) {
      writer.append(columns.get(i), values.get(i));
    }
    return writer.toByteArray();
  }

  private static void checkBothDirections(SqlType type, Pair pair) {
    for (SortOrder order : SortOrder.values()) {
      KeyColumn column = new KeyColumn(type, order);
      byte[] ea = encode(column, pair.a());
      byte[] eb = encode(column, pair.b());

      int expected = Integer.signum(SqlValueOrder.of(column).compare(pair.a(), pair.b()));
      assertThat(Integer.signum(Arrays.compareUnsigned(ea, eb)))
          .as(
              "%s: byte order of %s vs %s, encoded %s vs %s",
              column, show(pair.a()), show(pair.b()), hex(ea), hex(eb))
          .isEqualTo(expected);

      if (!Arrays.equals(ea, eb)) {
        int firstDifference = Arrays.mismatch(ea, eb);
        assertThat(firstDifference)
            .as("%s: one encoding is a prefix of the other: %s vs %s", column, hex(ea), hex(eb))
            .isLessThan(Math.min(ea.length, eb.length));
      }

      checkRoundTrip(column, pair.a(), ea);
      checkRoundTrip(column, pair.b(), eb);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] encode(KeyColumn column, Object value) {
    return KeyCodec.encode(List.of(column), Arrays.asList(value));
  }

  private static void checkRoundTrip(KeyColumn column, Object value, byte[] encoded) {
    Object decoded = KeyCodec.decode(List.of(column), encoded).get(0);
    assertThat(SqlValueOrder.compare(column.type(), decoded, value))
        .as("%s: decode(encode(%s)) = %s", column, show(value), show(decoded))
        .isZero();
    assertThat(encode(column, decoded))
        .as("%s: re-encoding %s", column, show(decoded))
        .isEqualTo(encoded);
    if (value == null) {
      return;
    }
    assertThat(decoded).isInstanceOf(column.type().javaType());
    switch (column.type()) {
      case DOUBLE -> {
        double d = (Double) value;
        double expected = Double.isNaN(d) ? Double.NaN : d == 0.0 ? 0.0 : d;
        assertThat(Double.doubleToRawLongBits((Double) decoded))
            .isEqualTo(Double.doubleToRawLongBits(expected));
      }
      case DECIMAL -> {
        BigDecimal d = (BigDecimal) decoded;
        boolean normalized =
            d.signum() == 0
                ? d.equals(BigDecimal.ZERO)
                : d.unscaledValue().mod(BigInteger.TEN).signum() != 0
                    || d.scale() == Integer.MIN_VALUE;
        assertThat(normalized).as("%s is normalized", d).isTrue();
      }
      default -> assertThat(decoded).isEqualTo(value);
    }
  }
}
