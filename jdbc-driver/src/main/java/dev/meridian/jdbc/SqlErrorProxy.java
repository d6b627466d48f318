package dev.meridian.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaStatement;

/**
 * Makes every failure of a Meridian connection arrive as a {@link SQLException} with its SQLSTATE,
 * of the subclass that SQLSTATE calls for ({@link SqlStates#typed}).
 *
 * <p>Avatica turns remote failures into SQLExceptions on some paths (executing a statement) but
 * lets them escape as unchecked {@link AvaticaClientRuntimeException} on others (creating a
 * statement, commit, fetching the next frame of a result set). So the connection, and the
 * statements, metadata and result sets reached from it, are wrapped in proxies that translate
 * such an exception into a SQLException keeping its SQLSTATE (08006/08003 for a broken transport,
 * the server's own otherwise). {@code getConnection()} and {@code getStatement()} answer the
 * proxies; {@code unwrap} reaches Avatica's objects. A JDBC method Avatica leaves unsupported
 * (it throws {@code SQLFeatureNotSupportedException} without a message, or {@code
 * UnsupportedOperationException}) fails with a {@code SQLFeatureNotSupportedException} (0A000)
 * naming the method.
 *
 * <p>The proxies also add what Avatica's protocol cannot carry: {@code getPrimaryKeys} and {@code
 * getIndexInfo} become queries of the server's system tables ({@link MetadataQueries}), the
 * executions of a statement with a query timeout run under that timeout ({@link QueryTimeouts}),
 * {@code Statement.cancel()} is sent to the server on a side connection ({@link CancelChannel})
 * instead of reaching Avatica, whose own cancel only marks the statement, for good, on the
 * client; savepoints become the server's savepoint statements ({@link Savepoints}); {@code
 * java.time} values are bound and read ({@link JavaTime}); {@code DatabaseMetaData} describes
 * Meridian ({@link MeridianMetaData}); the connection-property setters reach the server before
 * they return ({@link PropertySync}); and the generated-keys forms of prepare and execute, and
 * {@code getGeneratedKeys}, are served by {@link GeneratedKeys}.
 *
 * <p>A result set obtained from a statement stops after the statement's {@code setMaxRows} (or
 * {@code setLargeMaxRows}) rows, as set when the result set was obtained. The server applies a
 * plain statement's limit itself, but Avatica's protocol sends none for the execution of a prepared
 * statement (only its fetch size), so without this a prepared statement's max rows would be ignored.
 */
final class SqlErrorProxy implements InvocationHandler {
  private static final List<Class<?>> WRAPPED = List.of(
      CallableStatement.class, PreparedStatement.class, Statement.class, DatabaseMetaData.class, ResultSet.class,
      ResultSetMetaData.class, ParameterMetaData.class);

