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
import org.apache.calcite.avatica.AvaticaClientRuntimeException;

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
 */
final class SqlErrorProxy implements InvocationHandler {
  private static final List<Class<?>> WRAPPED = List.of(
      CallableStatement.class, PreparedStatement.class, Statement.class, DatabaseMetaData.class, ResultSet.class);

  private final Object target;
  private final Object parent;
  private Object self;

  private SqlErrorProxy(Object target, Object parent) {
    this.target = target;
    this.parent = parent;
  }

  static Connection wrap(Connection connection) {
    return (Connection) proxy(connection, Connection.class, null);
  }

  private static Object proxy(Object target, Class<?> type, Object parent) {
    SqlErrorProxy handler = new SqlErrorProxy(target, parent);
    handler.self = Proxy.newProxyInstance(SqlErrorProxy.class.getClassLoader(), new Class<?>[] {type}, handler);
    return handler.self;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Class<?> returns = method.getReturnType();
    if (parent != null && args == null
        && (method.getName().equals("getConnection") || method.getName().equals("getStatement"))
        && returns.isInstance(parent)) {
      return parent;
    }
    Object result;
    try {
      result = method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw translate(e.getCause());
    }
    if (result == null || method.getName().equals("unwrap")) {
      return result;
    }
    for (Class<?> type : WRAPPED) {
      if (returns == type) {
        return proxy(result, type, self);
      }
    }
    return result;
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
