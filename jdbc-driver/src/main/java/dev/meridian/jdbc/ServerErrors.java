package dev.meridian.jdbc;

import java.sql.SQLException;
import java.util.List;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * The server's own message of a failure that crossed Avatica's protocol, without the wrapping
 * Avatica adds on the way: the client's {@code Error <code> (<state>) : Error while executing SQL
 * "<sql>": Remote driver error: <message>} around it, and, in printed traces, the server's {@code
 * AvaticaRuntimeException: [Messsage: '<message>', …]} line. The server words its messages in SQL
 * terms and sends SQLSTATE and error code apart, so an application sees what PostgreSQL's driver
 * would show: the message, with {@code getSQLState()} and {@code getErrorCode()} as sent.
 *
 * <p>Where to find it: Avatica's remote service prefixes the error response's message with {@value
 * #REMOTE_PREFIX}; the client then prefixes that with what it was doing. A failure to prepare keeps
 * neither ("while preparing SQL: <sql>"), and there the message is only in the first of the
 * server's stack traces the exception carries, whose first line is the server's {@code
 * AvaticaRuntimeException} as Avatica prints it: {@code [Messsage: '…', Error code: '…', SQL State:
 * '…', Severity: '…']} (sic), see {@link #reason}.
 */
final class ServerErrors {

  static final String REMOTE_PREFIX = "Remote driver error: ";

  private static final String MESSAGE_START = "[Messsage: '";
  private static final String MESSAGE_END = "', Error code: '";

  private ServerErrors() {}

  /**
   * The server's message in {@code failure}, or null when it carries none (Avatica raised it on
   * the client: a broken transport, a closed statement).
   */
  static String message(AvaticaSqlException failure) {
    String stripped = afterRemotePrefix(failure.getErrorMessage());
    return stripped != null ? stripped : reason(failure.getStackTraces());
  }

  /** As {@link #message(AvaticaSqlException)}, for a failure Avatica let escape unchecked. */
  static String message(AvaticaClientRuntimeException failure) {
    String stripped = afterRemotePrefix(failure.getMessage());
    return stripped != null ? stripped : reason(failure.getServerExceptions());
  }

  /**
   * {@code failure} with the server's message, of the subclass its SQLSTATE calls for, with its
   * SQLSTATE and error code, and no Avatica exception as its cause (whose printed form repeats the
   * wrapping); null when the server's message is not in it.
   */
  static SQLException clean(AvaticaSqlException failure) {
    return clean(message(failure), failure.getSQLState(), failure.getErrorCode(), failure);
  }

  /** As {@link #clean(AvaticaSqlException)}, for a failure Avatica let escape unchecked. */
  static SQLException clean(AvaticaClientRuntimeException failure) {
    return clean(message(failure), failure.getSqlState(), failure.getErrorCode(), failure);
  }

  private static SQLException clean(String message, String sqlState, int errorCode, Throwable failure) {
    if (message == null) {
      return null;
    }
    SQLException clean = SqlStates.of(message, sqlState, errorCode, null);
    clean.setStackTrace(failure.getStackTrace());
    return clean;
  }

  /** The server's message in its first stack trace, or null when it is not there. */
  static String reason(List<String> serverTraces) {
    if (serverTraces == null || serverTraces.isEmpty() || serverTraces.get(0) == null) {
      return null;
    }
    String trace = serverTraces.get(0);
    int start = trace.indexOf(MESSAGE_START);
    int end = start < 0 ? -1 : trace.indexOf(MESSAGE_END, start);
    return end < 0 ? null : trace.substring(start + MESSAGE_START.length(), end);
  }

  private static String afterRemotePrefix(String message) {
    if (message == null) {
      return null;
    }
    int at = message.indexOf(REMOTE_PREFIX);
    return at < 0 ? null : message.substring(at + REMOTE_PREFIX.length());
  }
}
