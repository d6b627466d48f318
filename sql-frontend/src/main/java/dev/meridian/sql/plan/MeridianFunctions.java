package dev.meridian.sql.plan;

import dev.meridian.sql.exec.SqlExecutionException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.calcite.linq4j.function.Strict;

/**
 * The runtime of the operators {@link StrictSemantics} puts in place of Calcite's lenient ones:
 * each computes what PostgreSQL computes or fails with PostgreSQL's SQLSTATE, where Calcite's
 * own would return NaN, a truncated value or a count of UTF-16 units.
 *
 * <p>Strings are counted and cut in Unicode code points, never in UTF-16 units: a character
 * outside the Basic Multilingual Plane (an emoji, a rare CJK ideograph) is one character, as in
 * PostgreSQL with UTF-8, and is never split into half a surrogate pair.
 *
 * <p>Called by the code Calcite generates (hence public), and by the planner when it folds
 * constants: an error raised here while folding reaches the client as a planning error with the
 * same SQLSTATE. Every method is {@link Strict}: a NULL argument gives NULL without a call.
 */
@Strict
public final class MeridianFunctions {

  private MeridianFunctions() {}

  /** {@code SQRT(x)}; negative x is 2201F (invalid argument for power function), as in PostgreSQL. */
  public static double sqrt(double x) {
    if (x < 0) {
      throw new SqlExecutionException("2201F", "cannot take square root of a negative number");
    }
    return Math.sqrt(x);
  }

  /** {@code LN(x)}; x &lt;= 0 is 2201E (invalid argument for logarithm). */
  public static double ln(double x) {
    checkLogarithm(x);
    return Math.log(x);
  }

  /** {@code LOG10(x)}; x &lt;= 0 is 2201E. */
  public static double log10(double x) {
    checkLogarithm(x);
    return Math.log10(x);
  }

  /**
   * {@code POWER(x, y)}: zero to a negative power and a negative number to a non-integer power
   * are 2201F, as in PostgreSQL; a finite result that overflows a double is 22003.
   */
  public static double power(double x, double y) {
    if (x == 0 && y < 0) {
      throw new SqlExecutionException("2201F", "zero raised to a negative power is undefined");
    }
    if (x < 0 && y == 0.5) {
      // SQRT(x), which Calcite's convertlets turn into POWER(x, 0.5)
      throw new SqlExecutionException("2201F", "cannot take square root of a negative number");
    }
    if (x < 0 && y != Math.rint(y)) {
      throw new SqlExecutionException("2201F",
          "a negative number raised to a non-integer power yields a complex result");
    }
    return checkFinite(Math.pow(x, y), x, y);
  }

  /** {@code EXP(x)}; a result beyond the range of a double is 22003. */
  public static double exp(double x) {
    return checkFinite(Math.exp(x), x, x);
  }

  /** {@code ASIN(x)}, {@code ACOS(x)}: x outside [-1, 1] is 22003, as in PostgreSQL. */
  public static double asin(double x) {
    checkUnitRange(x);
    return Math.asin(x);
  }

  public static double acos(double x) {
    checkUnitRange(x);
    return Math.acos(x);
  }

  /**
   * A DOUBLE divided by a DOUBLE: dividing by zero is 22012, as in PostgreSQL, where Calcite
   * would return an infinity or NaN.
   */
  public static double divide(double x, double y) {
    if (y == 0) {
      throw divisionByZero();
    }
    return checkFinite(x / y, x, y);
  }

  /**
   * A DECIMAL result whose type is at the maximum precision: more than {@code integerDigits}
   * digits before the point is 22003 (numeric field overflow), as storing it would be.
   */
  public static BigDecimal checkDecimal(BigDecimal x, int integerDigits) {
    if (x.precision() - x.scale() > integerDigits) {
      throw new SqlExecutionException("22003", "numeric field overflow: " + x.toPlainString()
          + " has more than " + integerDigits + " digits before the decimal point");
    }
    return x;
  }

  /**
   * The integral value a cast of a DECIMAL to an integer type takes: rounded half away from zero,
   * as PostgreSQL rounds {@code numeric} ({@code CAST(2.5 AS INTEGER)} is 3, -2.5 gives -3). The
   * cast that follows checks the range exactly, since the value is integral.
   */
  public static BigDecimal roundForIntegerCast(BigDecimal x) {
    return x.setScale(0, RoundingMode.HALF_UP);
  }

