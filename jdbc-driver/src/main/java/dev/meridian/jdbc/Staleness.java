package dev.meridian.jdbc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a {@code readStaleness} value before it travels to the server, so a typo is a connect
 * error on the client, not a surprise later. The accepted form, a whole number and a unit
 * ({@code ms}, {@code s}, {@code m}, {@code h}), is the one {@code SET READ_STALENESS} takes.
 */
final class Staleness {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  private Staleness() {}

  /** Null if the value is well-formed, else what is wrong with it. */
  static String problem(String value) {
    Matcher m = FORM.matcher(value);
    if (!m.matches()) {
      return "readStaleness '" + value + "' must be a whole number and a unit: ms, s, m or h "
          + "(e.g. 10s)";
    }
    return null;
  }
}
