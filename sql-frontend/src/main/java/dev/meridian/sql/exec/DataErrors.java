package dev.meridian.sql.exec;

import java.util.Locale;
import java.util.Optional;

/**
 * Data exceptions (SQLSTATE class 22): what the Calcite runtime, Java's arithmetic and Meridian's
 * own functions throw when a value is out of range, a divisor is zero or a string is no valid
 * number or date. Shared by {@link SqlErrors} (for errors at run time) and the planner's constant
 * reduction (which raises them at planning time), so both give the same SQLSTATE and message.
 *
 * <table>
 *   <caption>What is recognised</caption>
 *   <tr><th>thrown</th><th>SQLSTATE</th></tr>
 *   <tr><td>{@link SqlExecutionException} of class 22</td><td>its own</td></tr>
 *   <tr><td>{@link ArithmeticException} of a zero divisor</td><td>22012 division by zero</td></tr>
 *   <tr><td>other {@link ArithmeticException} (overflow, out of range)</td><td>22003</td></tr>
 *   <tr><td>{@link NumberFormatException}</td><td>22018 invalid character value for cast</td></tr>
 *   <tr><td>Calcite's invalid date, time or timestamp text</td><td>22007 / 22008</td></tr>
 * </table>
 */
public final class DataErrors {

  private DataErrors() {}

  public static boolean isDataError(Throwable failure) {
    return translate(failure).isPresent();
  }

  /** The client-facing error for {@code failure} when it is a data exception. */
  public static Optional<SqlExecutionException> translate(Throwable failure) {
    if (failure instanceof SqlExecutionException sql) {
      return sql.sqlState().startsWith("22") ? Optional.of(sql) : Optional.empty();
    }
    String message = String.valueOf(failure.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (failure instanceof ArithmeticException) {
      if (lower.contains("by zero") || lower.contains("division undefined")) {
        return Optional.of(new SqlExecutionException("22012", "division by zero", failure));
      }
      return Optional.of(new SqlExecutionException("22003", "value out of range: " + outOfRange(message), failure));
    }
    if (failure instanceof NumberFormatException) {
      return Optional.of(new SqlExecutionException("22018",
          "invalid input syntax for a number: " + message, failure));
    }
    if (failure instanceof IllegalArgumentException || isCalciteException(failure)) {
      if (lower.contains("field is out of range") || lower.contains("field value out of range")) {
        return Optional.of(new SqlExecutionException("22008", "date/time field value out of range: " + message,
            failure));
      }
      if (lower.contains("invalid date") || lower.contains("illegal date") || lower.contains("invalid time")
          || lower.contains("illegal time") || lower.contains("unparseable date")) {
        return Optional.of(new SqlExecutionException("22007", "invalid datetime format: " + message, failure));
      }
    }
    return Optional.empty();
  }

  private static boolean isCalciteException(Throwable failure) {
    return failure instanceof org.apache.calcite.runtime.CalciteException;
  }

  /** Calcite's overflow messages, said as PostgreSQL says them where they are terse. */
  private static String outOfRange(String message) {
    return switch (message) {
      case "integer overflow" -> "integer out of range";
      case "long overflow", "Overflow" -> "bigint out of range";
      default -> message.startsWith("integer overflow: ") ? message.substring("integer overflow: ".length()) : message;
    };
  }
}
