package dev.meridian.e2e;

import static dev.meridian.e2e.Jdbc.exec;
import static dev.meridian.e2e.SqlEndToEndIT.query;
import static dev.meridian.e2e.SqlEndToEndIT.sqlState;
import static dev.meridian.e2e.SqlEndToEndIT.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Transactions through the driver: commit, rollback, conflicts, read-only and stale sessions. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionsIT {

  @TempDir static Path work;
  static NodeProcess node;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeProcess.start(work.resolve("node"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  void commitMakesWritesVisibleAndRollbackDiscardsThem() throws Exception {
    try (Connection writer = Jdbc.connect(node); Connection reader = Jdbc.connect(node)) {
      exec(writer, "CREATE TABLE tx_acct (id INT PRIMARY KEY, balance INT)");
      update(writer, "INSERT INTO tx_acct VALUES (1, 100), (2, 0)");

      writer.setAutoCommit(false);
      assertThat(writer.getAutoCommit()).isFalse();
      update(writer, "UPDATE tx_acct SET balance = balance - 30 WHERE id = 1");
      update(writer, "UPDATE tx_acct SET balance = balance + 30 WHERE id = 2");
      assertThat(query(writer, "SELECT balance FROM tx_acct ORDER BY id")).as("reads its own writes")
          .containsExactly("70", "30");
      assertThat(query(reader, "SELECT balance FROM tx_acct ORDER BY id")).as("not yet visible to others")
          .containsExactly("100", "0");
      writer.commit();
      assertThat(query(reader, "SELECT balance FROM tx_acct ORDER BY id")).containsExactly("70", "30");

      update(writer, "DELETE FROM tx_acct WHERE id = 1");
      update(writer, "INSERT INTO tx_acct VALUES (3, 5)");
      writer.rollback();
      assertThat(query(writer, "SELECT id FROM tx_acct ORDER BY id")).containsExactly("1", "2");
      assertThat(sqlState(() -> exec(writer, "CREATE TABLE tx_inside (id INT PRIMARY KEY)")))
          .as("DDL inside an open transaction").isEqualTo("25001");
      writer.rollback();
      writer.setAutoCommit(true);
      assertThat(query(reader, "SELECT id FROM tx_acct ORDER BY id")).containsExactly("1", "2");
    }
  }

  @Test
  void aConflictBetweenTwoConnectionsFailsWith40001() throws Exception {
    try (Connection a = Jdbc.connect(node); Connection b = Jdbc.connect(node)) {
      exec(a, "CREATE TABLE tx_counter (id INT PRIMARY KEY, n INT)");
      update(a, "INSERT INTO tx_counter VALUES (1, 0)");
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      // Both read n, both write n + 1: a lost update unless one of them fails.
      assertThat(query(a, "SELECT n FROM tx_counter WHERE id = 1")).containsExactly("0");
      assertThat(query(b, "SELECT n FROM tx_counter WHERE id = 1")).containsExactly("0");
      update(a, "UPDATE tx_counter SET n = 1 WHERE id = 1");
      update(b, "UPDATE tx_counter SET n = 1 WHERE id = 1");
      a.commit();
      SQLException conflict = null;
      try {
        b.commit();
      } catch (SQLException e) {
        conflict = e;
      }
      assertThat(conflict != null).as("the second commit must fail").isTrue();
      assertThat(conflict.getSQLState()).isEqualTo("40001");
      // The application retries the failed transaction, and it now sees the first one's write.
      assertThat(query(b, "SELECT n FROM tx_counter WHERE id = 1")).containsExactly("1");
      update(b, "UPDATE tx_counter SET n = 2 WHERE id = 1");
      b.commit();
      a.setAutoCommit(true);
      assertThat(query(a, "SELECT n FROM tx_counter WHERE id = 1")).containsExactly("2");
      assertThat(node.get("metrics").body()).containsPattern("meridian_conflicts_total [1-9]");
    }
  }

  @Test
  void readOnlyConnectionsReadButDoNotWrite() throws Exception {
    try (Connection admin = Jdbc.connect(node); Connection ro = Jdbc.connect(node)) {
      exec(admin, "CREATE TABLE tx_ro (id INT PRIMARY KEY)");
      update(admin, "INSERT INTO tx_ro VALUES (1)");
      ro.setReadOnly(true);
      assertThat(ro.isReadOnly()).isTrue();
      assertThat(query(ro, "SELECT id FROM tx_ro")).containsExactly("1");
      assertThat(sqlState(() -> update(ro, "INSERT INTO tx_ro VALUES (2)"))).isEqualTo("25006");
      assertThat(sqlState(() -> exec(ro, "CREATE TABLE tx_ro2 (id INT PRIMARY KEY)"))).isEqualTo("25006");
      ro.setAutoCommit(false);
      assertThat(query(ro, "SELECT id FROM tx_ro")).containsExactly("1");
      ro.commit();
      ro.setAutoCommit(true);
      ro.setReadOnly(false);
      update(ro, "INSERT INTO tx_ro VALUES (2)");
      assertThat(query(admin, "SELECT COUNT(*) FROM tx_ro")).containsExactly("2");
    }
  }

  @Test
  void staleSessionsReadThePast() throws Exception {
    try (Connection strong = Jdbc.connect(node)) {
      exec(strong, "CREATE TABLE tx_fresh (id INT PRIMARY KEY)");
      update(strong, "INSERT INTO tx_fresh VALUES (1)");
      assertThat(query(strong, "SELECT COUNT(*) FROM tx_fresh")).containsExactly("1");
    }
    // Five minutes ago this table did not exist: a read at that staleness cannot see it.
    Properties stale = new Properties();
    stale.setProperty("readStaleness", "5m");
    try (Connection c = Jdbc.connect(node, stale)) {
      assertThat(sqlState(() -> query(c, "SELECT COUNT(*) FROM tx_fresh"))).isEqualTo("42P01");
      exec(c, "SET READ_STALENESS = 'strong'");
      assertThat(query(c, "SELECT COUNT(*) FROM tx_fresh")).containsExactly("1");
      exec(c, "SET READ_STALENESS = '5m'");
      assertThat(sqlState(() -> query(c, "SELECT COUNT(*) FROM tx_fresh"))).isEqualTo("42P01");
      assertThat(sqlState(() -> exec(c, "SET READ_STALENESS = 'yesterday'"))).isEqualTo("22023");
    }
  }
}
