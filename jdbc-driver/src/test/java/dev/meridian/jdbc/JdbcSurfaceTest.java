package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's JDBC surface over Avatica: SQLException subclasses by SQLSTATE, every method
 * Avatica leaves unsupported naming itself (found by calling every method of every proxied
 * interface against a real Avatica server over H2), java.time parameters as text.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdbcSurfaceTest {
  private TestAvaticaServer server;

  @BeforeEach
  void startServer() throws SQLException {
    server = TestAvaticaServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void theSubclassFollowsTheSqlState() {
    Map<String, Class<?>> expected = new LinkedHashMap<>();
    expected.put("08001", SQLTransientConnectionException.class);
    expected.put("08003", SQLNonTransientConnectionException.class);
    expected.put("08006", SQLNonTransientConnectionException.class);
    expected.put("0A000", SQLFeatureNotSupportedException.class);
    expected.put("22018", SQLDataException.class);
    expected.put("23505", SQLIntegrityConstraintViolationException.class);
    expected.put("28000", SQLInvalidAuthorizationSpecException.class);
    expected.put("40001", SQLTransactionRollbackException.class);
    expected.put("40P01", SQLTransactionRollbackException.class);
    expected.put("42601", SQLSyntaxErrorException.class);
    expected.put("57014", SQLTimeoutException.class);
    // No subclass: completion unknown must not look like a retryable rollback.
    expected.put("40003", null);
    expected.put("25P01", null);
    expected.forEach((state, type) -> {
      SQLException original = new AvaticaSqlException("boom", state, 7, List.of(), "server");
      SQLException typed = SqlStates.typed(original);
      if (type == null) {
        assertThat((Object) typed).as(state).isSameAs(original)
            .isNotInstanceOfAny(SQLTransientException.class, SQLNonTransientException.class);
        return;
      }
      assertThat(typed.getClass()).as(state).isEqualTo(type);
      assertThat(typed.getSQLState()).isEqualTo(state);
      assertThat(typed.getErrorCode()).isEqualTo(7);
      assertThat(typed.getMessage()).isEqualTo(original.getMessage());
    });
    SQLException already = new SQLDataException("x", "42601");
    assertThat((Object) SqlStates.typed(already)).as("a subclass stays as it is").isSameAs(already);
  }

  /** A harmless argument of each parameter type, to reach the method's body. */
  private static Object argument(Class<?> type) {
    if (type == int.class || type == Integer.class) {
      return 1;
    }
    if (type == long.class) {
      return 1L;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == short.class) {
      return (short) 1;
    }
    if (type == byte.class) {
      return (byte) 1;
    }
    if (type == float.class) {
      return 1f;
    }
    if (type == double.class) {
      return 1d;
    }
    if (type == String.class) {
      return "x";
    }
    if (type == Class.class) {
      return String.class;
    }
    if (type == Map.class) {
      return Map.of();
    }
    if (type == Properties.class) {
      return new Properties();
    }
    if (type == Calendar.class) {
      return Calendar.getInstance();
    }
    if (type == int[].class) {
      return new int[] {1};
    }
    if (type == String[].class) {
      return new String[] {"x"};
    }
    if (type == java.sql.SQLType.class) {
      return java.sql.JDBCType.INTEGER;
    }
    if (type == java.util.concurrent.Executor.class) {
      return (java.util.concurrent.Executor) Runnable::run;
    }
    return null;
  }

  /** Methods left out of the sweep: they end the object under test, or wait. */
  private static final Set<String> SKIPPED = Set.of("close", "abort", "cancel", "closeOnCompletion");

  @Test
  void everyUnsupportedMethodSaysWhichItIs() throws Exception {
    List<String> unsupported = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:meridian://" + server.hostAndPort())) {
      try (Statement setup = c.createStatement()) {
        setup.execute("CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(10))");
        setup.execute("INSERT INTO t VALUES (1, 'a')");
      }
      Statement statement = c.createStatement();
      PreparedStatement prepared = c.prepareStatement("SELECT k, v FROM t WHERE k = ?");
      ResultSet rs = c.createStatement().executeQuery("SELECT k, v FROM t");
      assertThat(rs.next()).isTrue();
      Map<Class<?>, Object> objects = new LinkedHashMap<>();
      objects.put(ResultSet.class, rs);
      objects.put(ResultSetMetaData.class, rs.getMetaData());
      objects.put(ParameterMetaData.class, prepared.getParameterMetaData());
      objects.put(PreparedStatement.class, prepared);
      objects.put(Statement.class, statement);
      objects.put(DatabaseMetaData.class, c.getMetaData());
      objects.put(Connection.class, c);
      for (Map.Entry<Class<?>, Object> entry : objects.entrySet()) {
        Class<?> type = entry.getKey();
        List<Method> methods = new ArrayList<>(List.of(type.getMethods()));
        methods.sort(java.util.Comparator.comparing(Method::toString));
        for (Method method : methods) {
          if (SKIPPED.contains(method.getName()) || method.isDefault() && method.getDeclaringClass() != type) {
            continue;
          }
          Object[] args = new Object[method.getParameterCount()];
          for (int i = 0; i < args.length; i++) {
            args[i] = argument(method.getParameterTypes()[i]);
          }
          String name = type.getSimpleName() + "." + method.getName() + signature(method);
          try {
            method.invoke(entry.getValue(), args);
          } catch (InvocationTargetException e) {
            Throwable failure = e.getCause();
            if (failure instanceof SQLFeatureNotSupportedException) {
              unsupported.add(name);
              if (failure.getMessage() == null || !failure.getMessage().contains(method.getName())
                  || !"0A000".equals(((SQLException) failure).getSQLState())) {
                wrong.add(name + ": " + failure.getMessage());
              }
            } else if (failure instanceof UnsupportedOperationException) {
              wrong.add(name + " threw " + failure);
            }
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(unsupported).contains("Connection.createBlob()", "ResultSet.updateInt(int, int)")
        .doesNotContain("PreparedStatement.setObject(int, Object, SQLType)", "Connection.setSavepoint()",
            "Connection.rollback(Savepoint)", "Connection.releaseSavepoint(Savepoint)");
    System.out.println("unsupported JDBC methods: " + unsupported.size() + "\n" + String.join("\n", unsupported));
  }

  private static String signature(Method method) {
    StringBuilder out = new StringBuilder("(");
    for (Class<?> p : method.getParameterTypes()) {
      out.append(out.length() > 1 ? ", " : "").append(p.getSimpleName());
    }
    return out.append(')').toString();
  }

  @Test
  void javaTimeParametersAreSentAsTheServersLiterals() throws SQLException {
    assertThat(JavaTime.parameter(LocalDate.of(2024, 3, 1), null)).isEqualTo("2024-03-01");
    assertThat(JavaTime.parameter(LocalTime.of(13, 45), Types.TIME)).isEqualTo("13:45:00");
    assertThat(JavaTime.parameter(LocalDateTime.of(2024, 3, 1, 0, 0), null)).isEqualTo("2024-03-01 00:00:00");
    assertThat(JavaTime.parameter(LocalDateTime.of(2024, 3, 1, 1, 2, 3, 4_000_000), Types.TIMESTAMP))
        .isEqualTo("2024-03-01 01:02:03.004");
    assertThat(JavaTime.parameter(OffsetDateTime.of(2024, 3, 1, 1, 0, 0, 0, ZoneOffset.ofHours(-5)), null))
        .as("an instant goes as its UTC date and time").isEqualTo("2024-03-01 06:00:00");
    assertThat(JavaTime.parameter(Instant.EPOCH, Types.TIMESTAMP_WITH_TIMEZONE)).isEqualTo("1970-01-01 00:00:00");
    assertThatThrownBy(() -> JavaTime.parameter(LocalDate.EPOCH, Types.INTEGER))
        .isInstanceOfSatisfying(SQLDataException.class, e -> assertThat(e.getSQLState()).isEqualTo("22018"));
  }
}
