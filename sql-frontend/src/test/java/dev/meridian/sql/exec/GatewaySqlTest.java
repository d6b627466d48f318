package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.txn.gateway.ClusterHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SQL on the cluster's transaction client, checked to cross ranges: DML reads the catalog in the
 * system range and writes rows in the tables range, so its commits are 2PC. (The {@code Gateway*}
 * subclasses of SqlBasicsTest, SqlTransactionsTest and SqlSavepointsTest run those suites on the
 * gateway as well.)
 */
class GatewaySqlTest {

  private final SqlTestNode node = SqlTestNode.onGateway();
  private final Session session = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void dmlCommitsAcrossTheSystemAndTablesRangesByTwoPhaseCommit() {
    ClusterHarness cluster = node.cluster;
    run(session, "CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), balance INT)");
    run(session, "CREATE INDEX acct_by_owner ON acct (owner)");
    long before = cluster.client().counters().twoPhaseCommits();
    assertThat(update(session, "INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bob', 50), (3, 'cy', 7)")).isEqualTo(3);
    assertThat(update(session, "UPDATE acct SET balance = balance + 1 WHERE owner = 'bob'")).isEqualTo(1);
    assertThat(update(session, "DELETE FROM acct WHERE id = 3")).isEqualTo(1);

    assertThat(cluster.client().counters().twoPhaseCommits() - before).isEqualTo(3);
    assertThat(rows(session, "SELECT id, owner, balance FROM acct ORDER BY id"))
        .containsExactly(List.of(1, "ann", 100), List.of(2, "bob", 51));
    assertThat(rows(session, "SELECT id FROM acct WHERE owner >= 'b'")).containsExactly(List.of(2));
  }

  @Test
  void showRangesListsTheDirectoryTheMetaRangeHolds() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY)");
    assertThat(rows(session, "SHOW RANGES")).extracting(r -> r.subList(0, 3))
        .containsExactly(List.of(2L, "/System", "/Table"), List.of(3L, "/Table", "/Max"));
    assertThat(rows(session, "SHOW RANGES FROM TABLE t")).extracting(r -> r.get(0)).containsExactly(3L);
  }
}
