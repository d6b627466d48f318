package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Statement.setQueryTimeout} for one connection. Avatica's protocol does not carry a
 * statement's query timeout, but the server has a session STATEMENT_TIMEOUT that bounds every
 * request. So an execution of a statement whose query timeout is N &gt; 0 seconds runs as:
 * {@code SET STATEMENT_TIMEOUT = 'Ns'}, the execution, then the session's own setting is restored
 * (the value of the last {@code SET STATEMENT_TIMEOUT} the application ran on this connection, or
 * {@code DEFAULT}, the node's configured timeout). The SETs are skipped when the session's setting
 * already is N seconds.
 *
 * <p>The query timeout thus bounds the execute request: planning, running and the first frame of
 * rows. Later frames, fetched as the application reads the result set, fall under the session's
 * timeout again. A statement that exceeds it fails with SQLSTATE 57014 and the connection stays
 * usable. The three requests run under this object's lock, so threads sharing the connection do not
 * see each other's timeouts.
 */
final class QueryTimeouts {

  /** The server's syntax (dev.meridian.server.sql.MeridianMeta). */
  private static final Pattern SET_STATEMENT_TIMEOUT = Pattern.compile(
      "\\s*SET\\s+STATEMENT_TIMEOUT\\s*(?:=|\\s+TO\\s+)\\s*(?:'([^']*)'|([0-9A-Za-z]+))\\s*;?\\s*",
      Pattern.CASE_INSENSITIVE);

  /** What the statement's executions run; its failure passes through unchanged. */
  interface Execution {
    Object run() throws Throwable;
  }

  private final HelperStatement helper;
  private String sessionSetting = "DEFAULT";

  /** @param connection Avatica's connection (not the proxy): runs the SETs */
  QueryTimeouts(Connection connection) {
    this.helper = new HelperStatement(connection);
  }

  /** Notes the session's timeout when {@code sql}, which just succeeded, set it. */
  synchronized void executed(String sql) {
    if (sql == null) {
      return;
    }
    Matcher m = SET_STATEMENT_TIMEOUT.matcher(sql);
    if (m.matches()) {
      sessionSetting = m.group(1) != null ? "'" + m.group(1) + "'" : m.group(2);
    }
  }

  /** Runs {@code execution} with the statement timeout {@code seconds} (0: the session's own). */
  Object run(int seconds, Execution execution) throws Throwable {
    return seconds <= 0 ? execution.run() : runWith(seconds, execution);
  }

  private synchronized Object runWith(int seconds, Execution execution) throws Throwable {
    String wanted = "'" + seconds + "s'";
    if (wanted.equalsIgnoreCase(sessionSetting)) {
      return execution.run();
    }
    set(wanted);
    Throwable failure = null;
    try {
      return execution.run();
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      try {
        set(sessionSetting);
      } catch (SQLException | RuntimeException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else {
          throw e;
        }
      }
    }
  }

  private void set(String value) throws SQLException {
    helper.execute("SET STATEMENT_TIMEOUT = " + value);
  }

  synchronized void close() {
    helper.close();
  }
}
