package dev.meridian.storage.codec;

/**
 * Maps a double to a 64-bit pattern whose unsigned order is the SQL order of doubles, and back.
 *
 * <p>IEEE 754 bits order like sign-magnitude integers: for non-negative doubles the raw bits
 * already grow with the value, for negative ones they grow as the value falls. Setting the sign bit
 * of a non-negative double lifts it above every negative one; inverting all bits of a negative
 * double clears its sign bit and reverses its magnitude order. So:
 *
 * <pre>
 *   bits = doubleToRawLongBits(canonical(v))
 *   sortable = bits &gt;= 0 ? bits ^ 0x8000_0000_0000_0000 : ~bits
 * </pre>
 *
 * <p>{@code canonical} makes the encoding agree with SQL equality: SQL says -0.0 = 0.0, so -0.0
 * becomes 0.0 (a key must not tell them apart, and decoding yields 0.0); every NaN, whatever its
 * sign and payload, becomes {@link Double#NaN} (0x7FF8_0000_0000_0000), which lands above
 * +Infinity, so NaN sorts after every other double. Only canonical patterns are valid on decode,
 * which keeps the mapping one-to-one: two different keys never decode to the same value.
 */
final class OrderedDoubles {

  private OrderedDoubles() {}

  static long toSortable(double value) {
    double canonical = Double.isNaN(value) ? Double.NaN : value == 0.0 ? 0.0 : value;
    long bits = Double.doubleToRawLongBits(canonical);
    return bits >= 0 ? bits ^ Long.MIN_VALUE : ~bits;
  }

  static double fromSortable(long sortable) {
    long bits = sortable < 0 ? sortable ^ Long.MIN_VALUE : ~sortable;
    return Double.longBitsToDouble(bits);
  }

  /**
   * Whether {@link #toSortable} produces this pattern: false for -0.0 and for every NaN but one.
   */
  static boolean isCanonical(long sortable) {
    return toSortable(fromSortable(sortable)) == sortable;
  }
}
