package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Arithmetic, casts, math functions and strings answer as PostgreSQL 15 does: the same value, or
 * an error of the same SQLSTATE, never a wrong number (M12). Each statement runs twice, because the
 * second run reuses the cached plan and compiled class: that is where an error raised in a static
 * initializer used to come back as a NoClassDefFoundError.
 */
class SqlDataErrorsTest {

  private final SqlTestNode node = new SqlTestNode();
  private final Session session = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  private String stateOf(String sql) {
    try {
      rows(session, sql);
      return "no error";
    } catch (SqlExecutionException e) {
      return e.sqlState();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT 1/0                                          | 22012
      SELECT MOD(5, 0)                                    | 22012
      SELECT 1.0/0                                        | 22012
      SELECT 1e0/0                                        | 22012
      SELECT CAST(1 AS BIGINT) / 0                        | 22012
      SELECT CASE WHEN 1 = 2 THEN 0 ELSE 1/0 END          | 22012
      SELECT CAST('2024-02-30' AS DATE)                   | 22008
      SELECT CAST('2024-13-01' AS DATE)                   | 22008
      SELECT CAST('2024-02-30 00:00:00' AS TIMESTAMP)     | 22008
      SELECT CAST('25:00:00' AS TIME)                     | 22008
      SELECT CAST('abc' AS DATE)                          | 22007
      SELECT DATE '2024-02-30'                            | 22007
      SELECT SUBSTRING('abc' FROM 1 FOR -1)               | 22011
      SELECT CAST(40000 AS SMALLINT)                      | 22003
      SELECT CAST(32767.5 AS SMALLINT)                    | 22003
      SELECT CAST(2147483647.5 AS INTEGER)                | 22003
      SELECT CAST(1e20 AS INTEGER)                        | 22003
      SELECT CAST(1e20 AS BIGINT)                         | 22003
      SELECT CAST(-32768 AS SMALLINT) * CAST(-1 AS SMALLINT) | 22003
      SELECT 2147483647 + 1                               | 22003
      SELECT -2147483647 - 2                              | 22003
      SELECT 65536 * 65536                                | 22003
      SELECT -CAST(-2147483648 AS INTEGER)                | 22003
      SELECT CAST(-2147483648 AS INTEGER) / -1            | 22003
      SELECT CAST(9223372036854775807 AS BIGINT) + 1      | 22003
      SELECT 99999999999999999999999999999999999999 + 1   | 22003
      SELECT 1e308 * 10                                   | no error
      SELECT SQRT(-1.0)                                   | 2201F
      SELECT POWER(0, -1)                                 | 2201F
      SELECT POWER(-8, 0.5)                               | 2201F
      SELECT LN(0)                                        | 2201E
      SELECT LN(-1)                                       | 2201E
      SELECT LOG10(-1)                                    | 2201E
      SELECT ASIN(2)                                      | 22003
      SELECT CAST('abc' AS INTEGER)                       | 22018
      """)
  void constantsFailAsInPostgres(String sql, String state) {
    assertThat(stateOf(sql)).isEqualTo(state);
    assertThat(stateOf(sql)).as("again, from the plan cache").isEqualTo(state);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT a / b FROM t WHERE b = 0                     | 22012
      SELECT MOD(a, b) FROM t WHERE b = 0                 | 22012
      SELECT a + 2147483647 FROM t                        | 22003
      SELECT a * 1073741824 FROM t                        | 22003
      SELECT s + s FROM t                                 | 22003
      SELECT CAST(d AS SMALLINT) FROM t                   | 22003
      SELECT CAST(f AS INTEGER) FROM t WHERE f < -1e10    | 22003
      SELECT SQRT(f) FROM t                               | 2201F
      SELECT f / CAST(b AS DOUBLE) FROM t                 | 22012
      SELECT SUBSTRING(txt FROM 1 FOR b - 1) FROM t       | 22011
      SELECT CAST(txt AS DATE) FROM t                     | 22008
      """)
  void columnsFailAsInPostgres(String sql, String state) {
    run(session, "CREATE TABLE t (a INT PRIMARY KEY, b INT, s SMALLINT, d DECIMAL(10, 1), f DOUBLE, txt VARCHAR(20))");
    update(session, "INSERT INTO t VALUES (2, 0, 20000, 40000.5, -1e11, '2023-02-29')");
    assertThat(stateOf(sql)).isEqualTo(state);
    assertThat(stateOf(sql)).as("again, from the plan cache").isEqualTo(state);
  }

  @Test
  void castsToIntegersRoundAsPostgresDoes() {
    assertThat(rows(session, "SELECT CAST(2.5 AS INTEGER), CAST(-2.5 AS INTEGER), CAST(2.4 AS INTEGER),"
        + " CAST(2.5E0 AS INTEGER), CAST(3.5E0 AS INTEGER), CAST(-3.5E0 AS BIGINT), CAST(32767.4 AS SMALLINT)"))
        .containsExactly(List.of(3, -3, 2, 2, 4, -4L, (short) 32767));
    run(session, "CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(10, 2), f DOUBLE)");
    update(session, "INSERT INTO t VALUES (1, 2.5, 2.5), (2, -2.5, 3.5), (3, 0.49, -0.5)");
    assertThat(rows(session, "SELECT CAST(d AS INTEGER), CAST(f AS INTEGER) FROM t ORDER BY id"))
        .containsExactly(List.of(3, 2), List.of(-3, 4), List.of(0, 0));
    assertThat(rows(session, "SELECT CAST(d AS DECIMAL(10, 1)) FROM t WHERE id = 1"))
        .containsExactly(List.of(new java.math.BigDecimal("2.5")));
  }

  @Test
  void exactArithmeticInRangeIsExact() {
    assertThat(rows(session, "SELECT 2147483646 + 1, CAST(9223372036854775806 AS BIGINT) + 1, 7 / 2, -7 / 2,"
        + " MOD(-7, 2), 2147483647 + CAST(1 AS BIGINT)"))
        .containsExactly(List.of(2147483647, 9223372036854775807L, 3, -3, -1, 2147483648L));
    assertThat(rows(session, "SELECT SQRT(4.0), POWER(-2, 3), LN(1)")).containsExactly(List.of(2.0, -8.0, 0.0));
  }

  @Test
  void aConstantInADeadBranchIsFoldedAwayFirst() {
    assertThat(rows(session, "SELECT CASE WHEN 1 = 0 THEN 1/0 ELSE 5 END")).containsExactly(List.of(5));
  }

  @Test
  void anyScriptInLiteralsAndIdentifiers() {
    assertThat(rows(session, "SELECT '世界', 'Ωμέγα', '😀', 'a' || '𝄞'"))
        .containsExactly(List.of("世界", "Ωμέγα", "😀", "a𝄞"));
    run(session, "CREATE TABLE 表 (列 INT PRIMARY KEY, \"名前😀\" VARCHAR(3))");
    update(session, "INSERT INTO 表 VALUES (1, '😀😀😀'), (2, '日本語')");
    assertThat(rows(session, "SELECT \"名前😀\" FROM 表 WHERE 列 = 1")).containsExactly(List.of("😀😀😀"));
    assertThat(rows(session, "SELECT 列 FROM 表 WHERE \"名前😀\" = '日本語'")).containsExactly(List.of(2));
    assertThatThrownBy(() -> update(session, "INSERT INTO 表 VALUES (3, '😀😀😀😀')"))
        .satisfies(e -> assertThat(((SqlExecutionException) e).sqlState()).isEqualTo("22001"));
  }

  @Test
  void stringFunctionsCountCodePoints() {
    assertThat(rows(session, "SELECT CHAR_LENGTH('😀a'), CHARACTER_LENGTH('𝄞𝄞'), SUBSTRING('a😀bc' FROM 2 FOR 2),"
        + " SUBSTRING('a😀bc' FROM 3), SUBSTRING('abc' FROM 0 FOR 2), POSITION('b' IN 'a😀bc'),"
        + " POSITION('c' IN 'a😀bc' FROM 4), UPPER('ß😀é'), LOWER('É😀')"))
        .containsExactly(List.of(2, 2, "😀b", "bc", "a", 3, 4, "ß😀É", "é😀"));
    run(session, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10))");
    update(session, "INSERT INTO t VALUES (1, '😀x😀')");
    assertThat(rows(session, "SELECT CHAR_LENGTH(s), SUBSTRING(s FROM 2 FOR 1), POSITION('😀' IN s FROM 2),"
        + " UPPER(s), CAST(s AS VARCHAR(2)) FROM t")).containsExactly(List.of(3, "x", 3, "😀X😀", "😀x"));
  }

  @Test
  void aFailedStatementLeavesTheTransactionUsable() {
    run(session, "CREATE TABLE t (id INT PRIMARY KEY)");
    session.setAutoCommit(false, StatementGuard.NONE);
    update(session, "INSERT INTO t VALUES (1)");
    assertThat(stateOf("SELECT 1/0")).isEqualTo("22012");
    assertThat(stateOf("SELECT id + 2147483647 FROM t")).isEqualTo("22003");
    update(session, "INSERT INTO t VALUES (2)");
    session.commit(StatementGuard.NONE);
    session.setAutoCommit(true, StatementGuard.NONE);
    assertThat(rows(session, "SELECT COUNT(*) FROM t")).containsExactly(List.of(2L));
  }
}
