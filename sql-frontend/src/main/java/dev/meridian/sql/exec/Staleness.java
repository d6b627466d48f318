package dev.meridian.sql.exec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses read staleness settings ({@code SET READ_STALENESS}, the {@code readStaleness} connection
 * property): {@code strong}, {@code 0}, or a whole number of at most nine digits with ms, s, m or h,
 * case-insensitive, spaces around it ignored; {@code 0} of any unit is strong. The JDBC driver,
 * which cannot depend on this module, checks its {@code readStaleness} property with a copy of the
 * grammar ({@code dev.meridian.jdbc.Staleness}); the table of cases both are tested against is
 * {@code read-staleness-cases.txt} in this package's test resources, so a change here comes with a
 * row there and a matching change in the driver.
 */
final class Staleness {

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*(ms|s|m|h)");

  private Staleness() {}

  static long parseMicros(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("strong") || trimmed.equals("0")) {
      return 0;
    }
    Matcher matcher = DURATION.matcher(trimmed);
    if (!matcher.matches()) {
      throw new SqlExecutionException("22023",
          "invalid read staleness '" + text + "': use strong, or a duration such as 500ms, 10s, 5m, 1h");
    }
    long amount = Long.parseLong(matcher.group(1));
    long unitMicros = switch (matcher.group(2)) {
      case "ms" -> 1_000L;
      case "s" -> 1_000_000L;
      case "m" -> 60_000_000L;
      default -> 3_600_000_000L;
    };
    return Math.multiplyExact(amount, unitMicros);
  }
}
