package dev.meridian.storage.codec;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Generators of SQL values for the codec's property tests. Each mixes three sources: the edge cases
 * the layout has to get right (MIN/MAX, ±0.0, NaN bit patterns, empty strings, zero bytes, …),
 * values from the whole range, and values from a small pool so that equal values and common
 * prefixes turn up often. {@link #pair} adds pairs whose second value is equal to or just beside
 * the first, since independent random values are almost never equal and ties are where encodings go
 * wrong.
 */
final class SqlValueGen {

  private SqlValueGen() {}

  /** Two values of one type, in the order the property compares them. */
  record Pair(Object a, Object b) {
    @Override
    public String toString() {
      return "(" + show(a) + ", " + show(b) + ")";
    }
  }

  /** A value of {@code type}, null one time in twenty. */
  static Object value(SqlType type, RandomSource random) {
    if (random.chance(0.05)) {
      return null;
    }
    return switch (type) {
      case BOOLEAN -> random.chance(0.5);
      case INTEGER -> integer(random);
      case BIGINT -> bigint(random);
      case DOUBLE -> doubleValue(random);
      case DECIMAL -> decimal(random);
      case VARCHAR -> string(random);
      case VARBINARY -> binary(random);
      case DATE -> date(random);
      case TIMESTAMP -> timestamp(random);
    };
  }

  /**
   * Five times in eight two independent values; else a value and one of its {@link #neighbours}.
   */
  static Pair pair(SqlType type, RandomSource random) {
    Object a = value(type, random);
    if (Gen.frequency(random, 5, 3) == 0) {
      return new Pair(a, value(type, random));
    }
    return new Pair(a, Gen.oneOf(random, neighbours(type, a)));
  }

  private static final List<Integer> EDGE_INTEGERS =
      List.of(
          Integer.MIN_VALUE,
          Integer.MIN_VALUE + 1,
          -1,
          0,
          1,
          Integer.MAX_VALUE - 1,
          Integer.MAX_VALUE);

  private static int integer(RandomSource random) {
    return switch (Gen.frequency(random, 1, 4, 2)) {
      case 0 -> Gen.oneOf(random, EDGE_INTEGERS);
      case 1 -> Gen.anyInt(random);
      default -> Gen.between(random, -300, 300);
    };
  }

  private static final long[] EDGE_LONGS = {
    Long.MIN_VALUE,
    Long.MIN_VALUE + 1,
    -1L,
    0L,
    1L,
    Long.MAX_VALUE - 1,
    Long.MAX_VALUE,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE,
    (long) Integer.MAX_VALUE + 1
  };

  private static long bigint(RandomSource random) {
    return switch (Gen.frequency(random, 1, 4, 2)) {
      case 0 -> EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
      case 1 -> Gen.anyLong(random);
      default -> Gen.between(random, -300L, 300L);
    };
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

  private static double doubleValue(RandomSource random) {
    long sign = random.chance(0.5) ? 0L : Long.MIN_VALUE;
    return switch (Gen.frequency(random, 2, 3, 1, 1, 2)) {
      case 0 -> EDGE_DOUBLES[random.nextInt(EDGE_DOUBLES.length)];
      // Every bit pattern: all exponents, both zeros, both infinities, rare NaNs; half of them with
      // small magnitudes (subnormals) or all high bits set (negative NaNs).
      case 1 ->
          Double.longBitsToDouble(random.chance(0.5) ? random.nextLong() : Gen.anyLong(random));
      case 2 -> Double.longBitsToDouble(Gen.between(random, 0L, 0x000F_FFFF_FFFF_FFFFL) | sign);
      case 3 ->
          Double.longBitsToDouble(
              Gen.between(random, 0x7FF0_0000_0000_0001L, 0x7FFF_FFFF_FFFF_FFFFL) | sign);
      default -> Gen.between(random, -4, 4) / 2.0;
    };
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

  private static final BigInteger TEN_TO_40 = BigInteger.TEN.pow(40);

  /**
   * An unscaled value in [-10^40, 10^40]: the digit count uniform in 1..40 (so short ones are as
   * common as long ones), the bounds themselves one time in fifty.
   */
  private static BigInteger bigUnscaled(RandomSource random) {
    if (random.chance(0.02)) {
      return random.chance(0.5) ? TEN_TO_40 : TEN_TO_40.negate();
    }
    BigInteger bound = BigInteger.TEN.pow(Gen.between(random, 1, 40));
    byte[] bits =
        new byte[bound.bitLength() / 8 + 9]; // 64 spare bits make the modulo bias negligible
    for (int i = 0; i < bits.length; i += 8) {
      long word = random.nextLong();
      for (int j = 0; j < 8 && i + j < bits.length; j++) {
        bits[i + j] = (byte) (word >>> (8 * j));
      }
    }
    BigInteger magnitude = new BigInteger(1, bits).mod(bound);
    return random.chance(0.5) ? magnitude.negate() : magnitude;
  }

  private static BigInteger smallUnscaled(RandomSource random) {
    return BigInteger.valueOf(Gen.between(random, -1000, 1000));
  }

  private static int smallScale(RandomSource random) {
    return Gen.between(random, -40, 40);
  }

  private static int hugeScale(RandomSource random) {
    return switch (random.nextInt(3)) {
      case 0 -> Gen.between(random, Integer.MIN_VALUE, Integer.MIN_VALUE + 50);
      case 1 -> Gen.between(random, Integer.MAX_VALUE - 50, Integer.MAX_VALUE);
      default -> Gen.oneOf(random, -1_000_000, 1_000_000);
    };
  }

  private static BigDecimal decimal(RandomSource random) {
    while (true) {
      BigDecimal candidate =
          switch (Gen.frequency(random, 1, 4, 2, 1, 2)) {
            case 0 -> Gen.oneOf(random, EDGE_DECIMALS);
            case 1 -> new BigDecimal(bigUnscaled(random), smallScale(random));
            case 2 -> new BigDecimal(smallUnscaled(random), smallScale(random));
            case 3 -> new BigDecimal(smallUnscaled(random), hugeScale(random));
            // Values that differ from others only in trailing zeros: 1.5 vs 1.500.
            default -> {
              BigInteger unscaled = smallUnscaled(random);
              int scale = smallScale(random);
              int zeros = Gen.between(random, 0, 12);
              yield new BigDecimal(unscaled.multiply(BigInteger.TEN.pow(zeros)), scale + zeros);
            }
          };
      if (encodable(candidate)) {
        return candidate;
      }
    }
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

  private static int anyCodePoint(RandomSource random) {
    return switch (Gen.frequency(random, 3, 2, 2)) {
      case 0 -> Gen.between(random, 0, 0x7F);
      case 1 -> {
        int c;
        do {
          c = Gen.between(random, 0x80, 0xFFFF);
        } while (Character.isSurrogate((char) c));
        yield c;
      }
      default -> Gen.between(random, 0x10000, 0x10FFFF);
    };
  }

  private static String string(RandomSource random) {
    return switch (Gen.frequency(random, 3, 2, 1)) {
      case 0 ->
          fromCodePoints(
              Gen.listOf(random, 5, r -> EDGE_CODE_POINTS[r.nextInt(EDGE_CODE_POINTS.length)]));
      case 1 -> fromCodePoints(Gen.listOf(random, 20, SqlValueGen::anyCodePoint));
      default -> Gen.oneOf(random, "", "\u0000", "\u0000\u0000", "a", "a\u0000", "ab");
    };
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }

  private static final byte[] EDGE_BYTES = {
    0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF
  };

  private static Bytes binary(RandomSource random) {
    return switch (Gen.frequency(random, 3, 2, 1)) {
      case 0 -> Bytes.of(Gen.bytesFrom(random, 5, EDGE_BYTES));
      case 1 -> {
        byte[] any = new byte[random.nextInt(21)];
        for (int i = 0; i < any.length; i++) {
          any[i] = (byte) random.nextInt(256);
        }
        yield Bytes.of(any);
      }
      default -> Gen.oneOf(random, Bytes.EMPTY, Bytes.of((byte) 0), Bytes.of((byte) 0xFF));
    };
  }

  private static final List<LocalDate> EDGE_DATES =
      List.of(
          LocalDate.MIN,
          LocalDate.MIN.plusDays(1),
          LocalDate.MAX,
          LocalDate.MAX.minusDays(1),
          LocalDate.EPOCH,
          LocalDate.EPOCH.minusDays(1),
          LocalDate.of(2000, 2, 29));

  private static LocalDate date(RandomSource random) {
    return switch (Gen.frequency(random, 1, 4, 2)) {
      case 0 -> Gen.oneOf(random, EDGE_DATES);
      case 1 ->
          LocalDate.ofEpochDay(
              Gen.between(random, LocalDate.MIN.toEpochDay(), LocalDate.MAX.toEpochDay()));
      default -> LocalDate.ofEpochDay(Gen.between(random, -1000L, 1000L));
    };
  }

  private static final List<LocalDateTime> EDGE_TIMESTAMPS =
      List.of(
          LocalDateTime.MIN,
          LocalDateTime.MAX,
          LocalDateTime.MIN.plusNanos(1),
          LocalDateTime.MAX.minusNanos(1),
          LocalDateTime.of(1970, 1, 1, 0, 0),
          LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999));

  private static final long MIN_SECOND = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);
  private static final long MAX_SECOND = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);

  private static int nanos(RandomSource random) {
    return random.chance(0.5)
        ? Gen.oneOf(random, 0, 1, 999_999_999, 500_000_000)
        : Gen.between(random, 0, 999_999_999);
  }

  private static LocalDateTime timestamp(RandomSource random) {
    return switch (Gen.frequency(random, 1, 4, 2)) {
      case 0 -> Gen.oneOf(random, EDGE_TIMESTAMPS);
      case 1 ->
          LocalDateTime.ofEpochSecond(
              Gen.between(random, MIN_SECOND, MAX_SECOND), nanos(random), ZoneOffset.UTC);
      default ->
          LocalDateTime.ofEpochSecond(Gen.between(random, -5L, 5L), nanos(random), ZoneOffset.UTC);
    };
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

  /**
   * A value as a failure message should show it: doubles with their bit pattern (so -0.0 and NaN
   * payloads are visible), strings quoted with everything outside printable ASCII escaped as code
   * points, decimals as unscaled value and scale.
   */
  static String show(Object value) {
    return switch (value) {
      case null -> "NULL";
      case Double d -> d + "[0x" + HexFormat.of().toHexDigits(Double.doubleToRawLongBits(d)) + "]";
      case String s -> {
        StringBuilder out = new StringBuilder("'");
        s.codePoints()
            .forEach(
                c -> {
                  if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
                    out.appendCodePoint(c);
                  } else {
                    out.append(String.format("\\u{%X}", c));
                  }
                });
        yield out.append('\'').toString();
      }
      case BigDecimal d -> d.unscaledValue() + "E" + (-(long) d.scale());
      default -> String.valueOf(value);
    };
  }
}
