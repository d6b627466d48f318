package dev.meridian.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MeridianAvaticaAccess;

/**
 * JDBC's generated keys ({@code prepareStatement(sql, RETURN_GENERATED_KEYS | int[] | String[])},
 * the same forms of {@code executeUpdate}/{@code executeLargeUpdate}/{@code execute}, and {@code
 * getGeneratedKeys()}), which Avatica's protocol does not carry and its driver refuses.
 *
 * <p>The request rides in the SQL: the driver puts a comment in front of the statement that the
 * node reads ({@code dev.meridian.server.sql.GeneratedKeysMarker} on the server):
 * {@code /*meridian.generated_keys*&#47;} for RETURN_GENERATED_KEYS, {@code /*meridian.generated_keys
 * columns "ID","Name"*&#47;} for names, {@code /*meridian.generated_keys indexes 1,3*&#47;} for
 * positions. The node answers the one execution request with two result sets, the update count
 * and the keys; Avatica's statements keep only the first, so this class runs such executions
 * through {@link MeridianAvaticaAccess} to keep the second, which {@code getGeneratedKeys()} then
 * returns. One round trip, as for any INSERT; keys beyond the first frame are fetched as the
 * application reads them, like any result.
 *
 * <p>Keys are per statement, replaced by its next execution; a statement that generated none
 * (never asked, an UPDATE, a batch) returns an empty result set. {@code NO_GENERATED_KEYS}, a null
 * or empty array, run the plain statement.
 */
final class GeneratedKeys {

  /** {@link #invoke}'s answer for a call that is not about generated keys. */
  static final Object NOT_HANDLED = new Object();

  static final String PREFIX = "/*meridian.generated_keys";

  /** The execute methods that have generated-keys forms, and that run a prepared statement asking for keys. */
  private static final Set<String> STATEMENT_FORMS = Set.of("executeUpdate", "executeLargeUpdate", "execute");
  private static final Set<String> EXECUTIONS = Set.of(
      "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

  /** The keys of the statement's last execution, until taken or replaced. */
  private ResultSet keys;

  /**
   * One per statement proxy: handles {@code method} on Avatica's {@code target} when it is about
   * generated keys, or answers {@link #NOT_HANDLED}. Failures arrive as SQLExceptions with their
   * SQLSTATE.
   */
  Object invoke(Object target, Method method, Object[] args) throws SQLException {
    try {
      return dispatch(target, method, args);
    } catch (RuntimeException e) {
      throw SqlErrorProxy.asSqlException(e);
    }
  }

  private Object dispatch(Object target, Method method, Object[] args) throws SQLException {
    String name = method.getName();
    int arity = args == null ? 0 : args.length;
    if (target instanceof Connection connection && name.equals("prepareStatement") && arity == 2
        && args[0] instanceof String sql && isKeysArgument(method)) {
      String marked = mark(sql, args[1]);
      return connection.prepareStatement(marked == null ? sql : marked);
    }
    if (!(target instanceof Statement statement)) {
      return NOT_HANDLED;
    }
    if (name.equals("getGeneratedKeys") && arity == 0) {
      ResultSet taken = take();
      return taken != null ? taken : MeridianAvaticaAccess.empty((AvaticaStatement) statement);
    }
    if (!EXECUTIONS.contains(name)) {
      return NOT_HANDLED;
    }
    clear();
    if (!(statement instanceof PreparedStatement) && STATEMENT_FORMS.contains(name) && arity == 2
        && args[0] instanceof String sql && isKeysArgument(method)) {
      String marked = mark(sql, args[1]);
      if (marked == null) {
        return switch (name) {
          case "executeUpdate" -> statement.executeUpdate(sql);
          case "executeLargeUpdate" -> statement.executeLargeUpdate(sql);
          default -> statement.execute(sql);
        };
      }
      List<Meta.MetaResultSet> results = MeridianAvaticaAccess.execute((AvaticaStatement) statement, marked);
      return answer(name, statement, results);
    }
    if (statement instanceof AvaticaPreparedStatement prepared && STATEMENT_FORMS.contains(name) && arity == 0
        && String.valueOf(MeridianAvaticaAccess.preparedSql(prepared)).startsWith(PREFIX)) {
      return answer(name, statement, MeridianAvaticaAccess.execute(prepared));
    }
    return NOT_HANDLED;
  }

  /** Keeps the keys of {@code results} for the statement and answers the execute method {@code name}. */
  private Object answer(String name, Statement statement, List<Meta.MetaResultSet> results)
      throws SQLException {
    Meta.MetaResultSet first = results.get(0);
    if (results.size() > 1) {
      synchronized (this) {
        keys = MeridianAvaticaAccess.resultSet((AvaticaStatement) statement, results.get(1));
      }
    }
    return switch (name) {
      case "executeUpdate" -> (int) Math.min(Integer.MAX_VALUE, Math.max(first.updateCount, 0));
      case "executeLargeUpdate" -> Math.max(first.updateCount, 0L);
      default -> first.updateCount == -1;
    };
  }

  private static boolean isKeysArgument(Method method) {
    Class<?> second = method.getParameterTypes()[1];
    return second == int.class || second == int[].class || second == String[].class;
  }

  /** {@code sql} with the request in front, or null when {@code request} asks for no keys. */
  static String mark(String sql, Object request) throws SQLException {
    if (request instanceof Integer flag) {
      if (flag == Statement.NO_GENERATED_KEYS) {
        return null;
      }
      if (flag != Statement.RETURN_GENERATED_KEYS) {
        throw new SQLException("autoGeneratedKeys must be Statement.RETURN_GENERATED_KEYS or "
            + "NO_GENERATED_KEYS, not " + flag, "HY092");
      }
      return PREFIX + "*/ " + sql;
    }
    if (request instanceof int[] positions) {
      if (positions.length == 0) {
        return null;
      }
      StringBuilder marked = new StringBuilder(PREFIX).append(" indexes ");
      for (int i = 0; i < positions.length; i++) {
        marked.append(i == 0 ? "" : ",").append(positions[i]);
      }
      return marked.append("*/ ").append(sql).toString();
    }
    if (request instanceof String[] names) {
      if (names.length == 0) {
        return null;
      }
      StringBuilder marked = new StringBuilder(PREFIX).append(" columns ");
      for (int i = 0; i < names.length; i++) {
        if (names[i] == null) {
          throw new SQLException("generated key column " + (i + 1) + " is null", "HY009");
        }
        marked.append(i == 0 ? "" : ",").append('"').append(names[i].replace("\"", "\"\"")).append('"');
      }
      return marked.append("*/ ").append(sql).toString();
    }
    return null;
  }

  private synchronized ResultSet take() {
    ResultSet taken = keys;
    keys = null;
    return taken;
  }

  private synchronized void clear() {
    if (keys != null) {
      try {
        keys.close();
      } catch (SQLException e) {
        // replaced by the next execution's keys anyway
      }
      keys = null;
    }
  }
}
