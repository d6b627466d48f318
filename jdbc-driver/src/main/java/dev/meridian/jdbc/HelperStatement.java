package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A statement of Avatica's connection that the driver runs its own SQL on (SETs around a query
 * timeout, savepoint statements): created at first use and reused, so each of those statements is
 * one round trip. Not thread-safe; its owner serializes the calls.
 */
final class HelperStatement {

  private final Connection connection;
  private Statement statement;

  /** @param connection Avatica's connection (not the proxy) */
  HelperStatement(Connection connection) {
    this.connection = connection;
  }

  void execute(String sql) throws SQLException {
    if (statement == null) {
      statement = connection.createStatement();
    }
    statement.execute(sql);
  }

  /** Closes the statement, if there is one; failures are dropped: the connection is closing anyway. */
  void close() {
    if (statement != null) {
      try {
        statement.close();
      } catch (SQLException | RuntimeException e) {
        // the connection is closing anyway
      }
      statement = null;
    }
  }
}
