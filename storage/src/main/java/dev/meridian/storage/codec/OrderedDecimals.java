package dev.meridian.storage.codec;

import dev.meridian.runtime.Invariants;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Writes a BigDecimal so that unsigned byte order equals numeric order and numerically equal values
 * (1.0, 1.00, 1) have one encoding, as SQL equality demands.
 *
 * <p>Glossary. Every non-zero value is written as {@code ±0.P1 P2 … Pn × 100^E}: the <em>digit
 * pairs</em> {@code Pi} are base-100 digits 0..99 with {@code P1 != 0} and {@code Pn != 0}, and
 * {@code E} is the <em>exponent</em>, counted in pairs of decimal digits. This form is unique per
 * value: the decimal digits are the unscaled value with trailing zeros stripped; when the decimal
 * exponent is odd a 0 is put in front of the digits (so {@code P1} may be 01..09), and when the
 * digit count is then odd a 0 is put behind them (so {@code Pn} may be 10, 20, …, 90).
 *
 * <pre>
 *   negative:  0x01, then the bytes of the positive layout of |v|, all inverted
 *   zero:      0x02
 *   positive:  0x03, E as a 32-bit big-endian int with the sign bit flipped,
 *              P1+1, P2+1, …, Pn+1 (one byte each, 0x01..0x64), 0x00
 * </pre>
 *
 * <p>Why this orders: the sign byte orders negative &lt; zero &lt; positive. Among positives the
 * larger exponent is the larger value because {@code P1 != 0}; with equal exponents the pairs
 * compare as the fraction's digits, and the terminator 0x00, below every pair byte, puts a value
 * before its longer extensions (0.12 &lt; 0.1234), which is right because {@code Pn != 0}.
 * Inverting a negative's bytes reverses that order, as negation does; its terminator becomes 0xFF,
 * above every inverted pair byte (0x9B..0xFE), so -0.12 &gt; -0.1234 as it should be. Either
 * terminator ends the encoding, so it is prefix-free.
 *
 * <p>Why base 100: it halves the digit bytes, and it makes the exponent of every BigDecimal fit in
 * 32 bits. A decimal exponent is {@code precision - scale}, which ranges beyond an int (precision
 * up to about 6.5e8 digits, scale down to -2^31), but half of it does not.
 *
 * <p>Range. Every BigDecimal encodes except those whose normalized form (trailing zeros stripped)
 * has a scale below {@link Integer#MIN_VALUE}, such as {@code new BigDecimal(BigInteger.TEN,
 * Integer.MIN_VALUE)}; BigDecimal cannot represent that form either ({@link
 * BigDecimal#stripTrailingZeros} throws), and the codec rejects it rather than decode it to a value
 * other than the normalized one. Decoding returns the normalized BigDecimal ({@link
 * BigDecimal#ZERO} for zero), equal by {@code compareTo} to what was encoded.
 */
final class OrderedDecimals {

  static final int NEGATIVE = 0x01;
  static final int ZERO = 0x02;
  static final int POSITIVE = 0x03;
  static final int TERMINATOR = 0x00;

  private OrderedDecimals() {}

  static void write(BigDecimal value, ByteSink out) {
    int signum = value.signum();
    if (signum == 0) {
      out.write(ZERO);
      return;
    }
    String digits = value.unscaledValue().abs().toString();
    int significant = digits.length();
    while (digits.charAt(significant - 1) == '0') {
      significant--;
    }
    // value = 0.d1 d2 … × 10^decimalExponent
    long decimalExponent = (long) digits.length() - value.scale();
    long normalizedScale = significant - decimalExponent;
    if (normalizedScale < Integer.MIN_VALUE) {
      throw new IllegalArgumentException(
          String.format(
              "the DECIMAL value's normalized form has scale %d, below the smallest scale a"
                  + " BigDecimal can have (%d); round it to fewer significant digits",
              normalizedScale, Integer.MIN_VALUE));
    }
    int lead = (int) (decimalExponent & 1); // a 0 in front when the decimal exponent is odd
    long pairExponent = (decimalExponent + lead) / 2;
    Invariants.require(
        pairExponent >= Integer.MIN_VALUE && pairExponent <= Integer.MAX_VALUE,
        "DECIMAL pair exponent %d does not fit in 32 bits",
        pairExponent);

    int start = out.size();
    out.write(signum > 0 ? POSITIVE : NEGATIVE);
    out.writeInt((int) pairExponent ^ Integer.MIN_VALUE);
    int paddedLength = lead + significant;
    for (int i = 0; i < paddedLength; i += 2) {
      int high = digitAt(digits, i - lead, significant);
      int low = digitAt(digits, i + 1 - lead, significant);
      out.write(high * 10 + low + 1);
    }
    out.write(TERMINATOR);
    if (signum < 0) {
      out.invertFrom(start + 1);
    }
  }

  static BigDecimal read(ColumnInput in) {
    int signOffset = in.position();
    int sign = in.readUnsignedByte();
    if (sign == ZERO) {
      return BigDecimal.ZERO;
    }
    if (sign != NEGATIVE && sign != POSITIVE) {
      throw in.malformed(
          signOffset,
          String.format(
              "DECIMAL sign byte 0x%02X; expected 0x%02X (negative), 0x%02X (zero) or 0x%02X"
                  + " (positive)",
              sign, NEGATIVE, ZERO, POSITIVE));
    }
    boolean negative = sign == NEGATIVE;
    int flip = negative ? 0xFF : 0x00;
    int pairExponent = in.readInt() ^ (negative ? -1 : 0) ^ Integer.MIN_VALUE;

    StringBuilder digits = new StringBuilder();
    int lastPair = -1;
    int lastPairOffset = -1;
    while (true) {
      int offset = in.position();
      int b = in.readUnsignedByte() ^ flip;
      if (b == TERMINATOR) {
        break;
      }
      if (b > 100) {
        throw in.malformed(offset, String.format("DECIMAL digit-pair byte 0x%02X above 0x64", b));
      }
      int pair = b - 1;
      if (lastPair < 0 && pair == 0) {
        throw in.malformed(offset, "DECIMAL digits start with a zero pair (not normalized)");
      }
      digits.append((char) ('0' + pair / 10)).append((char) ('0' + pair % 10));
      lastPair = pair;
      lastPairOffset = offset;
    }
    if (lastPair < 0) {
      throw in.malformed(in.position() - 1, "DECIMAL has a sign and exponent but no digits");
    }
    if (lastPair == 0) {
      throw in.malformed(lastPairOffset, "DECIMAL digits end with a zero pair (not normalized)");
    }

    long decimalExponent = 2L * pairExponent;
    int from = 0;
    if (digits.charAt(0) == '0') {
      from = 1;
      decimalExponent--;
    }
    int to = digits.length();
    if (digits.charAt(to - 1) == '0') {
      to--;
    }
    long scale = (to - from) - decimalExponent;
    if (scale < Integer.MIN_VALUE || scale > Integer.MAX_VALUE) {
      throw in.malformed(
          signOffset + 1,
          String.format(
              "DECIMAL exponent %d gives scale %d, outside int range", pairExponent, scale));
    }
    BigInteger unscaled = new BigInteger(digits.substring(from, to));
    return new BigDecimal(negative ? unscaled.negate() : unscaled, (int) scale);
  }

  private static int digitAt(String digits, int index, int length) {
    return index >= 0 && index < length ? digits.charAt(index) - '0' : 0;
  }
}
