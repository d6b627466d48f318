package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * {@code Statement.cancel()} for one connection, as PostgreSQL does it: a request on another
 * channel that names what to stop and carries the secret only its owner knows.
 *
 * <p>Avatica's protocol has no cancel request, and the connection cannot carry one: its requests
 * go one at a time through its {@link MeridianHttpClient}, and the server runs them one at a time
 * under the connection's lock, which the request to be stopped holds. So the cancel travels on a
 * side connection to the same node (a session lives on one node), as the statement
 *
 * <pre>CANCEL STATEMENT '&lt;Avatica connection id&gt;' &lt;statement id&gt;</pre>
 *
 * <p>which the server answers at once, without waiting for any lock
 * (dev.meridian.server.sql.MeridianMeta). It stops the statement's current work: its execution, or
 * the fetch of a frame of its result, in flight at that moment, and the next fetch of a result it
 * left open. That call fails with SQLSTATE 57014; the statement and connection stay usable. A
 * statement that is not running is left alone. The connection id, a random UUID that Avatica's
 * client draws and that the server never shows to other connections, is the key: only the
 * connection's owner can cancel its statements.
 *
 * <p>The side connection is opened at the first cancel (it takes one of the node's connection
 * slots), reused by later ones, and closed with the connection. The server closes it when it stays
 * idle for longer than the node's idle timeout; a cancel that then fails is tried once more on a
 * fresh side connection. Cancels of one connection go one at a time, each one round trip.
 */
final class CancelChannel {

  /** Opens a side connection to the node of the connection (Avatica's, unwrapped). */
  interface Opener {
    Connection open() throws SQLException;
  }

  private final Opener opener;
  private Connection side;
  private Statement sideStatement;
  private boolean closed;

  CancelChannel(Opener opener) {
    this.opener = opener;
  }

  /** The request that cancels a statement, in the server's syntax. */
  static String cancelSql(String connectionId, int statementId) {
    if (connectionId.indexOf('\'') >= 0) {
      throw new IllegalArgumentException("a connection id with a quote: " + connectionId);
    }
    return "CANCEL STATEMENT '" + connectionId + "' " + statementId;
  }

  /** Stops what {@code statement} runs now on the server, if anything. */
  void cancel(AvaticaStatement statement) throws SQLException {
    if (statement.isClosed()) {
      // PostgreSQL's "object not in prerequisite state", as JDBC asks for a closed statement.
      throw new SQLException("cannot cancel a closed statement", "55000");
    }
    Meta.StatementHandle handle = statement.handle;
    cancel(handle.connectionId, handle.id);
  }

  /** Stops what the statement {@code statementId} of the connection {@code connectionId} runs now. */
  synchronized void cancel(String connectionId, int statementId) throws SQLException {
    if (closed) {
      return; // the connection is closing, which cancels everything it runs anyway
    }
    String sql = cancelSql(connectionId, statementId);
    boolean fresh = side == null;
    try {
      statement().execute(sql);
    } catch (SQLException | RuntimeException first) {
      closeSide();
      if (fresh) {
        throw SqlErrorProxy.asSqlException(first);
      }
      try {
        statement().execute(sql);
      } catch (SQLException | RuntimeException second) {
        closeSide();
        SQLException failure = SqlErrorProxy.asSqlException(second);
        failure.addSuppressed(first);
        throw failure;
      }
    }
  }

  private Statement statement() throws SQLException {
    if (sideStatement == null) {
      side = opener.open();
      sideStatement = side.createStatement();
    }
    return sideStatement;
  }

  synchronized void close() {
    closed = true;
    closeSide();
  }

  private void closeSide() {
    if (side != null) {
      try {
        side.close(); // closes its statement too
      } catch (SQLException | RuntimeException e) {
        // a broken or expired side connection has nothing left to release
      }
    }
    side = null;
    sideStatement = null;
  }
}
