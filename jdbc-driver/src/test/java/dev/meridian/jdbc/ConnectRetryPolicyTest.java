package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConnectRetryPolicyTest {
  private static final HostAndPort A = new HostAndPort("a", 1);
  private static final HostAndPort B = new HostAndPort("b", 2);
  private static final HostAndPort C = new HostAndPort("c", 3);

  @Test
  void everyHostOnceInUrlOrderWhenTheBudgetAllows() {
    assertThat(new ConnectRetryPolicy(1000, 10_000).plan(List.of(B, A, C))).containsExactly(
        new ConnectRetryPolicy.Attempt(B, 1000),
        new ConnectRetryPolicy.Attempt(A, 1000),
        new ConnectRetryPolicy.Attempt(C, 1000));
  }

  @Test
  void theLoginBudgetShortensTheLastAttemptAndDropsTheRest() {
    assertThat(new ConnectRetryPolicy(1000, 1500).plan(List.of(A, B, C))).containsExactly(
        new ConnectRetryPolicy.Attempt(A, 1000),
        new ConnectRetryPolicy.Attempt(B, 500));
  }

  @Test
  void boundsNeverAddUpToMoreThanTheBudget() {
    for (long connect = 1; connect < 50; connect += 7) {
      for (long login = 1; login < 200; login += 13) {
        long sum = new ConnectRetryPolicy(connect, login).plan(List.of(A, B, C, A, B)).stream()
            .mapToLong(ConnectRetryPolicy.Attempt::timeoutMs).sum();
        assertThat(sum).isLessThanOrEqualTo(login);
      }
    }
  }

  @Test
  void onlyTransportFailuresBeforeTheServerAnsweredFailOver() {
    ConnectRetryPolicy policy = new ConnectRetryPolicy(1, 1);
    assertThat(policy.failsOver(new TransportException(A, "refused", true, "08006", "m"))).isTrue();
    assertThat(policy.failsOver(new TransportException(A, "lost", false, "08006", "m"))).isFalse();
    assertThat(policy.failsOver(new java.sql.SQLException("bad password", "28000"))).isFalse();
  }

  @Test
  void rejectsNonPositiveTimeouts() {
    assertThatThrownBy(() -> new ConnectRetryPolicy(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectRetryPolicy(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
