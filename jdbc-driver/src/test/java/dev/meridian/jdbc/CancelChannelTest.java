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

/** What CancelChannel sends, and on which side connection. */
class CancelChannelTest {

  /** Per side connection opened: "open N", then what it executed, then "close N". */
  private final List<String> log = new ArrayList<>();
  /** How many of the next executions fail, as on a side connection the server expired. */
  private int failures;

  private Connection sideConnection() {
    int n = (int) log.stream().filter(line -> line.startsWith("open")).count() + 1;
    log.add("open " + n);
    Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Statement.class}, (proxy, method, args) -> {
          if (method.getName().equals("execute")) {
            if (failures > 0) {
              failures--;
              throw new SQLException("no such connection", "08003");
            }
            log.add(n + ": " + args[0]);
            return false;
          }
          return null;
        });
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            log.add("close " + n);
          }
          return method.getName().equals("createStatement") ? statement : null;
        });
  }

  @Test
  void theSideConnectionIsOpenedAtTheFirstCancelAndReused() throws SQLException {
    CancelChannel channel = new CancelChannel(this::sideConnection);
    assertThat(log).isEmpty();
    channel.cancel("0b9e-uuid", 7);
    channel.cancel("0b9e-uuid", 8);
    channel.close();
    channel.cancel("0b9e-uuid", 9);
    assertThat(log).containsExactly("open 1", "1: CANCEL STATEMENT '0b9e-uuid' 7", "1: CANCEL STATEMENT '0b9e-uuid' 8",
        "close 1");
  }

  @Test
  void aFailedCancelIsTriedOnceMoreOnAFreshSideConnection() throws SQLException {
    CancelChannel channel = new CancelChannel(this::sideConnection);
    channel.cancel("c", 1);
    failures = 1;
    channel.cancel("c", 2);
    assertThat(log).containsExactly("open 1", "1: CANCEL STATEMENT 'c' 1", "close 1", "open 2",
        "2: CANCEL STATEMENT 'c' 2");
    failures = 2;
    assertThatThrownBy(() -> channel.cancel("c", 3))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08003");
          assertThat(e.getSuppressed()).hasSize(1);
        });
    // The next cancel starts over on a new side connection.
    channel.cancel("c", 4);
    assertThat(log).endsWith("open 4", "4: CANCEL STATEMENT 'c' 4");
  }

  @Test
  void aSideConnectionThatCannotBeOpenedFailsTheCancelWithItsSqlState() {
    CancelChannel channel = new CancelChannel(() -> {
      throw new SQLException("Could not open a session", "08006");
    });
    assertThatThrownBy(() -> channel.cancel("c", 1))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08006"));
  }

  @Test
  void anIdWithAQuoteIsRefused() {
    assertThatThrownBy(() -> CancelChannel.cancelSql("x' OR '1", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
