package dev.meridian.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.codec.SqlValueArbitraries.Pair;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The codec's contract, checked against {@link SqlValueOrder} as the oracle: for every type and
 * both directions, byte order of encodings equals SQL order of values, decoding gives back an
 * SQL-equal value, and no encoding is a proper prefix of another. Seeds are fixed so a run is
 * reproducible.
 */
class KeyCodecPropertiesTest {

  private static final String SEED = "2026112101";

  @Property(tries = 10_000, seed = SEED)
  void booleans(@ForAll("booleanPairs") Pair pair) {
    checkBothDirections(SqlType.BOOLEAN, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void integers(@ForAll("integerPairs") Pair pair) {
    checkBothDirections(SqlType.INTEGER, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void bigints(@ForAll("bigintPairs") Pair pair) {
    checkBothDirections(SqlType.BIGINT, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void doubles(@ForAll("doublePairs") Pair pair) {
    checkBothDirections(SqlType.DOUBLE, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void decimals(@ForAll("decimalPairs") Pair pair) {
    checkBothDirections(SqlType.DECIMAL, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void varchars(@ForAll("varcharPairs") Pair pair) {
    checkBothDirections(SqlType.VARCHAR, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void varbinaries(@ForAll("varbinaryPairs") Pair pair) {
    checkBothDirections(SqlType.VARBINARY, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void dates(@ForAll("datePairs") Pair pair) {
    checkBothDirections(SqlType.DATE, pair);
  }

  @Property(tries = 10_000, seed = SEED)
  void timestamps(@ForAll("timestampPairs") Pair pair) {
    checkBothDirections(SqlType.TIMESTAMP, pair);
  }

  @Provide
  Arbitrary<Pair> booleanPairs() {
    return SqlValueArbitraries.pairs(SqlType.BOOLEAN);
  }

  @Provide
  Arbitrary<Pair> integerPairs() {
    return SqlValueArbitraries.pairs(SqlType.INTEGER);
  }

  @Provide
  Arbitrary<Pair> bigintPairs() {
    return SqlValueArbitraries.pairs(SqlType.BIGINT);
  }

  @Provide
  Arbitrary<Pair> doublePairs() {
    return SqlValueArbitraries.pairs(SqlType.DOUBLE);
  }

  @Provide
  Arbitrary<Pair> decimalPairs() {
    return SqlValueArbitraries.pairs(SqlType.DECIMAL);
  }

  @Provide
  Arbitrary<Pair> varcharPairs() {
    return SqlValueArbitraries.pairs(SqlType.VARCHAR);
  }

  @Provide
  Arbitrary<Pair> varbinaryPairs() {
    return SqlValueArbitraries.pairs(SqlType.VARBINARY);
  }

  @Provide
  Arbitrary<Pair> datePairs() {
    return SqlValueArbitraries.pairs(SqlType.DATE);
  }

  @Provide
  Arbitrary<Pair> timestampPairs() {
    return SqlValueArbitraries.pairs(SqlType.TIMESTAMP);
  }

  /** Two rows of one key shape, behind a common raw prefix. */
  record Composite(List<KeyColumn> columns, List<Object> a, List<Object> b, byte[] prefix) {
    @Override
    public String toString() {
      return "Composite[columns="
          + columns
          + ", a="
          + a
          + ", b="
          + b
          + ", prefix="
          + Arrays.toString(prefix)
          + "]";
    }
  }

  @Property(tries = 20_000, seed = SEED)
  void compositeKeys(@ForAll("composites") Composite c) {
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

  /** One column of a composite key with the two rows' values for it. */
  record Slot(KeyColumn column, Pair pair) {}

  @Provide
  Arbitrary<Composite> composites() {
    // One fixed arbitrary per type rather than a flatMap from the drawn columns: jqwik would
    // rebuild
    // the whole generator graph on every try, which made this property take minutes.
    List<Arbitrary<Slot>> perType = new ArrayList<>();
    for (SqlType type : SqlType.values()) {
      // Half the slots tie, so later columns decide the order often enough to be tested.
      Arbitrary<Pair> pairOrTie =
          Arbitraries.oneOf(
              SqlValueArbitraries.pairs(type),
              SqlValueArbitraries.values(type).map(v -> new Pair(v, v)));
      perType.add(
          Combinators.combine(Arbitraries.of(SortOrder.class), pairOrTie)
              .as((order, pair) -> new Slot(new KeyColumn(type, order), pair)));
    }
    Arbitrary<List<Slot>> slots = Arbitraries.oneOf(perType).list().ofMinSize(2).ofMaxSize(4);
    Arbitrary<byte[]> prefix = Arbitraries.bytes().array(byte[].class).ofMaxSize(3);
    return Combinators.combine(slots, prefix)
        .as(
            (drawn, bytes) -> {
              List<KeyColumn> columns = new ArrayList<>();
              List<Object> a = new ArrayList<>();
              List<Object> b = new ArrayList<>();
              for (Slot slot : drawn) {
                columns.add(slot.column());
                a.add(slot.pair().a());
                b.add(slot.pair().b());
              }
              return new Composite(List.copyOf(columns), a, b, bytes);
            });
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
          .as("%s: byte order of %s vs %s", column, pair.a(), pair.b())
          .isEqualTo(expected);

      if (!Arrays.equals(ea, eb)) {
        int firstDifference = Arrays.mismatch(ea, eb);
        assertThat(firstDifference)
            .as("%s: one encoding is a prefix of the other", column)
            .isLessThan(Math.min(ea.length, eb.length));
      }

      checkRoundTrip(column, pair.a(), ea);
      checkRoundTrip(column, pair.b(), eb);
    }
  }

  private static byte[] encode(KeyColumn column, Object value) {
    return KeyCodec.encode(List.of(column), Arrays.asList(value));
  }

  private static void checkRoundTrip(KeyColumn column, Object value, byte[] encoded) {
    Object decoded = KeyCodec.decode(List.of(column), encoded).get(0);
    assertThat(SqlValueOrder.compare(column.type(), decoded, value))
        .as("%s: decode(encode(%s)) = %s", column, value, decoded)
        .isZero();
    assertThat(encode(column, decoded))
        .as("%s: re-encoding %s", column, decoded)
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
