package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver (unshaded, from target/classes) against a real Avatica HTTP server on 127.0.0.1:
 * queries, failover on connect, what a broken connection reports, what is passed to the server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveServerTest {
  private TestAvaticaServer server;

  @BeforeEach
  void startServer() throws SQLException {
    server = TestAvaticaServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static int queryOne(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getInt(1);
    }
  }

  @Test
  void runsQueriesAndUpdatesThroughDriverManager() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:meridian://" + server.hostAndPort())) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
        assertThat(s.executeUpdate("INSERT INTO t VALUES (1, 10), (2, 20)")).isEqualTo(2);
      }
      try (var ps = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
        ps.setInt(1, 2);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(20);
        }
      }
      assertThat(queryOne(c, "SELECT SUM(v) FROM t")).isEqualTo(30);
    }
  }

  @Test
  void passesSessionPropertiesToTheServerAndKeepsClientOnesLocal() throws SQLException {
    String url = "jdbc:meridian://" + server.hostAndPort() + "?readStaleness=10s&connectTimeoutMs=2000";
    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
      assertThat(queryOne(c, "SELECT 1")).isEqualTo(1);
    }
    assertThat(server.sessions().values()).singleElement().satisfies(info -> {
      assertThat(info).containsEntry("readStaleness", "10s").containsEntry("user", "sa");
      assertThat(info).doesNotContainKeys("connectTimeoutMs", "loginTimeoutMs", "url");
    });
  }

  /**
   * Avatica's client would send setAutoCommit only with the next prepare; the execution of a
   * statement prepared before then ran, and committed, in autocommit ({@link PropertySync}).
   */
  @Test
  void propertySettersReachTheServerBeforeTheNextExecution() throws SQLException {
    String url = "jdbc:meridian://" + server.hostAndPort();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Connection other = DriverManager.getConnection(url, "sa", "")) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE sync_t (k INT PRIMARY KEY)");
      }
      try (var insert = c.prepareStatement("INSERT INTO sync_t VALUES (?)")) {
        c.setAutoCommit(false);
        insert.setInt(1, 1);
        insert.executeUpdate();
        assertThat(queryOne(other, "SELECT COUNT(*) FROM sync_t")).as("not committed").isZero();
        c.rollback();
        insert.setInt(1, 2);
        insert.executeUpdate();
        c.setAutoCommit(true);
        assertThat(queryOne(other, "SELECT COUNT(*) FROM sync_t")).as("setAutoCommit(true) committed").isEqualTo(1);
      }
    }
  }

  @Test
  void failsOverFromARefusingHostToALiveOne() throws Exception {
    int dead = TestAvaticaServer.closedPort();
    String url = "jdbc:meridian://127.0.0.1:" + dead + "," + server.hostAndPort();
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(queryOne(c, "SELECT 7")).isEqualTo(7);
    }
  }

  @Test
  void skipsAHostThatAcceptsButNeverAnswers() throws Exception {
    // The kernel completes the TCP handshake into the backlog; nothing ever reads: a paused node.
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      String url = "jdbc:meridian://127.0.0.1:" + silent.getLocalPort() + "," + server.hostAndPort()
          + "?connectTimeoutMs=300";
      try (Connection c = DriverManager.getConnection(url)) {
        assertThat(queryOne(c, "SELECT 8")).isEqualTo(8);
      }
    }
  }

  @Test
  void allHostsDeadIs08001NamingEveryHost() throws IOException {
    int a = TestAvaticaServer.closedPort();
    int b = TestAvaticaServer.closedPort();
    String url = "jdbc:meridian://127.0.0.1:" + a + ",127.0.0.1:" + b;
    assertThatThrownBy(() -> DriverManager.getConnection(url))
        .isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08001");
          assertThat(e.getMessage()).contains("127.0.0.1:" + a, "127.0.0.1:" + b, "tried 2 of 2");
        });
  }

  @Test
  void anErrorTheServerAnswersDoesNotFailOver() throws SQLException {
    try (TestAvaticaServer second = TestAvaticaServer.start()) {
      // The first session creates the H2 database with these credentials.
      DriverManager.getConnection("jdbc:meridian://" + server.hostAndPort(), "sa", "").close();
      String url = "jdbc:meridian://" + server.hostAndPort() + "," + second.hostAndPort();
      assertThatThrownBy(() -> DriverManager.getConnection(url, "sa", "wrong password"))
          .isInstanceOfSatisfying(SQLException.class,
              e -> assertThat(e.getSQLState()).isNotEqualTo("08001"));
      assertThat(second.sessions()).isEmpty();
    }
  }

  @Test
  void aConnectionWhoseServerDiesReports08006ThenIsGone() throws SQLException {
    String host = server.hostAndPort();
    Connection c = DriverManager.getConnection("jdbc:meridian://" + host);
    try (Statement s = c.createStatement()) {
      assertThat(queryOne(c, "SELECT 1")).isEqualTo(1);
      server.close();
      // The connection is gone for good: a non-transient connection failure, not worth a retry on it.
      assertThatThrownBy(() -> s.executeQuery("SELECT 2"))
          .isInstanceOfSatisfying(SQLNonTransientConnectionException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("08006");
            assertThat(e.getMessage()).contains(host, "does not re-run");
          });
      assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT 3"))
          .isInstanceOfSatisfying(SQLNonTransientConnectionException.class,
              e -> assertThat(e.getSQLState()).startsWith("08"));
    } finally {
      c.close();
    }
  }

  @Test
  void theConnectionStaysOnItsHost() throws SQLException {
    try (TestAvaticaServer second = TestAvaticaServer.start();
        Connection c = DriverManager.getConnection(
            "jdbc:meridian://" + server.hostAndPort() + "," + second.hostAndPort())) {
      for (int i = 0; i < 3; i++) {
        assertThat(queryOne(c, "SELECT " + i)).isEqualTo(i);
      }
      Map<String, Map<String, String>> onSecond = second.sessions();
      assertThat(onSecond).isEmpty();
      assertThat(server.sessions()).hasSize(1);
    }
  }
}
