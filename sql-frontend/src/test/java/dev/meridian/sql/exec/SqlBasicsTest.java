package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.explain;
import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqlBasicsTest {

  private final SqlTestNode node = newNode();

  /** The node the tests run on: the local range here, the gateway's cluster in {@code GatewaySqlBasicsTest}. */
  SqlTestNode newNode() {
    return new SqlTestNode();
  }
  private final Session session = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void createInsertSelect() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, score DOUBLE)");
    assertThat(update(session, "INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, 'c', 3.0)")).isEqualTo(3);
    assertThat(rows(session, "SELECT * FROM t ORDER BY id")).containsExactly(
        List.of(1, "a", 1.5), java.util.Arrays.asList(2, "b", null), List.of(3, "c", 3.0));
    assertThat(rows(session, "SELECT name FROM t WHERE id = 2")).containsExactly(List.of("b"));
    assertThat(rows(session, "SELECT name FROM t WHERE id = ?", 3)).containsExactly(List.of("c"));
    assertThat(rows(session, "SELECT COUNT(*), SUM(score) FROM t")).containsExactly(List.of(3L, 4.5));
  }

  @Test
  void aStatementMayEndWithSemicolons() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY);");
    assertThat(update(session, "INSERT INTO t VALUES (1) ;; ")).isEqualTo(1);
    assertThat(rows(session, "SELECT id FROM t;")).containsExactly(List.of(1));
  }

  @Test
  void aPrimaryKeyQueryIsAPointLookup() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    assertThat(explain(session, "SELECT v FROM t WHERE id = 5")).contains("point lookup on PRIMARY");
    assertThat(explain(session, "SELECT v FROM t WHERE id > 5 AND id < 9")).contains("range scan on PRIMARY");
    assertThat(explain(session, "SELECT v FROM t WHERE id IN (1, 2, 3)")).contains("point lookup");
    assertThat(explain(session, "SELECT v FROM t WHERE v = 5")).contains("full scan of PRIMARY");
  }

  @Test
  void duplicatesAndNullsAreRejectedWithTheirSqlStates() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL)");
    update(session, "INSERT INTO t VALUES (1, 'a')");
    assertThatThrownBy(() -> update(session, "INSERT INTO t VALUES (1, 'b')"))
        .isInstanceOf(SqlExecutionException.class)
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("23505"));
    assertThatThrownBy(() -> update(session, "INSERT INTO t VALUES (2, 'b'), (2, 'c')"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("23505"));
    assertThat(rows(session, "SELECT COUNT(*) FROM t")).containsExactly(List.of(1L));
    assertThatThrownBy(() -> update(session, "INSERT INTO t (id) VALUES (3)"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("23502"));
    assertThatThrownBy(() -> update(session, "INSERT INTO t VALUES (4, 'abcd')"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("22001"));
    assertThatThrownBy(() -> rows(session, "SELECT * FROM nope"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("42P01"));
    assertThatThrownBy(() -> rows(session, "SELECT nope FROM t"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("42703"));
    assertThatThrownBy(() -> rows(session, "SELEC 1"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("42601"));
  }

  @Test
  void updateDeleteAndUpsert() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    update(session, "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
    assertThat(update(session, "UPDATE t SET v = v + 1 WHERE id >= 2")).isEqualTo(2);
    assertThat(update(session, "DELETE FROM t WHERE id = 1")).isEqualTo(1);
    assertThat(update(session, "UPSERT INTO t VALUES (3, 300), (4, 400)")).isEqualTo(2);
    assertThat(rows(session, "SELECT id, v FROM t ORDER BY id"))
        .containsExactly(List.of(2, 21), List.of(3, 300), List.of(4, 400));
    assertThat(update(session, "UPDATE t SET id = id + 10")).isEqualTo(3);
    assertThat(rows(session, "SELECT id FROM t ORDER BY id DESC"))
        .containsExactly(List.of(14), List.of(13), List.of(12));
  }

  @Test
  void tablesWithoutAPrimaryKeyHideTheirRowId() {
    run(session, "CREATE TABLE t1 (a INTEGER, b INTEGER)");
    update(session, "INSERT INTO t1 VALUES (1, 2), (1, 2), (3, 4)");
    assertThat(rows(session, "SELECT * FROM t1 ORDER BY a")).hasSize(3).allSatisfy(row -> assertThat(row).hasSize(2));
    assertThat(update(session, "DELETE FROM t1 WHERE a = 1")).isEqualTo(2);
    assertThat(rows(session, "SELECT * FROM t1")).containsExactly(List.of(3, 4));
  }

  @Test
  void secondaryIndexesAreUsedAndMaintained() {
    run(session, "CREATE TABLE p (id INT PRIMARY KEY, email VARCHAR(50), city VARCHAR(20))");
    update(session, "INSERT INTO p VALUES (1, 'a@x', 'Oslo'), (2, 'b@x', 'Rome'), (3, 'c@x', 'Oslo')");
    run(session, "CREATE UNIQUE INDEX p_email ON p (email)");
    run(session, "CREATE INDEX p_city ON p (city) STORING (email)");
    assertThat(explain(session, "SELECT id FROM p WHERE email = 'b@x'")).contains("p_email".toUpperCase());
    assertThat(rows(session, "SELECT id FROM p WHERE email = 'b@x'")).containsExactly(List.of(2));
    assertThat(rows(session, "SELECT email FROM p WHERE city = 'Oslo' ORDER BY email"))
        .containsExactly(List.of("a@x"), List.of("c@x"));
    assertThatThrownBy(() -> update(session, "INSERT INTO p VALUES (4, 'a@x', 'Bern')"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("23505"));
    update(session, "UPDATE p SET city = 'Bern' WHERE id = 3");
    assertThat(rows(session, "SELECT id FROM p WHERE city = 'Oslo'")).containsExactly(List.of(1));
    assertThat(rows(session, "SELECT id FROM p WHERE city = 'Bern'")).containsExactly(List.of(3));
    update(session, "DELETE FROM p WHERE id = 1");
    assertThat(rows(session, "SELECT id FROM p WHERE city = 'Oslo'")).isEmpty();
  }

  @Test
  void explicitTransactionsCommitAndRollBack() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY)");
    session.setAutoCommit(false, StatementGuard.NONE);
    update(session, "INSERT INTO t VALUES (1)");
    assertThat(rows(session, "SELECT COUNT(*) FROM t")).containsExactly(List.of(1L));
    session.rollback();
    assertThat(rows(session, "SELECT COUNT(*) FROM t")).containsExactly(List.of(0L));
    update(session, "INSERT INTO t VALUES (2)");
    assertThatThrownBy(() -> update(session, "INSERT INTO t VALUES (3), (2)"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("23505"));
    session.commit(StatementGuard.NONE);
    assertThat(rows(session, "SELECT id FROM t")).containsExactly(List.of(2));
  }
}
