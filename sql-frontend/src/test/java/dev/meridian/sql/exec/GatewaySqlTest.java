package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.sqlState;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.SystemPhysicalClock;
import dev.meridian.storage.Key;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.txn.gateway.ClusterHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SQL on the cluster's transaction client: the same {@link SqlEngine} over {@code
 * GatewayTxnClient} instead of the local range, on an in-process cluster (txn-layer's {@code
 * ClusterHarness}: leaseholder cores and range state machines behind a fake channel) laid out as a
 * new cluster is: the meta range, the system range (catalog, sequences) and the tables range. A
 * statement that reads the catalog and writes rows touches two ranges, so these commits run 2PC.
 */
class GatewaySqlTest {

  private final EventLoop loop = new EventLoop("gateway-sql-test");
  private final ClusterHarness cluster = ClusterHarness.onLoop(loop,
      new LocalTrueTime(SystemPhysicalClock.INSTANCE, LocalTrueTime.Config.defaults()),
      List.of(Key.of(new byte[] {0x01}), Key.of(new byte[] {0x10})));
  private final SqlEngine engine = new SqlEngine(cluster.client());
  private final Session alice = engine.openSession();
  private final Session bob = engine.openSession();

  @AfterEach
  void close() {
    loop.close();
  }

  @Test
  void tablesAreCreatedWrittenAndReadThroughTheGateway() {
    run(alice, "CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), balance INT)");
    run(alice, "CREATE INDEX acct_by_owner ON acct (owner)");
    assertThat(update(alice, "INSERT INTO acct VALUES (1, 'ann', 100), (2, 'bob', 50), (3, 'cy', 7)")).isEqualTo(3);
    assertThat(update(alice, "UPDATE acct SET balance = balance + 1 WHERE owner = 'bob'")).isEqualTo(1);
    assertThat(update(alice, "DELETE FROM acct WHERE id = 3")).isEqualTo(1);

    assertThat(rows(bob, "SELECT id, owner, balance FROM acct ORDER BY id"))
        .containsExactly(List.of(1, "ann", 100), List.of(2, "bob", 51));
    assertThat(rows(bob, "SELECT id FROM acct WHERE owner >= 'b'")).containsExactly(List.of(2));
    // Each DML statement reads the catalog (system range) and writes rows (tables range): 2PC.
    assertThat(cluster.client().counters().twoPhaseCommits()).isPositive();
  }

  @Test
  void aConflictFailsTheLaterCommitWith40001AndNamesTheRow() {
    run(alice, "CREATE TABLE acct (id INT PRIMARY KEY, balance INT)");
    update(alice, "INSERT INTO acct VALUES (1, 100)");
    alice.setAutoCommit(false, StatementGuard.NONE);
    bob.setAutoCommit(false, StatementGuard.NONE);
    assertThat(rows(alice, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(100));
    assertThat(rows(bob, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(100));
    update(alice, "UPDATE acct SET balance = balance - 30 WHERE id = 1");
    update(bob, "UPDATE acct SET balance = balance - 50 WHERE id = 1");
    alice.commit(StatementGuard.NONE);

    assertThatThrownBy(() -> bob.commit(StatementGuard.NONE))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("40001"))
        .hasMessageContaining("row (ID)=(1) of table ACCT");
    assertThat(rows(bob, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(70));
  }

  @Test
  void savepointsAndRollbackBehaveAsOnOneNode() {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    alice.setAutoCommit(false, StatementGuard.NONE);
    update(alice, "INSERT INTO t VALUES (1, 1)");
    run(alice, "SAVEPOINT s1");
    update(alice, "INSERT INTO t VALUES (2, 2)");
    run(alice, "ROLLBACK TO SAVEPOINT s1");
    update(alice, "INSERT INTO t VALUES (3, 3)");
    alice.commit(StatementGuard.NONE);
    alice.setAutoCommit(false, StatementGuard.NONE);
    update(alice, "INSERT INTO t VALUES (4, 4)");
    alice.rollback();

    assertThat(rows(bob, "SELECT id FROM t ORDER BY id")).containsExactly(List.of(1), List.of(3));
  }
}
