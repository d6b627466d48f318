package dev.meridian.storage.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of SQL values for the codec's property tests. Each mixes three sources: the edge cases
 * the layout has to get right (MIN/MAX, ±0.0, NaN bit patterns, empty strings, zero bytes, …),
 * values from the whole range, and values from a small pool so that equal values and common
 * prefixes turn up often. {@link #pairs} adds pairs whose second value is equal to or just beside
 * the first, since independent random values are almost never equal and ties are where encodings go
 * wrong.
 */
final class SqlValueArbitraries {

  private SqlValueArbitraries() {}

  /** Two values of one type, in the order the property compares them. */
  record Pair(Object a, Object b) {}

  static Arbitrary<Object> values(SqlType type) {
    Arbitrary<?> nonNull =
        switch (type) {
          case BOOLEAN -> Arbitraries.of(true, false);
          case INTEGER -> integers();
          case BIGINT -> longs();
          case DOUBLE -> doubles();
          case DECIMAL -> decimals();
          case VARCHAR -> strings();
          case VARBINARY -> binaries();
          case DATE -> dates();
          case TIMESTAMP -> timestamps();
        };
    return nonNull.map(v -> (Object) v).injectNull(0.05);
  }

  static Arbitrary<Pair> pairs(SqlType type) {
    Arbitrary<Object> values = values(type);
    return Arbitraries.frequencyOf(
        Tuple.of(5, Combinators.combine(values, values).as(Pair::new)),
        Tuple.of(
            3, values.flatMap(a -> Arbitraries.of(neighbours(type, a)).map(b -> new Pair(a, b)))));
  }

  private static Arbitrary<Integer> integers() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            1,
            Arbitraries.of(
                Integer.MIN_VALUE,
                Integer.MIN_VALUE + 1,
                -1,
                0,
                1,
                Integer.MAX_VALUE - 1,
                Integer.MAX_VALUE)),
        Tuple.of(4, Arbitraries.integers()),
        Tuple.of(2, Arbitraries.integers().between(-300, 300)));
  }

  private static Arbitrary<Long> longs() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            1,
            Arbitraries.of(
                Long.MIN_VALUE,
                Long.MIN_VALUE + 1,
                -1L,
                0L,
                1L,
                Long.MAX_VALUE - 1,
                Long.MAX_VALUE,
                (long) Integer.MIN_VALUE,
                (long) Integer.MAX_VALUE,
                (long) Integer.MAX_VALUE + 1)),
        Tuple.of(4, Arbitraries.longs()),
        Tuple.of(2, Arbitraries.longs().between(-300, 300)));
  }

  static final double[] EDGE_DOUBLES = {
    0.0,
    -0.0,
    Double.NaN,
    Double.longBitsToDouble(0x7FF0_0000_0000_0001L),
    Double.longBitsToDouble(0xFFF8_0000_0000_0000L),
    Double.longBitsToDouble(0xFFFF_FFFF_FFFF_FFFFL),
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.MIN_VALUE,
    -Double.MIN_VALUE,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Double.MIN_NORMAL,
    -Double.MIN_NORMAL,
    Double.longBitsToDouble(0x000F_FFFF_FFFF_FFFFL),
    1.0,
    -1.0,
    0.1,
    -0.1
  };

  private static Arbitrary<Double> doubles() {
    Arbitrary<Long> signBit = Arbitraries.of(0L, Long.MIN_VALUE);
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of(Arrays.stream(EDGE_DOUBLES).boxed().toList())),
        // Every bit pattern: all exponents, both zeros, both infinities, rare NaNs.
        Tuple.of(3, Arbitraries.longs().map(Double::longBitsToDouble)),
        Tuple.of(
            1,
            Combinators.combine(Arbitraries.longs().between(0, 0x000F_FFFF_FFFF_FFFFL), signBit)
                .as((fraction, sign) -> Double.longBitsToDouble(fraction | sign))),
        Tuple.of(
            1,
            Combinators.combine(
                    Arbitraries.longs().between(0x7FF0_0000_0000_0001L, 0x7FFF_FFFF_FFFF_FFFFL),
                    signBit)
                .as((nan, sign) -> Double.longBitsToDouble(nan | sign))),
        Tuple.of(2, Arbitraries.integers().between(-4, 4).map(i -> i / 2.0)));
  }

  private static final List<BigDecimal> EDGE_DECIMALS = edgeDecimals();

  private static List<BigDecimal> edgeDecimals() {
    List<BigDecimal> edges = new ArrayList<>();
    for (String text :
        new String[] {
          "0",
          "0.000",
          "0E+10",
          "0E-10",
          "1",
          "1.0",
          "1.00",
          "-1",
          "-1.000",
          "10",
          "1E+1",
          "100",
          "0.1",
          "0.10",
          "-0.1",
          "0.01",
          "0.001",
          "99",
          "0.99",
          "9.9",
          "123456789.987654321",
          "-1E-1000000",
          "1E+1000000",
          "12345678901234567890123456789012345678901234567890"
        }) {
      edges.add(new BigDecimal(text));
    }
    for (int scale :
        new int[] {
          Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE, Integer.MAX_VALUE - 1
        }) {
      edges.add(new BigDecimal(BigInteger.ONE, scale));
      edges.add(new BigDecimal(BigInteger.valueOf(-123), scale));
      edges.add(new BigDecimal(BigInteger.ZERO, scale));
    }
    edges.add(new BigDecimal(BigInteger.valueOf(1000), Integer.MAX_VALUE));
    return edges;
  }

  private static Arbitrary<BigDecimal> decimals() {
    Arbitrary<BigInteger> bigUnscaled =
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40));
    Arbitrary<BigInteger> smallUnscaled =
        Arbitraries.bigIntegers().between(BigInteger.valueOf(-1000), BigInteger.valueOf(1000));
    Arbitrary<Integer> smallScale = Arbitraries.integers().between(-40, 40);
    Arbitrary<Integer> hugeScale =
        Arbitraries.oneOf(
            Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MIN_VALUE + 50),
            Arbitraries.integers().between(Integer.MAX_VALUE - 50, Integer.MAX_VALUE),
            Arbitraries.of(-1_000_000, 1_000_000));
    Arbitrary<Integer> trailingZeros = Arbitraries.integers().between(0, 12);
    return Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(EDGE_DECIMALS)),
            Tuple.of(4, Combinators.combine(bigUnscaled, smallScale).as(BigDecimal::new)),
            Tuple.of(2, Combinators.combine(smallUnscaled, smallScale).as(BigDecimal::new)),
            Tuple.of(1, Combinators.combine(smallUnscaled, hugeScale).as(BigDecimal::new)),
            // Values that differ from others only in trailing zeros: 1.5 vs 1.500.
            Tuple.of(
                2,
                Combinators.combine(smallUnscaled, smallScale, trailingZeros)
                    .as((u, s, z) -> new BigDecimal(u.multiply(BigInteger.TEN.pow(z)), s + z))))
        .filter(SqlValueArbitraries::encodable);
  }

  /** False only for values whose normalized scale is below int range, which the codec refuses. */
  static boolean encodable(BigDecimal value) {
    if (value.signum() == 0) {
      return true;
    }
    BigInteger unscaled = value.unscaledValue();
    int zeros = 0;
    while (unscaled.mod(BigInteger.TEN).signum() == 0) {
      unscaled = unscaled.divide(BigInteger.TEN);
      zeros++;
    }
    return (long) value.scale() - zeros >= Integer.MIN_VALUE;
  }

  /** Code points that sit on UTF-8 length boundaries, or where UTF-16 order differs from ours. */
  private static final int[] EDGE_CODE_POINTS = {
    0x00, 0x01, 'a', 'b', 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000,
    0x1F600, 0x10FFFF
  };

  private static Arbitrary<String> strings() {
    Arbitrary<Integer> anyCodePoint =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, 0x7F)),
            Tuple.of(
                2,
                Arbitraries.integers()
                    .between(0x80, 0xFFFF)
                    .filter(c -> !Character.isSurrogate((char) (int) c))),
            Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
    Arbitrary<Integer> edgeCodePoint =
        Arbitraries.of(Arrays.stream(EDGE_CODE_POINTS).boxed().toList());
    return Arbitraries.frequencyOf(
        Tuple.of(3, edgeCodePoint.list().ofMaxSize(5).map(SqlValueArbitraries::fromCodePoints)),
        Tuple.of(2, anyCodePoint.list().ofMaxSize(20).map(SqlValueArbitraries::fromCodePoints)),
        Tuple.of(1, Arbitraries.of("", "\u0000", "\u0000\u0000", "a", "a\u0000", "ab")));
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }

  private static Arbitrary<Bytes> binaries() {
    Arbitrary<Byte> edgeByte =
        Arbitraries.of(
            (byte) 0x00, (byte) 0x01, (byte) 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF);
    return Arbitraries.frequencyOf(
        Tuple.of(3, edgeByte.list().ofMaxSize(5).map(SqlValueArbitraries::fromByteList)),
        Tuple.of(
            2, Arbitraries.bytes().list().ofMaxSize(20).map(SqlValueArbitraries::fromByteList)),
        Tuple.of(1, Arbitraries.of(Bytes.EMPTY, Bytes.of((byte) 0), Bytes.of((byte) 0xFF))));
  }

  private static Bytes fromByteList(List<Byte> list) {
    byte[] bytes = new byte[list.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = list.get(i);
    }
    return Bytes.of(bytes);
  }

  private static Arbitrary<LocalDate> dates() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            1,
            Arbitraries.of(
                LocalDate.MIN,
                LocalDate.MIN.plusDays(1),
                LocalDate.MAX,
                LocalDate.MAX.minusDays(1),
                LocalDate.EPOCH,
                LocalDate.EPOCH.minusDays(1),
                LocalDate.of(2000, 2, 29))),
        Tuple.of(
            4,
            Arbitraries.longs()
                .between(LocalDate.MIN.toEpochDay(), LocalDate.MAX.toEpochDay())
                .map(LocalDate::ofEpochDay)),
        Tuple.of(2, Arbitraries.longs().between(-1000, 1000).map(LocalDate::ofEpochDay)));
  }

  private static Arbitrary<LocalDateTime> timestamps() {
    long minSecond = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);
    long maxSecond = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);
    Arbitrary<Integer> nanos =
        Arbitraries.oneOf(
            Arbitraries.of(0, 1, 999_999_999, 500_000_000),
            Arbitraries.integers().between(0, 999_999_999));
    return Arbitraries.frequencyOf(
        Tuple.of(
            1,
            Arbitraries.of(
                LocalDateTime.MIN,
                LocalDateTime.MAX,
                LocalDateTime.MIN.plusNanos(1),
                LocalDateTime.MAX.minusNanos(1),
                LocalDateTime.of(1970, 1, 1, 0, 0),
                LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999))),
        Tuple.of(
            4,
            Combinators.combine(Arbitraries.longs().between(minSecond, maxSecond), nanos)
                .as((second, nano) -> LocalDateTime.ofEpochSecond(second, nano, ZoneOffset.UTC))),
        Tuple.of(
            2,
            Combinators.combine(Arbitraries.longs().between(-5, 5), nanos)
                .as((second, nano) -> LocalDateTime.ofEpochSecond(second, nano, ZoneOffset.UTC))));
  }

  /** Values equal to {@code a}, possibly in another representation, or adjacent to it. */
  static List<Object> neighbours(SqlType type, Object a) {
    List<Object> out = new ArrayList<>();
    out.add(a);
    if (a == null) {
      return out;
    }
    switch (type) {
      case BOOLEAN -> out.add(!(Boolean) a);
      case INTEGER -> {
        int v = (Integer) a;
        out.addAll(List.of(v + 1, v - 1, -v));
      }
      case BIGINT -> {
        long v = (Long) a;
        out.addAll(List.of(v + 1, v - 1, -v));
      }
      case DOUBLE -> {
        double v = (Double) a;
        out.addAll(List.of(-v, Math.nextUp(v), Math.nextDown(v)));
        if (v == 0.0 || Double.isNaN(v)) {
          out.add(Double.longBitsToDouble(Double.doubleToRawLongBits(v) ^ Long.MIN_VALUE));
          out.add(Double.longBitsToDouble(Double.doubleToRawLongBits(v) ^ 1L));
        }
      }
      case DECIMAL -> {
        BigDecimal v = (BigDecimal) a;
        out.add(v.negate());
        out.add(v.add(v.ulp()));
        out.add(v.subtract(v.ulp()));
        if (v.scale() <= Integer.MAX_VALUE - 3) {
          out.add(v.setScale(v.scale() + 3));
        }
      }
      case VARCHAR -> {
        String v = (String) a;
        out.addAll(List.of(v + "\u0000", v + "a", v + "\uD83D\uDE00", v + "\uFFFF"));
        if (!v.isEmpty()) {
          out.add(v.substring(0, v.offsetByCodePoints(v.length(), -1)));
        }
      }
      case VARBINARY -> {
        byte[] v = ((Bytes) a).toByteArray();
        byte[] plusZero = Arrays.copyOf(v, v.length + 1);
        byte[] plusFf = Arrays.copyOf(v, v.length + 1);
        plusFf[v.length] = (byte) 0xFF;
        out.addAll(List.of(Bytes.of(plusZero), Bytes.of(plusFf)));
        if (v.length > 0) {
          out.add(Bytes.of(Arrays.copyOf(v, v.length - 1)));
        }
      }
      case DATE -> {
        LocalDate v = (LocalDate) a;
        if (v.isAfter(LocalDate.MIN)) {
          out.add(v.minusDays(1));
        }
        if (v.isBefore(LocalDate.MAX)) {
          out.add(v.plusDays(1));
        }
      }
      case TIMESTAMP -> {
        LocalDateTime v = (LocalDateTime) a;
        if (v.isAfter(LocalDateTime.MIN.plusSeconds(1))) {
          out.addAll(List.of(v.minusNanos(1), v.minusSeconds(1)));
        }
        if (v.isBefore(LocalDateTime.MAX.minusSeconds(1))) {
          out.addAll(List.of(v.plusNanos(1), v.plusSeconds(1)));
        }
      }
    }
    out.removeIf(o -> o instanceof BigDecimal d && !encodable(d));
    return out;
  }
}
