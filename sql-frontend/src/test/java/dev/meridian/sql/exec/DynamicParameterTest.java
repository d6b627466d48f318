package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.sqlState;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Parameters are given here as the engine's runtime values of their types (the server converts
 * what a client binds). Expressions over dynamic parameters in DML and queries take the bound value: an UPDATE that
 * set {@code v = CAST(? AS VARCHAR(20))} stored NULL (found by the Jepsen runner), and each shape
 * is run twice with different values so a plan cached with the first value's result shows.
 */
class DynamicParameterTest {

  private SqlTestNode node;
  private Session session;

  @BeforeEach
  void schema() {
    node = new SqlTestNode();
    session = node.engine.openSession();
    run(session, "CREATE TABLE pt (k BIGINT PRIMARY KEY, v VARCHAR(4000), n INTEGER)");
    update(session, "INSERT INTO pt (k, v) VALUES (1, ',1')");
  }

  @AfterEach
  void close() {
    node.close();
  }

  private Object v(long k) {
    return rows(session, "SELECT v FROM pt WHERE k = ?", k).get(0).get(0);
  }

  private Object n(long k) {
    return rows(session, "SELECT n FROM pt WHERE k = ?", k).get(0).get(0);
  }

  @Test
  void updateSetsCastOfParameter() {
    assertThat(update(session, "UPDATE pt SET v = CAST(? AS VARCHAR(20)) WHERE k = ?", ",2", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",2");
    assertThat(update(session, "UPDATE pt SET v = CAST(? AS VARCHAR(20)) WHERE k = ?", ",3", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",3");
  }

  @Test
  void updateAppendsCastOfParameter() {
    assertThat(update(session, "UPDATE pt SET v = v || CAST(? AS VARCHAR(20)) WHERE k = ?", ",2", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",1,2");
    assertThat(update(session, "UPDATE pt SET v = v || CAST(? AS VARCHAR(20)) WHERE k = ?", ",3", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",1,2,3");
  }

  @Test
  void updateSetsPlainParameter() {
    assertThat(update(session, "UPDATE pt SET v = ? WHERE k = ?", ",2", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",2");
  }

  @Test
  void updateSetsArithmeticAndCoalesceOverParameters() {
    assertThat(update(session, "UPDATE pt SET n = CAST(? AS INTEGER) + 1 WHERE k = ?", 41, 1L)).isEqualTo(1);
    assertThat(n(1)).isEqualTo(42);
    assertThat(update(session, "UPDATE pt SET n = CAST(? AS INTEGER) + 1 WHERE k = ?", 6, 1L)).isEqualTo(1);
    assertThat(n(1)).isEqualTo(7);
    assertThat(update(session, "UPDATE pt SET v = COALESCE(CAST(? AS VARCHAR(20)), 'x') WHERE k = ?", "y", 1L))
        .isEqualTo(1);
    assertThat(v(1)).isEqualTo("y");
    assertThat(update(session, "UPDATE pt SET v = COALESCE(CAST(? AS VARCHAR(20)), 'x') WHERE k = ?", null, 1L))
        .isEqualTo(1);
    assertThat(v(1)).isEqualTo("x");
    assertThatThrownBy(() -> update(session, "UPDATE pt SET v = COALESCE(?, 'x') WHERE k = ?", "y", 1L))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("42000"));
    assertThat(v(1)).isEqualTo("x");
  }

  @Test
  void updateSetsStringFunctionsOfUntypedParameters() {
    assertThat(update(session, "UPDATE pt SET v = UPPER(?) WHERE k = ?", "ab", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo("AB");
    assertThat(update(session, "UPDATE pt SET v = v || ? WHERE k = ?", ",2", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo("AB,2");
    assertThat(update(session, "UPDATE pt SET v = v || ? WHERE k = ?", ",3", 1L)).isEqualTo(1);
    assertThat(v(1)).isEqualTo("AB,2,3");
  }

  @Test
  void insertAndUpsertCastOfParameter() {
    assertThat(update(session, "INSERT INTO pt (k, v) VALUES (?, CAST(? AS VARCHAR(20)))", 2L, ",2")).isEqualTo(1);
    assertThat(update(session, "INSERT INTO pt (k, v) VALUES (?, CAST(? AS VARCHAR(20)))", 3L, ",3")).isEqualTo(1);
    assertThat(v(2)).isEqualTo(",2");
    assertThat(v(3)).isEqualTo(",3");
    assertThat(update(session, "INSERT INTO pt (k, v) VALUES (?, CAST(? AS VARCHAR(20))), (?, CAST(? AS VARCHAR(20)))",
        4L, ",4", 5L, ",5")).isEqualTo(2);
    assertThat(v(4)).isEqualTo(",4");
    assertThat(v(5)).isEqualTo(",5");
    assertThat(update(session, "UPSERT INTO pt (k, v) VALUES (?, CAST(? AS VARCHAR(20)))", 1L, ",u")).isEqualTo(1);
    assertThat(v(1)).isEqualTo(",u");
    assertThat(update(session, "UPSERT INTO pt (k, v) VALUES (?, CAST(? AS VARCHAR(20)))", 6L, ",6")).isEqualTo(1);
    assertThat(v(6)).isEqualTo(",6");
    assertThat(update(session, "INSERT INTO pt (k, n) VALUES (?, CAST(? AS INTEGER) + 1)", 7L, 41)).isEqualTo(1);
    assertThat(n(7)).isEqualTo(42);
    assertThat(update(session, "INSERT INTO pt (k, v) VALUES (?, COALESCE(CAST(? AS VARCHAR(20)), 'x'))", 8L, null))
        .isEqualTo(1);
    assertThat(v(8)).isEqualTo("x");
  }

  @Test
  void selectCastOfParameter() {
    assertThat(rows(session, "SELECT CAST(? AS VARCHAR(20))", ",2")).containsExactly(List.of(",2"));
    assertThat(rows(session, "SELECT CAST(? AS VARCHAR(20))", ",3")).containsExactly(List.of(",3"));
    assertThat(rows(session, "SELECT k FROM pt WHERE v = CAST(? AS VARCHAR(20))", ",1")).containsExactly(List.of(1L));
    assertThat(rows(session, "SELECT k FROM pt WHERE v = CAST(? AS VARCHAR(20))", ",9")).isEmpty();
    assertThat(rows(session, "SELECT CAST(? AS INTEGER) + 1", 41)).containsExactly(List.of(42));
    assertThat(rows(session, "SELECT COALESCE(CAST(? AS VARCHAR(20)), 'x')", (Object) null))
        .containsExactly(List.of("x"));
    assertThat(rows(session, "SELECT UPPER(?), ? || 'b'", "ab", "a")).containsExactly(List.of("AB", "ab"));
  }

  /** Where nothing fixes a parameter's type the statement is refused, as before: 42000, not NULL. */
  @Test
  void untypedParameterOutsideTextOperatorsIsRefused() {
    assertThatThrownBy(() -> rows(session, "SELECT COALESCE(?, 'x')", "y"))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("42000"))
        .hasMessageContaining("Illegal use of dynamic parameter");
    assertThatThrownBy(() -> rows(session, "SELECT ?", "y"))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("42000"));
  }
}
