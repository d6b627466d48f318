package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SETs QueryTimeouts sends around a statement's executions. */
class QueryTimeoutsTest {

  private final List<String> sent = new ArrayList<>();

  private Connection recordingConnection() {
    Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Statement.class}, (proxy, method, args) -> {
          if (method.getName().equals("execute")) {
            sent.add((String) args[0]);
            return false;
          }
          return null;
        });
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> method.getName().equals("createStatement") ? statement : null);
  }

  @Test
  void noQueryTimeoutSendsNothing() throws Throwable {
    QueryTimeouts timeouts = new QueryTimeouts(recordingConnection());
    assertThat(timeouts.run(0, () -> "rows")).isEqualTo("rows");
    assertThat(sent).isEmpty();
  }

  @Test
  void aQueryTimeoutIsSetAndTheDefaultRestored() throws Throwable {
    QueryTimeouts timeouts = new QueryTimeouts(recordingConnection());
    assertThat(timeouts.run(5, () -> {
      sent.add("work");
      return 1;
    })).isEqualTo(1);
    assertThat(sent).containsExactly("SET STATEMENT_TIMEOUT = '5s'", "work", "SET STATEMENT_TIMEOUT = DEFAULT");
  }

  @Test
  void theApplicationsOwnSettingIsRestoredAndAnEqualOneSkipped() throws Throwable {
    QueryTimeouts timeouts = new QueryTimeouts(recordingConnection());
    timeouts.executed("set statement_timeout to '250ms'");
    timeouts.executed("SELECT 1");
    timeouts.run(2, () -> null);
    assertThat(sent).containsExactly("SET STATEMENT_TIMEOUT = '2s'", "SET STATEMENT_TIMEOUT = '250ms'");
    sent.clear();
    timeouts.executed("SET STATEMENT_TIMEOUT = '2s'");
    timeouts.run(2, () -> null);
    assertThat(sent).isEmpty();
  }

  @Test
  void theSettingIsRestoredWhenTheExecutionFails() {
    QueryTimeouts timeouts = new QueryTimeouts(recordingConnection());
    assertThatThrownBy(() -> timeouts.run(1, () -> {
      throw new SQLException("statement timed out", "57014");
    })).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
    assertThat(sent).containsExactly("SET STATEMENT_TIMEOUT = '1s'", "SET STATEMENT_TIMEOUT = DEFAULT");
  }
}