  /** Statement methods that run it on the server: they run under its query timeout. */
  private static final Set<String> EXECUTIONS = Set.of(
      "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

  /** ResultSetMetaData methods naming where a column comes from. */
  private static final Set<String> NAMES_OF_ORIGIN = Set.of("getTableName", "getSchemaName", "getCatalogName");

  /** What every proxy of one connection shares. */
  private record PerConnection(QueryTimeouts timeouts, CancelChannel cancels, Savepoints savepoints) {}

  private final Object target;
  private final Class<?> type;
  private final Object parent;
  private final PerConnection shared;
  /** The SQL a prepared statement was prepared with; null for others. */
  private final String preparedSql;
  /** Generated keys of this statement ({@link GeneratedKeys}); unused by other proxies. */
  private final GeneratedKeys generatedKeys = new GeneratedKeys();
  /** For a result set: rows it may still return before its statement's max rows; -1 for no limit. */
  private long rowsLeft = -1;
  private Object self;

  private SqlErrorProxy(Object target, Class<?> type, Object parent, PerConnection shared, String preparedSql) {
    this.target = target;
    this.type = type;
    this.parent = parent;
    this.shared = shared;
    this.preparedSql = preparedSql;
  }

  /**
   * @param connection Avatica's connection
   * @param sideChannel opens another Avatica connection to the same node, for cancels
   */
  static Connection wrap(Connection connection, CancelChannel.Opener sideChannel) {
    PerConnection shared = new PerConnection(new QueryTimeouts(connection), new CancelChannel(sideChannel),
        new Savepoints(connection));
    return (Connection) proxy(connection, Connection.class, null, shared, null).self;
  }

  private static SqlErrorProxy proxy(Object target, Class<?> type, Object parent, PerConnection shared,
      String preparedSql) {
    SqlErrorProxy handler = new SqlErrorProxy(target, type, parent, shared, preparedSql);
    handler.self = Proxy.newProxyInstance(SqlErrorProxy.class.getClassLoader(), new Class<?>[] {type}, handler);
    return handler;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    try {
      return dispatch(method, args);
    } catch (SQLFeatureNotSupportedException e) {
      // Avatica's own say nothing (no message, or no SQLSTATE); the server's (0A000) name the feature.
      throw e.getMessage() == null || !SqlStates.FEATURE_NOT_SUPPORTED.equals(e.getSQLState())
          ? SqlStates.unsupported(feature(method), e) : e;
    } catch (SQLException e) {
      throw SqlStates.typed(e);
    } catch (AvaticaClientRuntimeException e) {
      // From Avatica objects this driver calls directly (savepoints, metadata, cancels).
      throw translate(e);
    } catch (UnsupportedOperationException e) {
      throw SqlStates.unsupported(feature(method), e);
    }
  }

  private Object dispatch(Method method, Object[] args) throws Throwable {
    Class<?> returns = method.getReturnType();
    String name = method.getName();
    if (parent != null && args == null
        && (name.equals("getConnection") || name.equals("getStatement"))
        && returns.isInstance(parent)) {
      return parent;
    }
    Optional<Object> added = added(method, args);
    if (added != null) {
      return added.orElse(null);
    }
    if (target instanceof Connection && name.equals("close") && args == null) {
      shared.timeouts().close();
      shared.cancels().close();
      shared.savepoints().close();
    }
    if (rowsLeft == 0 && name.equals("next") && args == null) {
      return false;
    }
    Object result;
    if (target instanceof Statement statement && EXECUTIONS.contains(name)) {
      String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : preparedSql;
      try {
        result = shared.timeouts().run(queryTimeout(statement), () -> call(method, args));
      } catch (SQLException e) {
        throw BatchErrors.isBatch(name) ? BatchErrors.of(name, e) : e;
      }
      shared.timeouts().executed(sql);
    } else {
      result = call(method, args);
    }
    if (rowsLeft > 0 && name.equals("next") && args == null && Boolean.TRUE.equals(result)) {
      rowsLeft--;
    }
    if (result == null || name.equals("unwrap")) {
      return result;
    }
    for (Class<?> wrapped : WRAPPED) {
      if (returns == wrapped) {
        String sql = wrapped != Statement.class && target instanceof Connection && args != null && args.length > 0
            && args[0] instanceof String text ? text : null;
        SqlErrorProxy handler = proxy(result, wrapped, self, shared, sql);
        if (wrapped == ResultSet.class && target instanceof Statement statement) {
          handler.rowsLeft = maxRows(statement);
        }
        return handler.self;
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

  /**
   * The answer of a method this driver implements in place of Avatica: null when Avatica answers
   * it, else the answer (empty for void or null).
   */
  private Optional<Object> added(Method method, Object[] args) throws Throwable {
    String name = method.getName();
    int arity = args == null ? 0 : args.length;
    if (target instanceof DatabaseMetaData metaData && parent instanceof Connection connection) {
      if (name.equals("getPrimaryKeys") && arity == 3) {
        return Optional.of(MetadataQueries.primaryKeys(connection, (String) args[0], (String) args[1],
            (String) args[2]));
      }
      if (name.equals("getIndexInfo") && arity == 5) {
        return Optional.of(MetadataQueries.indexInfo(connection, (String) args[0], (String) args[1],
            (String) args[2], (Boolean) args[3]));
      }
      Optional<Object> answer = MeridianMetaData.answer(metaData, connection, method, args);
      if (answer.isPresent()) {
        return answer;
      }
    }
    if (target instanceof Connection connection) {
      if (PropertySync.isSetter(name, arity)) {
        PropertySync.set(connection, name, args[0]);
        return Optional.empty();
      }
      switch (name) {
        case "setSavepoint" -> {
          return Optional.of(shared.savepoints().set(arity == 0 ? null : (String) args[0]));
        }
        case "rollback" -> {
          if (arity == 1) {
            shared.savepoints().rollback((Savepoint) args[0]);
            return Optional.empty();
          }
        }
        case "releaseSavepoint" -> {
          shared.savepoints().release((Savepoint) args[0]);
          return Optional.empty();
        }
        default -> { }
      }
    }
    if (target instanceof AvaticaStatement statement && name.equals("cancel") && arity == 0) {
      shared.cancels().cancel(statement);
      return Optional.empty();
    }
    if (target instanceof PreparedStatement statement && name.equals("setObject") && arity >= 2
        && JavaTime.isParameter(args[1])) {
      Integer targetType = arity == 2 ? null
          : args[2] instanceof SQLType sqlType ? sqlType.getVendorTypeNumber() : (Integer) args[2];
      String text = JavaTime.parameter(args[1], targetType);
      call(PreparedStatement.class.getMethod("setString", int.class, String.class), new Object[] {args[0], text});
      return Optional.empty();
    }
    if (target instanceof PreparedStatement && name.equals("setObject") && arity >= 3
        && args[2] instanceof SQLType sqlType) {
      // Avatica has no JDBC 4.2 SQLType overloads: the type's number is the same request.
      Object[] numbered = args.clone();
      numbered[2] = sqlType.getVendorTypeNumber();
      Class<?>[] parameters = arity == 3 ? new Class<?>[] {int.class, Object.class, int.class}
          : new Class<?>[] {int.class, Object.class, int.class, int.class};
      call(PreparedStatement.class.getMethod("setObject", parameters), numbered);
      return Optional.empty();
    }
    if (target instanceof ResultSetMetaData && arity == 1 && NAMES_OF_ORIGIN.contains(name)) {
      // JDBC: "" when not applicable; Avatica's protobuf makes "" arrive as null.
      Object answer = call(method, args);
      return Optional.of(answer == null ? "" : answer);
    }
    if (target instanceof ResultSet rs && name.equals("getObject") && arity == 2 && args[1] instanceof Class<?> type
        && JavaTime.isReadable(type)) {
      int column = args[0] instanceof String label ? rs.findColumn(label) : (Integer) args[0];
      try {
        return Optional.ofNullable(JavaTime.read(rs, column, type));
      } catch (AvaticaClientRuntimeException e) {
        throw translate(e);
      }
    }
    return null;
  }

  /** {@code Interface.method(ParameterTypes)}, as messages name a JDBC method. */
  private String feature(Method method) {
    return type.getSimpleName() + "." + method.getName() + Arrays.stream(method.getParameterTypes())
        .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      Object keys = generatedKeys.invoke(target, method, args);
      return keys != GeneratedKeys.NOT_HANDLED ? keys : method.invoke(target, args);
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
      return SqlStates.typed(e);
    }
    return SqlStates.of(failure.getMessage(), SqlStates.CONNECTION_FAILURE, 0, failure);
  }

  private static Throwable translate(Throwable failure) {
    if (failure instanceof AvaticaClientRuntimeException e) {
      SQLException clean = ServerErrors.clean(e);
      return clean != null ? clean : SqlStates.of(e.getMessage(), e.getSqlState(), e.getErrorCode(), e);
    }
    return failure;
  }

  @Override
  public String toString() {
    return "SqlErrorProxy(" + target + ")";
  }
}
