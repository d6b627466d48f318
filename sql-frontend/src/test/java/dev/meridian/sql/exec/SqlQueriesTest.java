package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.explain;
import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query forms of M2 over a small schema, in process. */
class SqlQueriesTest {

  private static SqlTestNode node;
  private static Session session;

  @BeforeAll
  static void schema() {
    node = new SqlTestNode();
    session = node.engine.openSession();
    run(session, "CREATE TABLE dept (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
    run(session, "CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20), dept_id INT, salary DECIMAL(10, 2), hired DATE)");
    run(session, "CREATE INDEX emp_dept ON emp (dept_id)");
    update(session, "INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty')");
    update(session, "INSERT INTO emp VALUES "
        + "(1, 'ann', 1, 100.50, DATE '2020-01-02'), (2, 'bob', 1, 90.00, DATE '2021-03-04'), "
        + "(3, 'cy', 2, 80.25, DATE '2019-05-06'), (4, 'dee', NULL, 70.00, NULL)");
  }

  @AfterAll
  static void close() {
    node.close();
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  @Test
  void joins() {
    assertThat(rows(session, "SELECT e.name, d.name FROM emp e JOIN dept d ON e.dept_id = d.id ORDER BY e.id"))
        .containsExactly(row("ann", "eng"), row("bob", "eng"), row("cy", "ops"));
    assertThat(rows(session, "SELECT e.name, d.name FROM emp e LEFT JOIN dept d ON e.dept_id = d.id WHERE e.id = 4"))
        .containsExactly(row("dee", null));
    assertThat(rows(session, "SELECT COUNT(*) FROM emp CROSS JOIN dept")).containsExactly(row(12L));
  }

  @Test
  void groupingAndHaving() {
    assertThat(rows(session, "SELECT dept_id, COUNT(*), SUM(salary) FROM emp WHERE dept_id IS NOT NULL "
        + "GROUP BY dept_id HAVING COUNT(*) > 1"))
        .containsExactly(row(1, 2L, new BigDecimal("190.50")));
    assertThat(rows(session, "SELECT DISTINCT dept_id FROM emp WHERE dept_id IS NOT NULL ORDER BY dept_id"))
        .containsExactly(row(1), row(2));
  }

  @Test
  void orderLimitOffset() {
    assertThat(rows(session, "SELECT id FROM emp ORDER BY id DESC LIMIT 2")).containsExactly(row(4), row(3));
    assertThat(rows(session, "SELECT id FROM emp ORDER BY id LIMIT 2 OFFSET 1")).containsExactly(row(2), row(3));
    assertThat(rows(session, "SELECT name FROM emp ORDER BY salary DESC LIMIT 1")).containsExactly(row("ann"));
    assertThat(explain(session, "SELECT id FROM emp ORDER BY id DESC LIMIT 2")).contains("reverse").doesNotContain("Sort(");
  }

  @Test
  void setOperations() {
    assertThat(rows(session, "SELECT id FROM dept UNION SELECT dept_id FROM emp WHERE dept_id IS NOT NULL ORDER BY 1"))
        .containsExactly(row(1), row(2), row(3));
    assertThat(rows(session, "SELECT id FROM dept EXCEPT SELECT dept_id FROM emp WHERE dept_id IS NOT NULL"))
        .containsExactly(row(3));
    assertThat(rows(session, "SELECT id FROM dept INTERSECT SELECT dept_id FROM emp ORDER BY 1"))
        .containsExactly(row(1), row(2));
  }

  @Test
  void subqueries() {
    assertThat(rows(session, "SELECT name FROM dept WHERE id IN (SELECT dept_id FROM emp) ORDER BY name"))
        .containsExactly(row("eng"), row("ops"));
    assertThat(rows(session, "SELECT name FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept_id = d.id)"))
        .containsExactly(row("empty"));
    assertThat(rows(session, "SELECT name FROM emp WHERE salary = (SELECT MAX(salary) FROM emp)"))
        .containsExactly(row("ann"));
  }

  @Test
  void subqueriesUnderOr() {
    // The IN's branch folds away; its empty subquery must not empty the result.
    assertThat(rows(session, "SELECT id FROM dept WHERE id > 0 OR (1 = 2 AND id IN "
        + "(SELECT dept_id FROM emp WHERE id > 100)) ORDER BY id"))
        .containsExactly(row(1), row(2), row(3));
    assertThat(rows(session, "SELECT id FROM dept WHERE id > 2 OR id IN (SELECT dept_id FROM emp) ORDER BY id"))
        .containsExactly(row(1), row(2), row(3));
    // The subquery is read once and replayed for every outer row, not re-run per row.
    assertThat(explain(session, "SELECT id FROM dept WHERE id > 2 OR id IN (SELECT dept_id FROM emp)"))
        .contains("MeridianBufferedInput");
  }

  @Test
  void orderByThePrimaryKeyOverAnIndexScanSorts() {
    run(session, "CREATE TABLE scored (k INT PRIMARY KEY, v INT)");
    run(session, "CREATE INDEX scored_v ON scored (v)");
    update(session, "INSERT INTO scored VALUES (1, 30), (2, 10), (3, 20)");
    assertThat(explain(session, "SELECT k FROM scored WHERE v < 100 ORDER BY k")).contains("SCORED_V");
    assertThat(rows(session, "SELECT k FROM scored WHERE v < 100 ORDER BY k"))
        .containsExactly(row(1), row(2), row(3));
    assertThat(rows(session, "SELECT k FROM scored WHERE v < 100 ORDER BY v")).containsExactly(row(2), row(3), row(1));
    run(session, "DROP TABLE scored");
  }

  @Test
  void expressionsCaseCastAndFunctions() {
    assertThat(rows(session, "SELECT CASE WHEN salary > 85 THEN 'high' ELSE 'low' END, CAST(salary AS INTEGER), "
        + "UPPER(name), CHAR_LENGTH(name), COALESCE(dept_id, -1) FROM emp WHERE id = 4"))
        .containsExactly(row("low", 70, "DEE", 3, -1));
    assertThat(rows(session, "SELECT name FROM emp WHERE hired > DATE '2020-01-01' ORDER BY hired"))
        .containsExactly(row("ann"), row("bob"));
    assertThat(rows(session, "SELECT name FROM emp WHERE name LIKE 'b%'")).containsExactly(row("bob"));
  }

  @Test
  void indexesServeQueriesOnTheirColumns() {
    assertThat(explain(session, "SELECT name FROM emp WHERE dept_id = 1")).contains("EMP_DEPT");
    assertThat(rows(session, "SELECT name FROM emp WHERE dept_id = 1 ORDER BY name"))
        .containsExactly(row("ann"), row("bob"));
    assertThat(rows(session, "SELECT id FROM emp WHERE id BETWEEN 2 AND 3 ORDER BY id")).containsExactly(row(2), row(3));
  }

  @Test
  void views() {
    run(session, "CREATE VIEW eng (who, pay) AS SELECT name, salary FROM emp WHERE dept_id = 1");
    assertThat(rows(session, "SELECT who FROM eng WHERE pay > 95")).containsExactly(row("ann"));
    run(session, "DROP VIEW eng");
  }
}
