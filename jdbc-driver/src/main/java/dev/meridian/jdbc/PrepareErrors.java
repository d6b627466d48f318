package dev.meridian.jdbc;

import java.sql.SQLException;
import java.util.List;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * Puts the server's reason back into an error raised while preparing a statement.
 *
 * <p>Avatica's {@code Connection.prepareStatement} reports any failure as {@code "while preparing
 * SQL: <sql>"} and drops the message the server sent ("Object 'T' not found", the syntax error's
 * line and column), keeping it only in the server's stack traces that the exception carries;
 * executing a statement, by contrast, says {@code Error while executing SQL "<sql>": <reason>}.
 * This rebuilds the prepare error the same way, from the first of those traces, whose first line
 * is the server's {@code AvaticaRuntimeException} as Avatica prints it: {@code [Messsage: '…',
 * Error code: '…', SQL State: '…', Severity: '…']} (sic). The SQLSTATE (and so the exception's
 * subclass, {@link SqlStates#of}), error code and cause stay.
 */
final class PrepareErrors {

  private static final String MESSAGE_START = "[Messsage: '";
  private static final String MESSAGE_END = "', Error code: '";

  private PrepareErrors() {}

  static SQLException withServerReason(SQLException failure, String sql) {
    if (!(failure instanceof AvaticaSqlException avatica) || failure.getMessage() == null
        || !failure.getMessage().contains("while preparing SQL")) {
      return failure;
    }
    String reason = reason(avatica.getStackTraces());
    if (reason == null) {
      return failure;
    }
    SQLException rebuilt = SqlStates.of("Error while preparing SQL \"" + sql + "\": " + reason,
        failure.getSQLState(), failure.getErrorCode(), failure);
    rebuilt.setStackTrace(failure.getStackTrace());
    return rebuilt;
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
}
