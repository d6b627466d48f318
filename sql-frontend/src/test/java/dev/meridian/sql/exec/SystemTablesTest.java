package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MERIDIAN_CATALOG.PRIMARY_KEYS and INDEX_INFO: the JDBC metadata the wire protocol cannot ask for. */
class SystemTablesTest {

  private static SqlTestNode node;
  private static Session session;

  @BeforeAll
  static void schema() {
    node = new SqlTestNode();
    session = node.engine.openSession();
    run(session, "CREATE TABLE acct (region VARCHAR(4), id BIGINT, email VARCHAR(40), age INT, "
        + "PRIMARY KEY (region, id DESC))");
    run(session, "CREATE UNIQUE INDEX acct_email ON acct (email) STORING (age)");
    run(session, "CREATE INDEX acct_age ON acct (age DESC, region)");
    run(session, "CREATE TABLE nokey (x INT, y INT)");
    run(session, "CREATE INDEX nokey_y ON nokey (y)");
  }

  @AfterAll
  static void close() {
    node.close();
  }

  private static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  @Test
  void primaryKeysListKeyColumnsInKeyOrder() {
    assertThat(rows(session, "SELECT * FROM MERIDIAN_CATALOG.PRIMARY_KEYS ORDER BY TABLE_NAME, KEY_SEQ"))
        .containsExactly(
            row(null, "PUBLIC", "ACCT", "REGION", (short) 1, "PRIMARY_KEY"),
            row(null, "PUBLIC", "ACCT", "ID", (short) 2, "PRIMARY_KEY"));
  }

  @Test
  void aTableWithoutPrimaryKeyShowsNoHiddenRowId() {
    assertThat(rows(session, "SELECT COUNT(*) FROM MERIDIAN_CATALOG.PRIMARY_KEYS WHERE TABLE_NAME = 'NOKEY'"))
        .containsExactly(row(0L));
    assertThat(rows(session, "SELECT INDEX_NAME, COLUMN_NAME FROM MERIDIAN_CATALOG.INDEX_INFO "
        + "WHERE TABLE_NAME = ?", "NOKEY"))
        .containsExactly(row("NOKEY_Y", "Y"));
  }

  @Test
  void indexInfoListsKeyColumnsNotStoredOnes() {
    assertThat(rows(session, "SELECT * FROM MERIDIAN_CATALOG.INDEX_INFO WHERE TABLE_NAME = 'ACCT'"))
        .containsExactly(
            row(null, "PUBLIC", "ACCT", false, null, "ACCT_EMAIL", (short) 3, (short) 1, "EMAIL", "A", null,
                null, null),
            row(null, "PUBLIC", "ACCT", false, null, "PRIMARY_KEY", (short) 3, (short) 1, "REGION", "A", null,
                null, null),
            row(null, "PUBLIC", "ACCT", false, null, "PRIMARY_KEY", (short) 3, (short) 2, "ID", "D", null,
                null, null),
            row(null, "PUBLIC", "ACCT", true, null, "ACCT_AGE", (short) 3, (short) 1, "AGE", "D", null,
                null, null),
            row(null, "PUBLIC", "ACCT", true, null, "ACCT_AGE", (short) 3, (short) 2, "REGION", "A", null,
                null, null));
  }

  @Test
  void rowsFollowDdl() {
    Session other = node.engine.openSession();
    run(other, "CREATE TABLE later (k INT PRIMARY KEY)");
    run(other, "CREATE INDEX later_k ON later (k)");
    assertThat(rows(session, "SELECT COLUMN_NAME FROM MERIDIAN_CATALOG.PRIMARY_KEYS WHERE TABLE_NAME = 'LATER'"))
        .containsExactly(row("K"));
    run(other, "DROP INDEX later_k");
    assertThat(rows(session, "SELECT COUNT(*) FROM MERIDIAN_CATALOG.INDEX_INFO WHERE TABLE_NAME = 'LATER'"))
        .containsExactly(row(1L));
  }

  @Test
  void systemTablesAreReadOnly() {
    assertThatThrownBy(() -> run(session,
        "INSERT INTO MERIDIAN_CATALOG.PRIMARY_KEYS VALUES (NULL, 'PUBLIC', 'X', 'Y', 1, 'P')"))
        .isInstanceOf(SqlExecutionException.class);
  }
}
