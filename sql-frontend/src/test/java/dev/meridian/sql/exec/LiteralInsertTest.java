package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** INSERT … VALUES of literals is planned once per shape, and stores what the literals say. */
class LiteralInsertTest {

  private SqlTestNode node;
  private Session session;

  @BeforeEach
  void schema() {
    node = new SqlTestNode();
    session = node.engine.openSession();
    run(session, "CREATE TABLE t (pk INTEGER PRIMARY KEY, f FLOAT, s TEXT, v VARCHAR(3), b BIGINT, "
        + "d DECIMAL(6, 2))");
  }

  @AfterEach
  void close() {
    node.close();
  }

  private long planMisses() {
    return node.engine.planCacheStats().misses();
  }

  @Test
  void rowsOfTheSameShapeShareOnePlan() {
    update(session, "INSERT INTO t VALUES (1, 562.42, 'abc', 'xy', 7, 1.5)");
    long misses = planMisses();
    update(session, "INSERT INTO t VALUES (2, -3, 'defg', NULL, -8000000000, 2);");
    update(session, "insert into t values(3,1e3,'','z',0,-0.25)");
    assertThat(planMisses()).isEqualTo(misses);
    assertThat(rows(session, "SELECT pk, f, s, v, b, d FROM t ORDER BY pk")).containsExactly(
        Arrays.asList(1, 562.42, "abc", "xy", 7L, new BigDecimal("1.50")),
        Arrays.asList(2, -3.0, "defg", null, -8000000000L, new BigDecimal("2.00")),
        Arrays.asList(3, 1000.0, "", "z", 0L, new BigDecimal("-0.25")));
  }

  @Test
  void literalsThatNeedACastArePlannedAsWritten() {
    update(session, "INSERT INTO t (pk, d) VALUES (1, 2.5)");
    long misses = planMisses();
    // The shape is planned, but 1.005 has more scale than the DECIMAL: the cast rounds it half
    // away from zero, as PostgreSQL does.
    update(session, "INSERT INTO t (pk, d) VALUES (2.0, 1.005)");
    assertThat(planMisses()).isEqualTo(misses + 1);
    assertThatThrownBy(() -> update(session, "INSERT INTO t (pk, v) VALUES (3, 'abcd')"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("22001"));
    assertThat(rows(session, "SELECT pk, d FROM t WHERE pk = 2")).containsExactly(List.of(2, new BigDecimal("1.01")));
  }
}
