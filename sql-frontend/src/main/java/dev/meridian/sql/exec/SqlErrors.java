package dev.meridian.sql.exec;

import dev.meridian.sql.parser.ParseErrors;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * Turns whatever a statement threw into a {@link SqlExecutionException} with the SQLSTATE that
 * names its class (DESIGN.md §8): parse errors 42601, unknown table 42P01, unknown column 42703,
 * unknown function 42883, other invalid SQL 42000, arithmetic errors 22012/22003, bad casts 22018.
 */
public final class SqlErrors {

  private SqlErrors() {}

  public static SqlExecutionException translate(Throwable failure, String sql) {
    Throwable cause = failure;
    while (cause instanceof java.util.concurrent.CompletionException
        || cause instanceof java.lang.reflect.InvocationTargetException) {
      cause = cause.getCause();
    }
    if (cause instanceof SqlExecutionException sql2) {
      return sql2;
    }
    if (cause instanceof SqlParseException parse) {
      return new SqlExecutionException(ParseErrors.SQLSTATE, ParseErrors.describe(parse, sql), parse);
    }
    if (cause instanceof CalciteContextException context) {
      return validation(context.getCause() == null ? context.getMessage() : context.getCause().getMessage(),
          context.getMessage(), context);
    }
    if (cause instanceof SqlValidatorException validator) {
      return validation(validator.getMessage(), validator.getMessage(), validator);
    }
    if (cause instanceof ArithmeticException arithmetic) {
      String message = String.valueOf(arithmetic.getMessage());
      return new SqlExecutionException(message.contains("zero") ? "22012" : "22003",
          "arithmetic error: " + message, arithmetic);
    }
    if (cause instanceof NumberFormatException number) {
      return new SqlExecutionException("22018", "invalid number: " + number.getMessage(), number);
    }
    Throwable txn = cause;
    RuntimeException translated = BlockingTxn.translate(txn);
    if (translated instanceof SqlExecutionException known) {
      return known;
    }
    return new SqlExecutionException("58000",
        "internal error while running the statement: " + cause, cause);
  }

  private static SqlExecutionException validation(String detail, String full, Throwable cause) {
    String state;
    if (detail.startsWith("Object '") && detail.contains("not found")) {
      state = "42P01";
    } else if (detail.startsWith("Column '") && detail.contains("not found")) {
      state = "42703";
    } else if (detail.contains("does not allow NULLs")) {
      state = "23502";
    } else if (detail.startsWith("No match found for function signature")) {
      state = "42883";
    } else if (detail.startsWith("Cannot apply") || detail.contains("Cannot assign")) {
      state = "42804";
    } else {
      state = "42000";
    }
    return new SqlExecutionException(state, full, cause);
  }
}
