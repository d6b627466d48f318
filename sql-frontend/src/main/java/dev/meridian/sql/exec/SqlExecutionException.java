package dev.meridian.sql.exec;

/**
 * A statement failed for a reason the user must see, with the SQLSTATE that names its class:
 * {@code 42xxx} bad SQL, {@code 23xxx} constraint violations, {@code 40001} retryable conflicts
 * (certainly not applied), {@code 40003} a commit whose outcome is unknown (never retry it blindly),
 * {@code 57014} timeouts and cancels, {@code 0A000} unsupported features, {@code 25xxx} invalid
 * transaction state, {@code 08xxx} connection problems, {@code 58000} system errors.
 */
public final class SqlExecutionException extends RuntimeException {

  private final String sqlState;

  public SqlExecutionException(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  public SqlExecutionException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }

  public boolean isRetryable() {
    return "40001".equals(sqlState);
  }
}
