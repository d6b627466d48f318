package dev.meridian.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** The SQLSTATEs this driver raises itself (DESIGN.md §8: {@code 08xxx} for connection problems). */
final class SqlStates {
  /** The client could not establish a connection: malformed URL, bad property, every host failed. */
  static final String UNABLE_TO_CONNECT = "08001";
  /** The connection is gone: it broke earlier or was closed. */
  static final String CONNECTION_DOES_NOT_EXIST = "08003";
  /** The connection failed while a request was in flight; the request's outcome is unknown. */
  static final String CONNECTION_FAILURE = "08006";

  private SqlStates() {}

  static SQLException unableToConnect(String message) {
    return new SQLNonTransientConnectionException(message, UNABLE_TO_CONNECT);
  }

  static SQLException unableToConnect(String message, Throwable cause) {
    return new SQLTransientConnectionException(message, UNABLE_TO_CONNECT, cause);
  }
}
