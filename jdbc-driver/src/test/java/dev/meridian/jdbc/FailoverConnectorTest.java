package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failover decisions, driven step by step with a scripted connector: the trace is the spec. */
@Timeout(10)
class FailoverConnectorTest {
  private static final HostAndPort A = new HostAndPort("a", 1);
  private static final HostAndPort B = new HostAndPort("b", 2);
  private static final HostAndPort C = new HostAndPort("c", 3);
  private static final Connection CONNECTED = (Connection) Proxy.newProxyInstance(
      Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> null);

  private final List<String> trace = new ArrayList<>();

  private FailoverConnector connector(long connectMs, long loginMs, Set<HostAndPort> dead,
      HostAndPort refusesLogin) {
    return new FailoverConnector(new ConnectRetryPolicy(connectMs, loginMs), (host, timeoutMs) -> {
      trace.add(host + "/" + timeoutMs);
      if (dead.contains(host)) {
        throw new SQLException("wrapped", "08006",
            new TransportException(host, "connection refused", true, "08006", "could not open"));
      }
      if (host.equals(refusesLogin)) {
        throw new SQLException("Wrong user name or password", "28000");
      }
      return CONNECTED;
    });
  }

  @Test
  void firstLiveHostWins() throws SQLException {
    assertThat(connector(100, 1000, Set.of(A), null).connect(List.of(A, B, C))).isSameAs(CONNECTED);
    assertThat(trace).containsExactly("a:1/100", "b:2/100");
  }

  @Test
  void allDeadIs08001NamingEveryHostAndItsError() {
    assertThatThrownBy(() -> connector(100, 1000, Set.of(A, B, C), null).connect(List.of(A, B, C)))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08001");
          assertThat(e.getMessage()).contains("tried 3 of 3",
              "a:1 (connection refused)", "b:2 (connection refused)", "c:3 (connection refused)");
          assertThat(e.getCause()).isNotNull();
          assertThat(e.getSuppressed()).hasSize(2);
        });
    assertThat(trace).containsExactly("a:1/100", "b:2/100", "c:3/100");
  }

  @Test
  void hostsBeyondTheBudgetAreNamedAsNotTried() {
    assertThatThrownBy(() -> connector(100, 150, Set.of(A, B, C), null).connect(List.of(A, B, C)))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08001");
          assertThat(e.getMessage()).contains("tried 2 of 3", "not tried, loginTimeoutMs used up: c:3");
        });
    assertThat(trace).containsExactly("a:1/100", "b:2/50");
  }

  @Test
  void anErrorTheServerAnswersStopsTheConnect() {
    assertThatThrownBy(() -> connector(100, 1000, Set.of(A), B).connect(List.of(A, B, C)))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    assertThat(trace).containsExactly("a:1/100", "b:2/100");
  }
}
