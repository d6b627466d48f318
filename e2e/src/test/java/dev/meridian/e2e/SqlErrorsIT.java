package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * M12 as a new user meets it, through the shaded driver against one node: each row of the issue's
 * table gets PostgreSQL 15's class of answer, and no error breaks the connection or the open
 * transaction. (An error the planner raised while folding a constant used to escape as a broken
 * HTTP response: the client lost its connection with 08006 "not an Avatica protobuf WireMessage".)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqlErrorsIT extends OneNodeIT {

  static String first(String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT 1/0                                      | 22012
      SELECT MOD(5, 0)                                | 22012
      SELECT CAST('2024-02-30' AS DATE)               | 22008
      SELECT SUBSTRING('abc' FROM 1 FOR -1)           | 22011
      SELECT CAST(40000 AS SMALLINT)                  | 22003
      SELECT CAST(32767 AS SMALLINT) + CAST(1 AS SMALLINT) | 22003
      SELECT 2147483647 + 1                           | 22003
      SELECT CAST(9223372036854775807 AS BIGINT) + 1  | 22003
      SELECT SQRT(-1.0)                               | 2201F
      SELECT LN(0)                                    | 2201E
      """)
  void errorsComeWithPostgresSqlStateAndTheConnectionStays(String sql, String state) throws Exception {
    for (int run = 0; run < 2; run++) {
      assertThatThrownBy(() -> first(sql))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(state));
    }
    assertThat(first("SELECT 1")).isEqualTo("1");
  }

  @Test
  void valuesArePostgresValues() throws Exception {
    assertThat(first("SELECT '世界'")).isEqualTo("世界");
    assertThat(first("SELECT 'a😀' || '𝄞'")).isEqualTo("a😀𝄞");
    assertThat(first("SELECT CHAR_LENGTH('😀😀')")).isEqualTo("2");
    assertThat(first("SELECT CAST(2.5 AS INTEGER)")).isEqualTo("3");
    assertThat(first("SELECT CAST(-2.5 AS INTEGER)")).isEqualTo("-3");
  }

  @Test
  void aFailedStatementLeavesTheTransactionOpenAndUsable() throws Exception {
    try (Connection c = Jdbc.connect(node); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE txn_errors (id INT PRIMARY KEY, name VARCHAR(3))");
      c.setAutoCommit(false);
      s.execute("INSERT INTO txn_errors VALUES (1, '日本語')");
      assertThatThrownBy(() -> s.executeQuery("SELECT id / 0 FROM txn_errors").next())
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22012"));
      assertThatThrownBy(() -> s.executeQuery("SELECT 1/0"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22012"));
      s.execute("INSERT INTO txn_errors VALUES (2, '😀😀😀')");
      c.commit();
      c.setAutoCommit(true);
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM txn_errors")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(2);
      }
    }
  }

  /**
   * The randomized tester's findings, as its minimized reproducers put them: seed 14 (a NULL
   * row matched {@code NOT (1.5 = COALESCE(c, NULL))}), seed 34 (XX000 from a planner
   * assertion) and seed 552 (a TRIM in a CASE branch trimmed nothing, so a true constant filter
   * folded to false). SqlPlannerSoundnessTest has the variants.
   */
  @Test
  void theFuzzersFindingsAnswerRight() throws Exception {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE fuzz_found (c0 INTEGER PRIMARY KEY, c4 DOUBLE)");
      s.execute("CREATE INDEX fuzz_found_i ON fuzz_found (c4)");
      s.execute("INSERT INTO fuzz_found VALUES (-2147483648, NULL)");
    }
    assertThat(first("SELECT COUNT(*) FROM fuzz_found WHERE NOT (1.5E0 = COALESCE(c4, CAST(NULL AS DOUBLE)))"))
        .isEqualTo("0");
    assertThat(first("SELECT COUNT(*) FROM fuzz_found WHERE (1.5E0 = COALESCE(c4, CAST(NULL AS DOUBLE))) IS NULL"))
        .isEqualTo("1");
    assertThat(first("SELECT SUM(CASE WHEN (NOT (NULLIF(1.50, 1.50) NOT BETWEEN 2.5 AND CAST(NULL AS DECIMAL(8, 2))))"
        + " THEN 1 ELSE 0 END) FROM fuzz_found")).isEqualTo("0");
    assertThat(first("SELECT COUNT(*) FROM fuzz_found WHERE TRIM('ab') <= CASE WHEN TRUE THEN TRIM(' x ') ELSE 'zz' END"))
        .isEqualTo("1");
  }

  @Test
  void prepareTimeErrorsCarryTheReasonAndPosition() {
    assertThatThrownBy(() -> connection.prepareStatement("SELECT * FROM no_such_table"))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("42P01");
          assertThat(e.getMessage()).contains("line 1, column 15").contains("'NO_SUCH_TABLE' not found");
          assertInSqlTerms(e);
        });
    assertThatThrownBy(() -> connection.prepareStatement("SELECT FROM"))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("42601");
          assertThat(e.getMessage()).contains("line 1, column 8");
        });
  }

  /** What Avatica wraps a server's message in, which must not reach the application. */
  private static void assertInSqlTerms(SQLException e) {
    java.io.StringWriter printed = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(printed));
    assertThat(printed.toString()).doesNotContain("Remote driver error", "Error while executing SQL",
        "while preparing SQL", "AvaticaRuntimeException", "Messsage", "AvaticaSqlException");
  }

  /**
   * The SQLException's message is the server's, in SQL terms, with its SQLSTATE and error code;
   * it used to read {@code Error while executing SQL "…": Remote driver error: <message>}, and its
   * trace carried the server's {@code AvaticaRuntimeException: [Messsage: …]}.
   */
  @Test
  void theMessageIsTheServersOwn() throws Exception {
    try (Statement s = connection.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM no_such_table"))
          .isInstanceOfSatisfying(java.sql.SQLSyntaxErrorException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("42P01");
            assertThat(e.getMessage()).contains("'NO_SUCH_TABLE' not found");
            assertInSqlTerms(e);
          });
      s.execute("CREATE TABLE messages_in_sql_terms (id INT PRIMARY KEY)");
      s.execute("INSERT INTO messages_in_sql_terms VALUES (1)");
      assertThatThrownBy(() -> s.execute("INSERT INTO messages_in_sql_terms VALUES (1)"))
          .isInstanceOfSatisfying(java.sql.SQLIntegrityConstraintViolationException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("23505");
            assertThat(e.getMessage()).isEqualTo("duplicate key value violates primary key of table"
                + " MESSAGES_IN_SQL_TERMS: (ID=1) already exists");
            assertInSqlTerms(e);
          });
      try (java.sql.PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO messages_in_sql_terms VALUES (?)")) {
        for (int id : new int[] {2, 1, 3}) {
          insert.setInt(1, id);
          insert.addBatch();
        }
        assertThatThrownBy(insert::executeBatch).isInstanceOfSatisfying(java.sql.BatchUpdateException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("23505");
          assertThat(e.getMessage()).startsWith("statement 2 of the batch of 3 failed: duplicate key value"
              + " violates primary key of table MESSAGES_IN_SQL_TERMS: (ID=1) already exists");
          // Where the batch stopped travels in the error code, which the cause keeps.
          assertThat(((SQLException) e.getCause()).getErrorCode()).isEqualTo(2);
          assertInSqlTerms(e);
        });
      }
    }
  }
}
