package dev.meridian.sql.exec;

import dev.meridian.sql.parser.ParseErrors;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * Turns whatever a statement threw into a {@link SqlExecutionException} with the SQLSTATE that
 * names its class (DESIGN.md §8): parse errors 42601, unknown table 42P01, unknown column 42703,
 * unknown function 42883, other invalid SQL 42000, data exceptions of class 22 ({@link DataErrors}),
 * too deep a statement 54001, out of memory 53200, other {@link Error}s XX000 and any other
 * failure 58000 (the last two are bugs: the node logs them with a stack trace).
 */
public final class SqlErrors {

  private SqlErrors() {}

  public static SqlExecutionException translate(Throwable failure, String sql) {
    Throwable cause = unwrap(failure);
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
    java.util.Optional<SqlExecutionException> data = DataErrors.translate(cause);
    if (data.isPresent()) {
      return data.get();
    }
    if (cause instanceof StackOverflowError) {
      return new SqlExecutionException("54001",
          "statement too complex: expressions or subqueries nested too deeply to plan or run", cause);
    }
    if (cause instanceof OutOfMemoryError) {
      return new SqlExecutionException("53200", "out of memory while running the statement", cause);
    }
    if (cause instanceof Error) {
      return new SqlExecutionException("XX000", "internal error while running the statement: " + cause, cause);
    }
    Throwable txn = cause;
    RuntimeException translated = BlockingTxn.translate(txn);
    if (translated instanceof SqlExecutionException known) {
      return known;
    }
    return new SqlExecutionException("58000",
        "internal error while running the statement: " + cause, cause);
  }

  /**
   * The failure a statement's error is about: wrappers that only say where it happened are
   * peeled off (futures, reflection, a class initializer that ran generated code, and the plain
   * RuntimeExceptions with which Calcite's planner wraps a rule's failure), down to the first
   * failure that names a SQL error.
   */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; depth < MAX_WRAPPERS && cause.getCause() != null && cause.getCause() != cause; depth++) {
      boolean wrapper = cause instanceof java.util.concurrent.CompletionException
          || cause instanceof java.util.concurrent.ExecutionException
          || cause instanceof java.lang.reflect.InvocationTargetException
          || cause instanceof java.lang.reflect.UndeclaredThrowableException
          || cause instanceof ExceptionInInitializerError
          || (cause.getClass() == RuntimeException.class && isNamed(cause.getCause()));
      if (!wrapper) {
        break;
      }
      cause = cause.getCause();
    }
    return cause;
  }

  /** Wrappers peeled off at most; a cycle or a very deep chain stops there. */
  private static final int MAX_WRAPPERS = 16;

  /** Whether {@code failure}, or a wrapper inside it, is one {@link #translate} names. */
  private static boolean isNamed(Throwable failure) {
    Throwable inner = unwrap(failure);
    return inner instanceof SqlExecutionException || inner instanceof SqlParseException
        || inner instanceof CalciteContextException || inner instanceof SqlValidatorException
        || DataErrors.isDataError(inner);
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
    } else if (detail.startsWith("Illegal DATE literal") || detail.startsWith("Illegal TIME literal")
        || detail.startsWith("Illegal TIMESTAMP literal")) {
      state = "22007";
    } else if (detail.startsWith("Cannot apply") || detail.contains("Cannot assign")) {
      state = "42804";
    } else {
      state = "42000";
    }
    return new SqlExecutionException(state, full, cause);
  }
}
