package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multi-row INSERT … VALUES of any length runs a row at a time through one planned shape
 * ({@link MultiRowInsert}): 5,000 rows used to fail with 58000 (Janino: "Code grows beyond 64 KB").
 */
class MultiRowInsertTest {

  private SqlTestNode node;
  private Session session;

  @BeforeEach
  void schema() {
    node = new SqlTestNode();
    session = node.engine.openSession();
    run(session, "CREATE TABLE t (pk INTEGER PRIMARY KEY, s VARCHAR(40), d DECIMAL(6, 2), dt DATE)");
  }

  @AfterEach
  void close() {
    node.close();
  }

  private static String values(int from, int to) {
    StringBuilder sql = new StringBuilder("INSERT INTO t (pk, s, d) VALUES ");
    for (int i = from; i < to; i++) {
      sql.append(i == from ? "" : ", ").append('(').append(i).append(", 'row-").append(i).append("', ")
          .append(i % 100).append(".25)");
    }
    return sql.toString();
  }

  private long count() {
    return ((Number) rows(session, "SELECT COUNT(*) FROM t").get(0).get(0)).longValue();
  }

  @Test
  void fiveThousandRowsInsert() {
    assertThat(update(session, values(0, 5_000))).isEqualTo(5_000);
    assertThat(count()).isEqualTo(5_000);
    assertThat(rows(session, "SELECT s, d FROM t WHERE pk = 4321"))
        .containsExactly(List.of("row-4321", new BigDecimal("21.25")));
  }

  @Test
  void twentyThousandRowsPlanOneShape() {
    update(session, values(0, 2));
    long misses = node.engine.planCacheStats().misses();
    assertThat(update(session, values(2, 20_002))).isEqualTo(20_000);
    // The statement's own text misses once at most; its 20,000 rows hit the shape planned above.
    assertThat(node.engine.planCacheStats().misses() - misses).isLessThanOrEqualTo(1);
    assertThat(count()).isEqualTo(20_002);
  }

  @Test
  void aDuplicateAmongTheRowsFailsTheWholeStatement() {
    String sql = values(0, 3_000) + ", (1500, 'again', 1)";
    assertThatThrownBy(() -> update(session, sql))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("23505"))
        .hasMessageContaining("(PK=1500) already exists");
    assertThat(count()).isZero();
  }

  @Test
  void upsertLetsTheLaterRowWin() {
    update(session, "UPSERT INTO t (pk, s) VALUES (1, 'first'), (2, 'two'), (1, 'second')");
    assertThat(rows(session, "SELECT pk, s FROM t ORDER BY pk"))
        .containsExactly(List.of(1, "second"), List.of(2, "two"));
  }

  @Test
  void rowsStoreWhatTheyWouldAlone() {
    // Exact values (3.0 for an INTEGER, ISO strings and typed literals for a DATE) take the shape;
    // 1.005 has more scale than DECIMAL(6, 2) and '2024-2-9' is no ISO date: those rows are planned
    // as written. Each stores what a single-row INSERT of the same literals stores.
    List<String> rowsText = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      rowsText.add("(" + i + ".0, 'x', 2.5, " + (i % 2 == 0 ? "'2024-02-29'" : "DATE '2024-02-29'") + ")");
    }
    for (int i = 3_000; i < 3_040; i++) {
      rowsText.add("(" + i + ", 'x', 1.005, '2024-2-9')");
    }
    assertThat(update(session, "INSERT INTO t VALUES " + String.join(", ", rowsText))).isEqualTo(3_040);
    update(session, "INSERT INTO t VALUES (-1, 'x', 2.5, '2024-02-29')");
    update(session, "INSERT INTO t VALUES (-2, 'x', 1.005, '2024-2-9')");
    List<List<Object>> exact = rows(session, "SELECT d, dt FROM t WHERE pk = -1");
    List<List<Object>> cast = rows(session, "SELECT d, dt FROM t WHERE pk = -2");
    assertThat(rows(session, "SELECT d, dt FROM t WHERE pk = 2998")).isEqualTo(exact);
    assertThat(rows(session, "SELECT d, dt FROM t WHERE pk = 2999")).isEqualTo(exact);
    assertThat(rows(session, "SELECT d, dt FROM t WHERE pk = 3039")).isEqualTo(cast);
    // DECIMAL(_, 2) rounds 1.005 half away from zero, as PostgreSQL does (M12).
    assertThat(cast.get(0).get(0)).isEqualTo(new BigDecimal("1.01"));
    assertThat(rows(session, "SELECT COUNT(*) FROM t WHERE dt = DATE '2024-02-29'").get(0).get(0))
        .isEqualTo(3_001L);
  }

  @Test
  void badValueNamesItsError() {
    assertThatThrownBy(() -> update(session, values(0, 10) + ", (10, 'far too long a string for forty characters', 1)"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("22001"));
    assertThat(count()).isZero();
  }

  @Test
  void preparedMultiRowInsertTakesItsParametersInOrder() {
    int rowsCount = 3_000;
    StringBuilder sql = new StringBuilder("INSERT INTO t (pk, s, d) VALUES ");
    List<Object> parameters = new ArrayList<>();
    for (int i = 0; i < rowsCount; i++) {
      // Every third row has a literal instead of its last parameter.
      sql.append(i == 0 ? "" : ", ").append(i % 3 == 0 ? "(?, ?, 7.5)" : "(?, ?, ?)");
      parameters.add(i);
      parameters.add("p-" + i);
      if (i % 3 != 0) {
        parameters.add(new BigDecimal("1.50"));
      }
    }
    Session.Description description = session.describe(sql.toString(), StatementGuard.NONE);
    assertThat(description.parameterRowType().getFieldCount()).isEqualTo(parameters.size());
    assertThat(description.parameterRowType().getFieldList().get(1).getType().getSqlTypeName().getName())
        .isEqualTo("VARCHAR");
    assertThat(session.execute(sql.toString(), parameters, StatementGuard.NONE))
        .isEqualTo(new StatementResult.UpdateCount(rowsCount));
    assertThat(rows(session, "SELECT pk, s, d FROM t WHERE pk IN (2997, 2998) ORDER BY pk")).containsExactly(
        Arrays.asList(2997, "p-2997", new BigDecimal("7.50")),
        Arrays.asList(2998, "p-2998", new BigDecimal("1.50")));
  }
}
