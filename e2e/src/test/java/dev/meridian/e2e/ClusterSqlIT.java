package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL on a three-node cluster of real processes on 127.0.0.1 ({@code --port}, {@code --join},
 * {@code meridian init}): every node plans locally and reaches the same replicated ranges. DDL on one
 * node is visible on the others when it returns; DML through another, reads and metadata through the
 * third; a transaction over two tables (two ranges, so two-phase commit) commits atomically; errors
 * keep their SQLSTATE through the cluster. Then the leaseholder of a table's range is killed with
 * SIGKILL: writes go on through the two survivors (retried while the lease moves), and the killed
 * node, restarted on its directory, serves every row — those written while it was down too.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterSqlIT {

  /** How long a write may keep failing while a lease moves (a lease is 4 s; elections take 1–2 s). */
  private static final long FAILOVER_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(60);

  @TempDir Path work;
  @RegisterExtension final StartedNodes started = new StartedNodes();

  @Test
  void sqlOnEveryNodeOverReplicatedRangesSurvivesAKilledLeaseholder() throws Exception {
    int[] ports = ClusterFormationIT.freePorts(3);
    String join = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    NodeProcess[] nodes = new NodeProcess[3];
    for (int i = 0; i < 3; i++) {
      nodes[i] = started.track(NodeProcess.startWaiting(work.resolve("n" + (i + 1)), args(i + 1, ports[i], join)));
    }
    ClusterFormationIT.Init init = ClusterFormationIT.init(ports[0]);
    assertThat(init.exitCode()).as(init.output()).isZero();
    assertThat(init.output()).contains("n1 (r1", "n2 (r2", "n3 (r3");
    for (NodeProcess node : nodes) {
      node.awaitServing();
    }

    int killed;
    try (Connection c1 = Jdbc.connect(nodes[0]); Connection c2 = Jdbc.connect(nodes[1]);
        Connection c3 = Jdbc.connect(nodes[2])) {
      Jdbc.exec(c1, "CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(20), bal INT)",
          "CREATE TABLE audit (id INT PRIMARY KEY, note VARCHAR(40))");
      // Visible on the other nodes as soon as it returned.
      Jdbc.exec(c2, "INSERT INTO accounts VALUES (1, 'ada', 100), (2, 'bob', 100), (3, 'cy', 100)");
      Jdbc.exec(c3, "INSERT INTO audit VALUES (1, 'opened three accounts')");

      // Two tables are two ranges: this commit is a two-phase commit, all or nothing.
      c2.setAutoCommit(false);
      Jdbc.exec(c2, "UPDATE accounts SET bal = bal - 30 WHERE id = 1", "UPDATE accounts SET bal = bal + 30 WHERE id = 2",
          "INSERT INTO audit VALUES (2, 'ada pays bob 30')");
      c2.commit();
      c2.setAutoCommit(true);
      c2.setAutoCommit(false);
      Jdbc.exec(c2, "UPDATE accounts SET bal = 0 WHERE id = 3", "INSERT INTO audit VALUES (3, 'rolled back')");
      c2.rollback();
      c2.setAutoCommit(true);

      assertThat(ints(c3, "SELECT bal FROM accounts ORDER BY id")).containsExactly(70, 130, 100);
      assertThat(ints(c3, "SELECT id FROM audit ORDER BY id")).containsExactly(1, 2);
      assertThat(ints(c1, "SELECT SUM(bal) FROM accounts")).containsExactly(300);

      // Errors keep their SQLSTATE through the cluster.
      assertThatThrownBy(() -> Jdbc.exec(c3, "INSERT INTO accounts VALUES (1, 'again', 1)"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
      assertThatThrownBy(() -> Jdbc.exec(c1, "SELECT * FROM no_such_table"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42P01"));

      // Metadata on a node that ran no DDL.
      DatabaseMetaData metadata = c3.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = metadata.getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      assertThat(tables).contains("ACCOUNTS", "AUDIT");

      // Each table has a range of its own, on all three nodes.
      List<String> replicas = new ArrayList<>();
      String leaseholder;
      try (Statement s = c3.createStatement(); ResultSet rs = s.executeQuery("SHOW RANGES FROM TABLE accounts")) {
        assertThat(rs.next()).isTrue();
        replicas.add(rs.getString("REPLICAS"));
        leaseholder = rs.getString("LEASE_HOLDER");
        assertThat(rs.next()).isFalse();
      }
      assertThat(replicas).containsExactly("{n1, n2, n3}");
      assertThat(leaseholder).matches("n[123]");
      killed = Integer.parseInt(leaseholder.substring(1)) - 1;

      List.of(c1, c2, c3).get(killed).close(); // Its node is about to go away without a word.
      nodes[killed].kill();
      // Writes go on through the two survivors; each is retried while the lease moves to one of them.
      List<Connection> survivors = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        if (i != killed) {
          survivors.add(List.of(c1, c2, c3).get(i));
        }
      }
      for (int id = 100; id < 110; id++) {
        insertRetrying(survivors.get(id % 2), id);
      }
      assertThat(ints(survivors.get(0), "SELECT COUNT(*) FROM accounts")).containsExactly(13);
    }

    nodes[killed] = started.track(NodeProcess.start(work.resolve("n" + (killed + 1)), args(killed + 1, ports[killed],
        join)));
    try (Connection back = Jdbc.connect(nodes[killed])) {
      assertThat(ints(back, "SELECT COUNT(*) FROM accounts")).containsExactly(13);
      assertThat(ints(back, "SELECT SUM(bal) FROM accounts WHERE id < 100")).containsExactly(300);
      assertThat(ints(back, "SELECT id FROM accounts WHERE id >= 100 ORDER BY id"))
          .containsExactly(100, 101, 102, 103, 104, 105, 106, 107, 108, 109);
      Jdbc.exec(back, "INSERT INTO audit VALUES (4, 'written through the restarted node')");
    }
    try (Connection other = Jdbc.connect(nodes[(killed + 1) % 3])) {
      assertThat(ints(other, "SELECT id FROM audit ORDER BY id")).containsExactly(1, 2, 4);
    }
    for (NodeProcess node : nodes) {
      assertThat(node.stop()).as("exit on SIGTERM").isIn(0, 143);
    }
  }

  /**
   * Inserts account {@code id}, retrying what the cluster refuses while a lease moves. A retry that
   * finds the row (23505) means an earlier attempt whose outcome was unknown (40003) did commit.
   */
  private static void insertRetrying(Connection connection, int id) throws Exception {
    long deadline = System.nanoTime() + FAILOVER_BUDGET_NANOS;
    SQLException last = null;
    boolean unknownBefore = false;
    while (System.nanoTime() < deadline) {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO accounts VALUES (?, 'new', 0)")) {
        insert.setInt(1, id);
        insert.executeUpdate();
        return;
      } catch (SQLException e) {
        if ("23505".equals(e.getSQLState()) && unknownBefore) {
          return;
        }
        unknownBefore |= "40003".equals(e.getSQLState());
        last = e;
        Thread.sleep(200);
      }
    }
    throw new AssertionError("insert of " + id + " kept failing for " + TimeUnit.NANOSECONDS.toSeconds(
        FAILOVER_BUDGET_NANOS) + " s after the leaseholder was killed", last);
  }

  private static List<Integer> ints(Connection connection, String sql) throws SQLException {
    List<Integer> values = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getInt(1));
      }
    }
    return values;
  }

  private static String[] args(int nodeId, int port, String join) {
    return new String[] {"--node-id", String.valueOf(nodeId), "--region", "r" + nodeId, "--port",
        String.valueOf(port), "--join", join};
  }
}
