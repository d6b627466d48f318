package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SqlTransactionsTest {

  private final SqlTestNode node = newNode();

  /** The node the tests run on: the local range here, the gateway's cluster in {@code GatewaySqlTransactionsTest}. */
  SqlTestNode newNode() {
    return new SqlTestNode();
  }
  private final Session alice = node.engine.openSession();
  private final Session bob = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  private static String state(Throwable e) {
    return ((SqlExecutionException) e).sqlState();
  }

  @Test
  void aConflictBetweenTwoTransactionsFailsTheLaterCommitWith40001() {
    run(alice, "CREATE TABLE acct (id INT PRIMARY KEY, balance INT)");
    update(alice, "INSERT INTO acct VALUES (1, 100)");
    alice.setAutoCommit(false, StatementGuard.NONE);
    bob.setAutoCommit(false, StatementGuard.NONE);
    assertThat(rows(alice, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(100));
    assertThat(rows(bob, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(100));
    update(alice, "UPDATE acct SET balance = balance - 30 WHERE id = 1");
    update(bob, "UPDATE acct SET balance = balance - 50 WHERE id = 1");
    alice.commit(StatementGuard.NONE);
    assertThatThrownBy(() -> bob.commit(StatementGuard.NONE))
        .satisfies(e -> assertThat(state(e)).isEqualTo("40001"))
        .hasMessageContaining("retry")
        // In SQL terms, not key bytes.
        .hasMessageContaining("row (ID)=(1) of table ACCT was written by a transaction that committed at");
    assertThat(bob.inTransaction()).isFalse();
    assertThat(rows(bob, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(70));
  }

  @Test
  void aConflictOnAScannedIndexEntryNamesTheIndexAndItsValues() {
    run(alice, "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(40), born DATE)");
    run(alice, "CREATE INDEX users_by_email ON users (email)");
    update(alice, "INSERT INTO users VALUES (1, 'o''neil@x', DATE '1990-02-03')");
    alice.setAutoCommit(false, StatementGuard.NONE);
    bob.setAutoCommit(false, StatementGuard.NONE);
    assertThat(rows(bob, "SELECT id FROM users WHERE email >= 'o'")).containsExactly(List.of(1));
    update(bob, "INSERT INTO users VALUES (2, 'zed@x', NULL)");
    update(alice, "UPDATE users SET email = 'p@x' WHERE id = 1");
    alice.commit(StatementGuard.NONE);
    assertThatThrownBy(() -> bob.commit(StatementGuard.NONE))
        .satisfies(e -> assertThat(state(e)).isEqualTo("40001"))
        .hasMessageMatching("(?s).*(entry \\(EMAIL\\)=\\('(o''neil|p)@x'\\) of index USERS_BY_EMAIL on table USERS"
            + "|row \\(ID\\)=\\(1\\) of table USERS).*");
  }

  @Test
  void readOnlySessionsRefuseWritesAndStaleSessionsReadThePast() throws Exception {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY)");
    update(alice, "INSERT INTO t VALUES (1)");
    bob.setReadOnly(true);
    assertThatThrownBy(() -> update(bob, "INSERT INTO t VALUES (2)")).satisfies(e -> assertThat(state(e)).isEqualTo("25006"));
    assertThat(rows(bob, "SELECT COUNT(*) FROM t")).containsExactly(List.of(1L));
    run(bob, "SET READ_STALENESS = '1h'");
    // An hour ago the table did not exist.
    assertThatThrownBy(() -> rows(bob, "SELECT COUNT(*) FROM t")).satisfies(e -> assertThat(state(e)).isEqualTo("42P01"));
    run(bob, "SET READ_STALENESS = 'strong'");
    assertThat(rows(bob, "SELECT COUNT(*) FROM t")).containsExactly(List.of(1L));
    assertThatThrownBy(() -> run(bob, "SET READ_STALENESS = 'yesterday'")).satisfies(e -> assertThat(state(e)).isEqualTo("22023"));
    // The same grammar as the JDBC driver's readStaleness check: nine digits at most, then a unit.
    run(bob, "SET READ_STALENESS = '5 M'");
    assertThatThrownBy(() -> run(bob, "SET READ_STALENESS = '99999999999999999999s'"))
        .satisfies(e -> assertThat(state(e)).isEqualTo("22023"));
  }

  @Test
  void ddlIsRefusedInsideAnExplicitTransaction() {
    alice.setAutoCommit(false, StatementGuard.NONE);
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY)");
    update(alice, "INSERT INTO t VALUES (1)");
    assertThatThrownBy(() -> run(alice, "CREATE TABLE u (id INT PRIMARY KEY)"))
        .satisfies(e -> assertThat(state(e)).isEqualTo("25001"));
    alice.commit(StatementGuard.NONE);
  }

  @Test
  void addedColumnsTakeTheirDefaultInExistingRows() {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY)");
    update(alice, "INSERT INTO t VALUES (1), (2)");
    run(alice, "ALTER TABLE t ADD COLUMN status VARCHAR(10) DEFAULT 'new'");
    run(alice, "ALTER TABLE t ADD COLUMN note VARCHAR(10)");
    update(alice, "INSERT INTO t (id) VALUES (3)");
    assertThat(rows(alice, "SELECT id, status, note FROM t ORDER BY id")).containsExactly(
        Arrays.asList(1, "new", null), Arrays.asList(2, "new", null), Arrays.asList(3, "new", null));
    assertThatThrownBy(() -> run(alice, "ALTER TABLE t ADD COLUMN must INT NOT NULL"))
        .satisfies(e -> assertThat(state(e)).isEqualTo("23502"));
  }

  @Test
  void everyTypeRoundTripsAndSortsByValue() {
    run(alice, "CREATE TABLE v (k BIGINT PRIMARY KEY, b BOOLEAN, s SMALLINT, r REAL, d DOUBLE, "
        + "n DECIMAL(12, 3), t VARCHAR(10), x VARBINARY(4), dt DATE, ts TIMESTAMP)");
    update(alice, "INSERT INTO v VALUES (-5, TRUE, 7, 1.5, -2.25, 12.345, 'héllo', X'00ff', "
        + "DATE '1969-12-31', TIMESTAMP '2024-02-29 12:34:56.789')");
    update(alice, "INSERT INTO v (k) VALUES (9223372036854775807)");
    assertThat(rows(alice, "SELECT * FROM v ORDER BY k")).containsExactly(
        Arrays.asList(-5L, true, (short) 7, 1.5f, -2.25, new BigDecimal("12.345"), "héllo",
            new ByteString(new byte[] {0, (byte) 0xff}), -1, 1709210096789L),
        Arrays.asList(Long.MAX_VALUE, null, null, null, null, null, null, null, null, null));
    run(alice, "CREATE INDEX v_n ON v (n DESC)");
    assertThat(rows(alice, "SELECT k FROM v WHERE n > 12 ORDER BY n DESC")).containsExactly(List.of(-5L));
  }

  @Test
  void descendingKeysAndNullsOrderAsDeclared() {
    run(alice, "CREATE TABLE d (k INT, v INT, PRIMARY KEY (k DESC))");
    update(alice, "INSERT INTO d VALUES (1, NULL), (3, 30), (2, 20)");
    assertThat(rows(alice, "SELECT k FROM d")).containsExactly(List.of(3), List.of(2), List.of(1));
    assertThat(rows(alice, "SELECT k FROM d WHERE k >= 2 ORDER BY k")).containsExactly(List.of(2), List.of(3));
    assertThat(rows(alice, "SELECT v FROM d ORDER BY v")).containsExactly(
        Arrays.asList((Object) null), List.of(20), List.of(30));
  }
}
