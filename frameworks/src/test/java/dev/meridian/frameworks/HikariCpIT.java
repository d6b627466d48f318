package dev.meridian.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HikariCP configured by JDBC URL and driver class name, as in any Spring or plain application. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HikariCpIT {

  @TempDir static Path work;
  static RunningNode node;
  static HikariDataSource pool;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start(work);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(node.url());
    config.setDriverClassName("dev.meridian.jdbc.Driver");
    config.setMaximumPoolSize(4);
    config.setAutoCommit(true);
    config.setConnectionTimeout(10_000);
    pool = new HikariDataSource(config);
    node.exec("CREATE TABLE counters (id INT PRIMARY KEY, n BIGINT)");
  }

  @AfterAll
  static void stop() throws Exception {
    if (pool != null) {
      pool.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void pooledConnectionsServeConcurrentTransactions() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        results.add(threads.submit(() -> {
          try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO counters VALUES (?, ?)")) {
              insert.setInt(1, id);
              insert.setLong(2, id * 10L);
              insert.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
            return id;
          }
        }));
      }
      for (Future<Integer> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    try (Connection c = pool.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), SUM(n) FROM counters")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(8);
      assertThat(rs.getLong(2)).isEqualTo(280);
    }
    assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isLessThanOrEqualTo(4);
  }

  @Test
  void aConnectionReturnedInATransactionIsRolledBackAndReusable() throws Exception {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      c.createStatement().executeUpdate("INSERT INTO counters VALUES (100, 1)");
      // Returned without commit: Hikari rolls back and resets auto-commit.
    }
    for (int i = 0; i < 8; i++) {
      try (Connection c = pool.getConnection()) {
        assertThat(c.isValid(5)).isTrue();
        assertThat(c.getAutoCommit()).isTrue();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM counters WHERE id = 100")) {
          rs.next();
          assertThat(rs.getLong(1)).isZero();
        }
      }
    }
  }

  @Test
  void anErrorLeavesThePooledConnectionUsable() throws Exception {
    try (Connection c = pool.getConnection()) {
      assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT nope FROM counters"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("42"));
      try (ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }
}
