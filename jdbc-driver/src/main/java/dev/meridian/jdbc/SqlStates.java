package dev.meridian.jdbc;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * The SQLSTATEs this driver raises itself (DESIGN.md §8: {@code 08xxx} for connection problems),
 * and the {@link SQLException} subclass every failure reaching the application has, chosen by its
 * SQLSTATE ({@link #typed}), so that frameworks that look at the class (Spring's translator,
 * jOOQ, Hibernate, connection pools) see what happened without parsing states:
 *
 * <pre>
 * SQLSTATE          class                                       why
 * 08001             SQLTransientConnectionException             no host answered: may work later
 *                   (SQLNonTransientConnectionException when    (a malformed URL or property never
 *                   the driver refuses the URL or a property)    will)
 * 08003, 08006,     SQLNonTransientConnectionException          this connection is gone for good;
 * other 08xxx                                                   open a new one
 * 0A000             SQLFeatureNotSupportedException
 * 22xxx             SQLDataException
 * 23xxx             SQLIntegrityConstraintViolationException
 * 28xxx             SQLInvalidAuthorizationSpecException
 * 40001, 40002,     SQLTransactionRollbackException             the transaction did not commit;
 * other 40xxx                                                   retrying it is safe
 * 40003             SQLException                                statement completion unknown: it
 *                                                               may have committed, so it must not
 *                                                               look like a retryable rollback
 * 42xxx             SQLSyntaxErrorException
 * 53xxx             SQLTransientException                       out of a resource (connections)
 * 57014             SQLTimeoutException                         statement timeout, query timeout or
 *                                                               Statement.cancel
 * anything else     SQLException
 * </pre>
 */
final class SqlStates {
  /** The client could not establish a connection: malformed URL, bad property, every host failed. */
  static final String UNABLE_TO_CONNECT = "08001";
  /** The connection is gone: it broke earlier or was closed. */
  static final String CONNECTION_DOES_NOT_EXIST = "08003";
  /** The connection failed while a request was in flight; the request's outcome is unknown. */
  static final String CONNECTION_FAILURE = "08006";
  /** A JDBC method or an argument of one that Meridian does not support. */
  static final String FEATURE_NOT_SUPPORTED = "0A000";
  /** The outcome of a commit is unknown (DESIGN.md §11): never a retryable rollback. */
  static final String COMPLETION_UNKNOWN = "40003";

  private SqlStates() {}

  static SQLException unableToConnect(String message) {
    return new SQLNonTransientConnectionException(message, UNABLE_TO_CONNECT);
  }

  static SQLException unableToConnect(String message, Throwable cause) {
    return new SQLTransientConnectionException(message, UNABLE_TO_CONNECT, cause);
  }

  /**
   * {@code failure} as the subclass its SQLSTATE calls for (see the class comment). A failure the
   * server sent gets the server's own message ({@link ServerErrors}), SQLSTATE and vendor code. An
   * exception that already is a subclass is returned as it is; otherwise the answer has the same
   * message, SQLSTATE and vendor code, and {@code failure} as its cause.
   */
  static SQLException typed(SQLException failure) {
    if (failure instanceof AvaticaSqlException avatica) {
      SQLException clean = ServerErrors.clean(avatica);
      if (clean != null) {
        return clean;
      }
    }
    if (failure.getClass() != SQLException.class && failure.getClass() != AvaticaSqlException.class) {
      return failure;
    }
    SQLException typed = of(failure.getMessage(), failure.getSQLState(), failure.getErrorCode(), failure);
    return typed.getClass() == SQLException.class ? failure : typed;
  }

  /** A new exception of the subclass {@code sqlState} calls for. */
  static SQLException of(String message, String sqlState, int vendorCode, Throwable cause) {
    if (sqlState == null || sqlState.length() != 5) {
      return new SQLException(message, sqlState, vendorCode, cause);
    }
    String sqlClass = sqlState.substring(0, 2);
    return switch (sqlClass) {
      case "08" -> sqlState.equals(UNABLE_TO_CONNECT)
          ? new SQLTransientConnectionException(message, sqlState, vendorCode, cause)
          : new SQLNonTransientConnectionException(message, sqlState, vendorCode, cause);
      case "0A" -> new SQLFeatureNotSupportedException(message, sqlState, vendorCode, cause);
      case "22" -> new SQLDataException(message, sqlState, vendorCode, cause);
      case "23" -> new SQLIntegrityConstraintViolationException(message, sqlState, vendorCode, cause);
      case "28" -> new SQLInvalidAuthorizationSpecException(message, sqlState, vendorCode, cause);
      case "40" -> sqlState.equals(COMPLETION_UNKNOWN)
          ? new SQLException(message, sqlState, vendorCode, cause)
          : new SQLTransactionRollbackException(message, sqlState, vendorCode, cause);
      case "42" -> new SQLSyntaxErrorException(message, sqlState, vendorCode, cause);
      case "53" -> new SQLTransientException(message, sqlState, vendorCode, cause);
      default -> sqlState.equals("57014")
          ? new SQLTimeoutException(message, sqlState, vendorCode, cause)
          : new SQLException(message, sqlState, vendorCode, cause);
    };
  }

  /** The exception for a JDBC method Meridian does not support, naming it. */
  static SQLFeatureNotSupportedException unsupported(String feature, Throwable cause) {
    return new SQLFeatureNotSupportedException(feature + " is not supported by the Meridian JDBC driver",
        FEATURE_NOT_SUPPORTED, cause);
  }
}
