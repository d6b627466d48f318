package dev.meridian.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaStatement;

/**
 * Makes every failure of a Meridian connection arrive as a {@link SQLException} with its SQLSTATE.
 *
 * <p>Avatica turns remote failures into SQLExceptions on some paths (executing a statement) but
 * lets them escape as unchecked {@link AvaticaClientRuntimeException} on others (creating a
 * statement, commit, fetching the next frame of a result set). So the connection, and the
 * statements, metadata and result sets reached from it, are wrapped in proxies that translate
 * such an exception into a SQLException keeping its SQLSTATE (08006/08003 for a broken transport,
 * the server's own otherwise). {@code getConnection()} and {@code getStatement()} answer the
 * proxies; {@code unwrap} reaches Avatica's objects.
 *
 * <p>The proxies also add what Avatica's protocol cannot carry: {@code getPrimaryKeys} and {@code
 * getIndexInfo} become queries of the server's system tables ({@link MetadataQueries}), the
 * executions of a statement with a query timeout run under that timeout ({@link QueryTimeouts}),
 * and {@code Statement.cancel()} is sent to the server on a side connection ({@link CancelChannel})
 * instead of reaching Avatica, whose own cancel only marks the statement, for good, on the client.
 *
 * <p>A result set obtained from a statement stops after the statement's {@code setMaxRows} (or
 * {@code setLargeMaxRows}) rows, as set when the result set was obtained. The server applies a
 * plain statement's limit itself, but Avatica's protocol sends none for the execution of a prepared
 * statement (only its fetch size), so without this a prepared statement's max rows would be ignored.
 */
final class SqlErrorProxy implements InvocationHandler {
  private static final List<Class<?>> WRAPPED = List.of(
      CallableStatement.class, PreparedStatement.class, Statement.class, DatabaseMetaData.class, ResultSet.class);

  /** Statement methods that run it on the server: they run under its query timeout. */
  private static final Set<String> EXECUTIONS = Set.of(
      "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

  private final Object target;
  private final Object parent;
  private final QueryTimeouts timeouts;
  private final CancelChannel cancels;
  /** The SQL a prepared statement was prepared with; null for others. */
  private final String preparedSql;
  /** For a result set: rows it may still return before its statement's max rows; -1 for no limit. */
  private long rowsLeft = -1;
  private Object self;

  private SqlErrorProxy(Object target, Object parent, QueryTimeouts timeouts, CancelChannel cancels,
      String preparedSql) {
    this.target = target;
    this.parent = parent;
    this.timeouts = timeouts;
    this.cancels = cancels;
    this.preparedSql = preparedSql;
  }

  /**
   * @param connection Avatica's connection
   * @param sideChannel opens another Avatica connection to the same node, for cancels
   */
  static Connection wrap(Connection connection, CancelChannel.Opener sideChannel) {
    return (Connection) proxy(connection, Connection.class, null, new QueryTimeouts(connection),
        new CancelChannel(sideChannel), null).self;
  }

  private static SqlErrorProxy proxy(Object target, Class<?> type, Object parent, QueryTimeouts timeouts,
      CancelChannel cancels, String preparedSql) {
    SqlErrorProxy handler = new SqlErrorProxy(target, parent, timeouts, cancels, preparedSql);
    handler.self = Proxy.newProxyInstance(SqlErrorProxy.class.getClassLoader(), new Class<?>[] {type}, handler);
    return handler;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Class<?> returns = method.getReturnType();
    String name = method.getName();
    if (parent != null && args == null
        && (name.equals("getConnection") || name.equals("getStatement"))
        && returns.isInstance(parent)) {
      return parent;
    }
    if (target instanceof DatabaseMetaData && parent instanceof Connection connection) {
      if (name.equals("getPrimaryKeys") && args != null && args.length == 3) {
        return MetadataQueries.primaryKeys(connection, (String) args[0], (String) args[1], (String) args[2]);
      }
      if (name.equals("getIndexInfo") && args != null && args.length == 5) {
        return MetadataQueries.indexInfo(connection, (String) args[0], (String) args[1], (String) args[2],
            (Boolean) args[3]);
      }
    }
    if (target instanceof Connection && name.equals("close") && args == null) {
      timeouts.close();
      cancels.close();
    }
    if (target instanceof AvaticaStatement statement && name.equals("cancel") && args == null) {
      cancels.cancel(statement);
      return null;
    }
    if (rowsLeft == 0 && name.equals("next") && args == null) {
      return false;
    }
    Object result;
    if (target instanceof Statement statement && EXECUTIONS.contains(name)) {
      String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : preparedSql;
      result = timeouts.run(queryTimeout(statement), () -> call(method, args));
      timeouts.executed(sql);
    } else if (target instanceof Connection && name.startsWith("prepare") && args != null
        && args.length > 0 && args[0] instanceof String sql) {
      try {
        result = call(method, args);
      } catch (SQLException e) {
        throw PrepareErrors.withServerReason(e, sql);
      }
    } else {
      result = call(method, args);
    }
    if (rowsLeft > 0 && name.equals("next") && args == null && Boolean.TRUE.equals(result)) {
      rowsLeft--;
    }
    if (result == null || name.equals("unwrap")) {
      return result;
    }
    for (Class<?> type : WRAPPED) {
      if (returns == type) {
        String sql = type != Statement.class && target instanceof Connection && args != null && args.length > 0
            && args[0] instanceof String text ? text : null;
        SqlErrorProxy wrapped = proxy(result, type, self, timeouts, cancels, sql);
        if (type == ResultSet.class && target instanceof Statement statement) {
          wrapped.rowsLeft = maxRows(statement);
        }
        return wrapped.self;
      }
    }
    return result;
  }

  /** The statement's max rows now, -1 for none. */
  private static long maxRows(Statement statement) throws SQLException {
    try {
      long maxRows = statement.getLargeMaxRows();
      return maxRows > 0 ? maxRows : -1;
    } catch (AvaticaClientRuntimeException e) {
      throw (SQLException) translate(e);
    }
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw translate(e.getCause());
    }
  }

  private static int queryTimeout(Statement statement) throws SQLException {
    try {
      return statement.getQueryTimeout();
    } catch (AvaticaClientRuntimeException e) {
      throw (SQLException) translate(e);
    }
  }

  /** {@code failure} as the SQLException an application expects, keeping its SQLSTATE. */
  static SQLException asSqlException(Exception failure) {
    if (translate(failure) instanceof SQLException e) {
      return e;
    }
    return new SQLException(failure.getMessage(), SqlStates.CONNECTION_FAILURE, failure);
  }

  private static Throwable translate(Throwable failure) {
    if (failure instanceof AvaticaClientRuntimeException e) {
      return new SQLException(e.getMessage(), e.getSqlState(), e.getErrorCode(), e);
    }
    return failure;
  }

  @Override
  public String toString() {
    return "SqlErrorProxy(" + target + ")";
  }
}
