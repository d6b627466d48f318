package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.explain;
import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** UNIQUE in CREATE TABLE: a unique secondary index, enforced and used like one. */
class SqlUniqueConstraintTest {

  private final SqlTestNode node = new SqlTestNode();
  private final Session session = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  private static void assertDuplicate(Session session, String sql, String index) {
    assertThatThrownBy(() -> update(session, sql))
        .isInstanceOf(SqlExecutionException.class)
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("23505"))
        .hasMessageContaining("unique index " + index);
  }

  private List<List<Object>> indexes(String table) {
    return rows(session, "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM MERIDIAN_CATALOG.INDEX_INFO "
        + "WHERE TABLE_NAME = ? ORDER BY INDEX_NAME, ORDINAL_POSITION", table);
  }

  @Test
  void columnUniqueRejectsDuplicatesAndAllowsManyNulls() {
    run(session, "CREATE TABLE t4 (x INTEGER UNIQUE)");
    assertThat(update(session, "INSERT INTO t4 VALUES (1), (2), (NULL), (NULL)")).isEqualTo(4);
    update(session, "INSERT INTO t4 VALUES (NULL)");
    assertDuplicate(session, "INSERT INTO t4 VALUES (1)", "T4_X_KEY");
    assertDuplicate(session, "INSERT INTO t4 VALUES (3), (3)", "T4_X_KEY");
    assertDuplicate(session, "UPDATE t4 SET x = 2 WHERE x = 1", "T4_X_KEY");
    assertThat(rows(session, "SELECT COUNT(*), COUNT(x) FROM t4")).containsExactly(row(5L, 2L));
    update(session, "DELETE FROM t4 WHERE x = 1");
    update(session, "INSERT INTO t4 VALUES (1)");
    assertThat(rows(session, "SELECT x FROM t4 WHERE x IS NOT NULL ORDER BY x"))
        .containsExactly(row(1), row(2));
  }

  @Test
  void tableUniqueOverTwoColumns() {
    run(session, "CREATE TABLE p (id INT PRIMARY KEY, a INT, b VARCHAR(5), CONSTRAINT p_ab UNIQUE (a, b))");
    update(session, "INSERT INTO p VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'x'), (4, 1, NULL), (5, 1, NULL)");
    assertDuplicate(session, "INSERT INTO p VALUES (6, 1, 'x')", "P_AB");
    assertThat(rows(session, "SELECT id FROM p WHERE a = 1 AND b = 'y'")).containsExactly(row(2));
    assertThat(indexes("P")).contains(row("P_AB", false, "A"), row("P_AB", false, "B"));
  }

  @Test
  void anUnnamedTableUniqueIsNamedAfterItsColumns() {
    run(session, "CREATE TABLE q (a INT, b INT, UNIQUE (b, a))");
    update(session, "INSERT INTO q VALUES (1, 2), (2, 1)");
    assertDuplicate(session, "INSERT INTO q VALUES (1, 2)", "Q_B_A_KEY");
  }

  @Test
  void explainUsesTheUniqueIndexForAnEquality() {
    run(session, "CREATE TABLE t4 (id INT PRIMARY KEY, x INTEGER UNIQUE, y INT)");
    update(session, "INSERT INTO t4 VALUES (1, 10, 100), (2, 20, 200)");
    assertThat(explain(session, "SELECT id FROM t4 WHERE x = 20")).contains("T4_X_KEY");
    assertThat(rows(session, "SELECT id, y FROM t4 WHERE x = 20")).containsExactly(row(2, 200));
  }

  @Test
  void insertSelectBetweenTablesWithUniqueColumns() {
    run(session, "CREATE TABLE t4 (x INTEGER UNIQUE)");
    run(session, "CREATE TABLE t5 (x INTEGER UNIQUE)");
    update(session, "INSERT INTO t4 VALUES (1), (2), (NULL), (NULL)");
    assertThat(update(session, "INSERT INTO t5 SELECT * FROM t4")).isEqualTo(4);
    assertThat(rows(session, "SELECT COUNT(*), COUNT(x) FROM t5")).containsExactly(row(4L, 2L));
    assertDuplicate(session, "INSERT INTO t5 SELECT * FROM t4 WHERE x = 2", "T5_X_KEY");
    update(session, "INSERT INTO t5 SELECT x + 10 FROM t4 WHERE x IS NOT NULL");
    assertThat(rows(session, "SELECT x FROM t5 WHERE x IS NOT NULL ORDER BY x"))
        .containsExactly(row(1), row(2), row(11), row(12));
  }

  @Test
  void indexInfoListsTheConstraintsAsUniqueIndexes() {
    run(session, "CREATE TABLE t (a INT PRIMARY KEY UNIQUE, b INT UNIQUE, c INT, "
        + "UNIQUE (b), CONSTRAINT t_c UNIQUE (c), UNIQUE (a))");
    // UNIQUE (a) repeats the primary key and UNIQUE (b) the column's own: neither adds an index.
    assertThat(indexes("T")).containsExactly(
        row("PRIMARY_KEY", false, "A"), row("T_B_KEY", false, "B"), row("T_C", false, "C"));
  }

  @Test
  void generatedNamesAvoidCollisionsAndGivenOnesMustBeFree() {
    run(session, "CREATE TABLE other (z INT)");
    run(session, "CREATE INDEX t_x_key ON other (z)");
    run(session, "CREATE TABLE t (x INT UNIQUE, y INT, CONSTRAINT t_x_key1 UNIQUE (y))");
    assertThat(indexes("T")).extracting(r -> r.get(0)).contains("T_X_KEY2", "T_X_KEY1");
    assertThatThrownBy(() -> run(session, "CREATE TABLE u (x INT, CONSTRAINT other UNIQUE (x))"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("42P07"));
    assertThatThrownBy(() -> run(session, "CREATE TABLE u (x INT, y INT, CONSTRAINT k UNIQUE (x), "
        + "CONSTRAINT k UNIQUE (y))"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("42P07"));
    assertThat(rows(session, "SELECT COUNT(*) FROM MERIDIAN_CATALOG.INDEX_INFO WHERE TABLE_NAME = 'U'"))
        .containsExactly(row(0L));
  }

  @Test
  void addColumnUniqueIsRefused() {
    run(session, "CREATE TABLE t (a INT)");
    assertThatThrownBy(() -> run(session, "ALTER TABLE t ADD COLUMN b INT UNIQUE"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("0A000"));
  }
}
