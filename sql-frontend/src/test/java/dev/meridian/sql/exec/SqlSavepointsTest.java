package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.explain;
import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.sqlState;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT in a session, with their SQLSTATEs. */
class SqlSavepointsTest {

  private final SqlTestNode node = newNode();

  /** The node the tests run on: the local range here, the gateway's cluster in {@code GatewaySqlSavepointsTest}. */
  SqlTestNode newNode() {
    return new SqlTestNode();
  }
  private final Session alice = node.engine.openSession();
  private final Session bob = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void rollbackToSavepointUndoesOnlyTheLaterWrites() {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
    alice.setAutoCommit(false, StatementGuard.NONE);
    update(alice, "INSERT INTO t VALUES (1, 'one')");
    run(alice, "SAVEPOINT s1");
    update(alice, "INSERT INTO t VALUES (2, 'two')");
    update(alice, "UPDATE t SET v = 'uno' WHERE id = 1");
    run(alice, "savepoint \"Inner\";");
    update(alice, "DELETE FROM t WHERE id = 1");
    run(alice, "ROLLBACK TO \"Inner\"");
    assertThat(rows(alice, "SELECT id, v FROM t ORDER BY id")).containsExactly(List.of(1, "uno"), List.of(2, "two"));
    run(alice, "ROLLBACK TO SAVEPOINT S1");
    assertThat(rows(alice, "SELECT id, v FROM t ORDER BY id")).containsExactly(List.of(1, "one"));
    // Rolling back to s1 closed the savepoint taken after it, but s1 stays open.
    assertThatThrownBy(() -> run(alice, "RELEASE SAVEPOINT \"Inner\""))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("3B001"))
        .hasMessageContaining("\"Inner\" does not exist");
    update(alice, "INSERT INTO t VALUES (3, 'three')");
    run(alice, "ROLLBACK WORK TO s1");
    update(alice, "INSERT INTO t VALUES (4, 'four')");
    run(alice, "RELEASE s1");
    alice.commit(StatementGuard.NONE);
    assertThat(rows(bob, "SELECT id, v FROM t ORDER BY id")).containsExactly(List.of(1, "one"), List.of(4, "four"));
  }

  @Test
  void aRollbackUndoesSecondaryIndexEntriesWithTheirRows() {
    run(alice, "CREATE TABLE p (id INT PRIMARY KEY, email VARCHAR(40))");
    run(alice, "CREATE UNIQUE INDEX p_email ON p (email)");
    update(alice, "INSERT INTO p VALUES (1, 'a@x')");
    alice.setAutoCommit(false, StatementGuard.NONE);
    run(alice, "SAVEPOINT before_change");
    update(alice, "UPDATE p SET email = 'b@x' WHERE id = 1");
    update(alice, "INSERT INTO p VALUES (2, 'c@x')");
    run(alice, "ROLLBACK TO before_change");
    assertThat(explain(alice, "SELECT id FROM p WHERE email = 'a@x'")).contains("P_EMAIL");
    assertThat(rows(alice, "SELECT id FROM p WHERE email = 'a@x'")).containsExactly(List.of(1));
    assertThat(rows(alice, "SELECT id FROM p WHERE email = 'b@x'")).isEmpty();
    // The unique index no longer holds the rolled-back entry, so the value is free again.
    update(alice, "INSERT INTO p VALUES (3, 'c@x')");
    alice.commit(StatementGuard.NONE);
    assertThat(rows(bob, "SELECT id, email FROM p WHERE email IN ('a@x', 'b@x', 'c@x') ORDER BY id"))
        .containsExactly(List.of(1, "a@x"), List.of(3, "c@x"));
    assertThat(rows(bob, "SELECT id, email FROM p ORDER BY id")).containsExactly(List.of(1, "a@x"), List.of(3, "c@x"));
  }

  @Test
  void savepointsNeedATransaction() {
    for (String sql : List.of("SAVEPOINT s", "ROLLBACK TO SAVEPOINT s", "RELEASE SAVEPOINT s")) {
      assertThatThrownBy(() -> run(alice, sql))
          .satisfies(e -> assertThat(sqlState(e)).isEqualTo("25P01"))
          .hasMessageContaining("autocommit");
    }
    alice.setAutoCommit(false, StatementGuard.NONE);
    assertThatThrownBy(() -> run(alice, "ROLLBACK TO s")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("3B001"));
    run(alice, "SAVEPOINT s");
    assertThat(alice.inTransaction()).as("SAVEPOINT starts the transaction").isTrue();
    alice.commit(StatementGuard.NONE);
    assertThatThrownBy(() -> run(alice, "RELEASE s"))
        .as("COMMIT closes every savepoint")
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("3B001"));
    run(alice, "SAVEPOINT s");
    alice.rollback();
    assertThatThrownBy(() -> run(alice, "ROLLBACK TO s")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("3B001"));
  }

  @Test
  void aRepeatedNameMeansTheNewestSavepoint() {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY)");
    alice.setAutoCommit(false, StatementGuard.NONE);
    run(alice, "SAVEPOINT s");
    update(alice, "INSERT INTO t VALUES (1)");
    run(alice, "SAVEPOINT s");
    update(alice, "INSERT INTO t VALUES (2)");
    run(alice, "ROLLBACK TO s");
    assertThat(rows(alice, "SELECT id FROM t")).containsExactly(List.of(1));
    run(alice, "RELEASE s");
    run(alice, "ROLLBACK TO s");
    assertThat(rows(alice, "SELECT id FROM t")).isEmpty();
  }

  @Test
  void savepointsInAReadOnlyTransactionCheckNames() {
    bob.setReadOnly(true);
    bob.setAutoCommit(false, StatementGuard.NONE);
    run(bob, "SAVEPOINT r");
    run(bob, "ROLLBACK TO r");
    run(bob, "RELEASE r");
    assertThatThrownBy(() -> run(bob, "RELEASE r")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("3B001"));
  }

  @Test
  void aFailedStatementAfterASavepointLeavesItUsable() {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY)");
    alice.setAutoCommit(false, StatementGuard.NONE);
    update(alice, "INSERT INTO t VALUES (1)");
    run(alice, "SAVEPOINT s");
    update(alice, "INSERT INTO t VALUES (2)");
    assertThatThrownBy(() -> update(alice, "INSERT INTO t VALUES (1)")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("23505"));
    run(alice, "ROLLBACK TO s");
    alice.commit(StatementGuard.NONE);
    assertThat(rows(bob, "SELECT id FROM t")).containsExactly(List.of(1));
  }

  @Test
  void otherStatementsAreNotSavepointCommands() {
    assertThat(SavepointCommand.parse("SAVEPOINT")).isEmpty();
    assertThat(SavepointCommand.parse("ROLLBACK")).isEmpty();
    assertThat(SavepointCommand.parse("SELECT 1 AS savepoint")).isEmpty();
    assertThat(SavepointCommand.parse("RELEASE SAVEPOINT a b")).isEmpty();
    assertThat(SavepointCommand.parse("release savepoint \"a\"\"b\"")).contains(
        new SavepointCommand(SavepointCommand.Kind.RELEASE, "a\"b"));
  }
}
