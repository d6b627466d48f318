package dev.meridian.server.sql;

import dev.meridian.sql.exec.SqlExecutionException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Classifies statements by their first keyword, for metrics; parses STATEMENT_TIMEOUT values. */
final class StatementKinds {

  private static final Pattern FIRST_WORD =
      Pattern.compile("(?s)\\A(?:\\s+|--[^\\n]*\\n?|/\\*.*?\\*/|\\()*([A-Za-z]+)");

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private StatementKinds() {}

  /** One of select, insert, upsert, update, delete, ddl, set, explain, show, other. */
  static String of(String sql) {
    Matcher matcher = FIRST_WORD.matcher(sql);
    if (!matcher.lookingAt()) {
      return "other";
    }
    return switch (matcher.group(1).toUpperCase(Locale.ROOT)) {
      case "SELECT", "WITH", "VALUES" -> "select";
      case "INSERT" -> "insert";
      case "UPSERT" -> "upsert";
      case "UPDATE" -> "update";
      case "DELETE" -> "delete";
      case "CREATE", "DROP", "ALTER" -> "ddl";
      case "SET" -> "set";
      case "EXPLAIN" -> "explain";
      case "SHOW" -> "show";
      default -> "other";
    };
  }

  /** Whether a statement of {@code kind} is DML, which a batch runs in one transaction. */
  static boolean dml(String kind) {
    return switch (kind) {
      case "insert", "upsert", "update", "delete" -> true;
      default -> false;
    };
  }

  static boolean writes(String kind) {
    return switch (kind) {
      case "insert", "upsert", "update", "delete", "ddl" -> true;
      default -> false;
    };
  }

  /** {@code 0}, {@code none}, or a whole number with ms (the default), s, m or h. */
  static long parseTimeoutMillis(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("none") || trimmed.equals("0")) {
      return 0;
    }
    Matcher matcher = DURATION.matcher(trimmed);
    if (!matcher.matches()) {
      throw new SqlExecutionException("22023", "invalid STATEMENT_TIMEOUT '" + text
          + "': use 0 (no limit) or a duration such as 500ms, 30s, 5m");
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
    return Math.multiplyExact(amount, switch (unit) {
      case "ms" -> 1L;
      case "s" -> 1_000L;
      case "m" -> 60_000L;
      default -> 3_600_000L;
    });
  }
}