  /**
   * The same for a DOUBLE: rounded half to even, as PostgreSQL rounds {@code double precision}
   * ({@code rint}: 2.5 gives 2, 3.5 gives 4); NaN and the infinities are 22003.
   */
  public static double roundForIntegerCast(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      throw new SqlExecutionException("22003", "cannot cast " + x + " to an integer: out of range");
    }
    return Math.rint(x);
  }

  /** {@code CHAR_LENGTH(s)}: code points. */
  public static int charLength(String s) {
    return s.codePointCount(0, s.length());
  }

  /**
   * {@code SUBSTRING(s FROM start)}: from code point {@code start} (1-based) to the end; a start
   * before 1 counts from 1.
   */
  public static String substring(String s, int start) {
    int length = charLength(s);
    int from = Math.max(start, 1);
    if (from > length) {
      return "";
    }
    return s.substring(s.offsetByCodePoints(0, from - 1));
  }

  /**
   * {@code SUBSTRING(s FROM start FOR count)}, in code points, as the SQL standard and PostgreSQL
   * define it: the characters at positions [start, start + count) that exist, so a start before 1
   * eats into the count; a negative count is 22011 (substring error).
   */
  public static String substring(String s, int start, int count) {
    if (count < 0) {
      throw new SqlExecutionException("22011", "negative substring length not allowed");
    }
    int length = charLength(s);
    long end = Math.min((long) start + count, (long) length + 1);
    long from = Math.max(start, 1);
    if (end <= from) {
      return "";
    }
    int begin = s.offsetByCodePoints(0, (int) from - 1);
    return s.substring(begin, s.offsetByCodePoints(begin, (int) (end - from)));
  }

  /** {@code POSITION(needle IN s)}: the code point position (1-based) of the first match, or 0. */
  public static int position(String needle, String s) {
    int index = s.indexOf(needle);
    return index < 0 ? 0 : s.codePointCount(0, index) + 1;
  }

  /**
   * {@code POSITION(needle IN s FROM start)}: the first match at or after code point {@code
   * start}, or 0.
   */
  public static int position(String needle, String s, int start) {
    int length = charLength(s);
    int from = Math.max(start, 1);
    if (from > length + 1) {
      return 0;
    }
    int index = s.indexOf(needle, s.offsetByCodePoints(0, from - 1));
    return index < 0 ? 0 : s.codePointCount(0, index) + 1;
  }

  /**
   * {@code UPPER(s)}: each code point mapped on its own, as PostgreSQL maps characters, so the
   * result has as many characters as {@code s} (Java's full case mapping would turn {@code ß}
   * into {@code SS}).
   */
  public static String upper(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(codePoint -> out.appendCodePoint(Character.toUpperCase(codePoint)));
    return out.toString();
  }

  /**
   * {@code TRIM(BOTH chars FROM s)}, {@code TRIM(LEADING …)} and {@code TRIM(TRAILING …)}: what
   * Calcite's own TRIM computes (one trim character, else 22027), called with the side as an
   * ordinary argument. Calcite's generated code reads TRIM's side from a map of literals local to
   * the block it is generating; inside a CASE branch (a block of its own) the side literal, when
   * the same literal was already generated outside the CASE, is not in that map and the TRIM
   * trimmed neither side ({@code CASE WHEN … THEN TRIM(' x ') …} was {@code ' x '}; randomized
   * tester, seed 552).
   */
  public static String trimBoth(String s, String chars) {
    return org.apache.calcite.runtime.SqlFunctions.trim(true, true, chars, s, true);
  }

  public static String trimLeading(String s, String chars) {
    return org.apache.calcite.runtime.SqlFunctions.trim(true, false, chars, s, true);
  }

  public static String trimTrailing(String s, String chars) {
    return org.apache.calcite.runtime.SqlFunctions.trim(false, true, chars, s, true);
  }

  /** {@code LOWER(s)}: each code point mapped on its own. */
  public static String lower(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(codePoint -> out.appendCodePoint(Character.toLowerCase(codePoint)));
    return out.toString();
  }

  /**
   * Text cast to TIME or TIMESTAMP: an hour above 24, a minute or second above 59 (60 for a leap
   * second) is 22008, as in PostgreSQL; Calcite's parser would carry it into the next field
   * ({@code '25:00:00'} became 01:00 of the next day). Returns the text unchanged.
   */
  public static String checkTimeFields(String s) {
    java.util.regex.Matcher time = TIME_FIELDS.matcher(s);
    if (time.find()) {
      int hour = Integer.parseInt(time.group(1));
      int minute = Integer.parseInt(time.group(2));
      int second = time.group(3) == null ? 0 : Integer.parseInt(time.group(3));
      if (hour > 24 || minute > 59 || second > 60 || (hour == 24 && (minute > 0 || second > 0))) {
        throw new SqlExecutionException("22008", "date/time field value out of range: \"" + s + "\"");
      }
    }
    return s;
  }

  private static final java.util.regex.Pattern TIME_FIELDS =
      java.util.regex.Pattern.compile("(\\d{1,2}):(\\d{1,2})(?::(\\d{1,2}))?");

  /**
   * An explicit cast of a string to {@code VARCHAR(n)} or {@code CHAR(n)} keeps its first {@code
   * n} code points (PostgreSQL truncates explicit casts too), never half a surrogate pair.
   */
  public static String truncate(String s, int maxCodePoints) {
    if (s.length() <= maxCodePoints || charLength(s) <= maxCodePoints) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, maxCodePoints));
  }

  private static void checkLogarithm(double x) {
    if (x == 0) {
      throw new SqlExecutionException("2201E", "cannot take logarithm of zero");
    }
    if (x < 0) {
      throw new SqlExecutionException("2201E", "cannot take logarithm of a negative number");
    }
  }

  private static void checkUnitRange(double x) {
    if (x < -1 || x > 1) {
      throw new SqlExecutionException("22003", "input is out of range: " + x + " is not in [-1, 1]");
    }
  }

  private static double checkFinite(double result, double x, double y) {
    if (Double.isInfinite(result) && !Double.isInfinite(x) && !Double.isInfinite(y)) {
      throw new SqlExecutionException("22003", "value out of range: overflow");
    }
    return result;
  }

  private static SqlExecutionException divisionByZero() {
    return new SqlExecutionException("22012", "division by zero");
  }
}
