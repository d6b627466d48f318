package dev.meridian.jdbc;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks a {@code readStaleness} value before it travels to the server, so a typo is a connect
 * error on the client, not a surprise later. It accepts exactly what the server's {@code SET
 * READ_STALENESS} takes: {@code strong}, {@code 0}, or a whole number of at most nine digits and a
 * unit ({@code ms}, {@code s}, {@code m}, {@code h}), case-insensitive, spaces around it ignored.
 * The driver cannot depend on the server's parser ({@code dev.meridian.sql.exec.Staleness}), so this
 * is a copy of its grammar, held to the server's table of cases ({@code read-staleness-cases.txt} in
 * sql-frontend's test resources) by {@code StalenessTableTest} on both sides.
 */
final class Staleness {
  private static final Pattern FORM = Pattern.compile("strong|0|[0-9]{1,9}\\s*(ms|s|m|h)");

  private Staleness() {}

  /** Null if the value is well-formed, else what is wrong with it. */
  static String problem(String value) {
    if (!FORM.matcher(value.trim().toLowerCase(Locale.ROOT)).matches()) {
      return "readStaleness '" + value + "' must be strong, 0, or a whole number and a unit: ms, s, m"
          + " or h (e.g. 10s)";
    }
    return null;
  }
}
