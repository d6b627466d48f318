package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.sqlState;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SELECT … FOR UPDATE under OCC, DROP TABLE … CASCADE | RESTRICT, and LIKE … ESCAPE. */
class ForUpdateDropCascadeLikeTest {

  private final SqlTestNode node = new SqlTestNode();
  private final Session alice = node.engine.openSession();
  private final Session bob = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  private void accounts() {
    run(alice, "CREATE TABLE acct (id INT PRIMARY KEY, balance INT)");
    update(alice, "INSERT INTO acct VALUES (1, 100), (2, 200)");
    alice.setAutoCommit(false, StatementGuard.NONE);
    bob.setAutoCommit(false, StatementGuard.NONE);
  }

  @Test
  void twoPlainReadersOfARowBothCommit() {
    accounts();
    assertThat(rows(alice, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(100));
    assertThat(rows(bob, "SELECT balance FROM acct WHERE id = 1")).containsExactly(List.of(100));
    alice.commit(StatementGuard.NONE);
    bob.commit(StatementGuard.NONE);
  }

  @Test
  void twoForUpdateReadersOfARowCannotBothCommit() {
    accounts();
    assertThat(rows(alice, "SELECT balance FROM acct WHERE id = 1 FOR UPDATE")).containsExactly(List.of(100));
    assertThat(rows(bob, "SELECT balance FROM acct WHERE id = ? FOR UPDATE", 1)).containsExactly(List.of(100));
    alice.commit(StatementGuard.NONE);
    assertThatThrownBy(() -> bob.commit(StatementGuard.NONE)).satisfies(e -> assertThat(sqlState(e)).isEqualTo("40001"));
    // The rows were written back unchanged.
    assertThat(rows(bob, "SELECT id, balance FROM acct ORDER BY id")).containsExactly(List.of(1, 100), List.of(2, 200));
  }

  @Test
  void forUpdateOfOneRowDoesNotConflictWithAnother() {
    accounts();
    rows(alice, "SELECT balance FROM acct WHERE id = 1 FOR UPDATE");
    rows(bob, "SELECT balance FROM acct WHERE id = 2 FOR UPDATE");
    alice.commit(StatementGuard.NONE);
    bob.commit(StatementGuard.NONE);
  }

  @Test
  void aWriterThatCommitsFirstFailsTheForUpdateReader() {
    accounts();
    rows(alice, "SELECT balance FROM acct WHERE id = 1 FOR UPDATE");
    update(bob, "UPDATE acct SET balance = 0 WHERE id = 1");
    bob.commit(StatementGuard.NONE);
    assertThatThrownBy(() -> alice.commit(StatementGuard.NONE)).satisfies(e -> assertThat(sqlState(e)).isEqualTo("40001"));
  }

  @Test
  void forUpdateInAutocommitIsAPlainQueryAndReadOnlyRefusesIt() {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY)");
    update(alice, "INSERT INTO t VALUES (1)");
    assertThat(rows(alice, "SELECT id FROM t FOR UPDATE")).containsExactly(List.of(1));
    bob.setReadOnly(true);
    assertThatThrownBy(() -> rows(bob, "SELECT id FROM t FOR UPDATE")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("25006"));
  }

  @Test
  void dropTableRestrictRefusesWhileAViewDependsOnItAndCascadeDropsTheViews() {
    run(alice, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)");
    run(alice, "CREATE TABLE other (id INT PRIMARY KEY)");
    run(alice, "CREATE VIEW vt AS SELECT id FROM t");
    run(alice, "CREATE VIEW vvt AS SELECT id FROM vt");
    run(alice, "CREATE VIEW vo AS SELECT id FROM other");
    assertThatThrownBy(() -> run(alice, "DROP TABLE t")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("2BP01"))
        .hasMessageContaining("VT").hasMessageContaining("VVT").hasMessageContaining("CASCADE");
    assertThatThrownBy(() -> run(alice, "DROP TABLE t RESTRICT")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("2BP01"));
    run(alice, "DROP TABLE t CASCADE");
    assertThat(rows(alice, "SHOW TABLES")).containsExactly(List.of("OTHER", "TABLE"), List.of("VO", "VIEW"));
    run(alice, "DROP TABLE IF EXISTS t CASCADE");
    run(alice, "DROP VIEW vo");
    run(alice, "DROP TABLE other RESTRICT");
  }

  @Test
  void likeWithAnEmptyEscapeHasNoEscapeCharacter() {
    run(alice, "CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR)");
    update(alice, "INSERT INTO s VALUES (1, 'a%b'), (2, 'axb'), (3, 'a!b')");
    assertThat(rows(alice, "SELECT id FROM s WHERE v LIKE 'a%b' ESCAPE '' ORDER BY id"))
        .containsExactly(List.of(1), List.of(2), List.of(3));
    assertThat(rows(alice, "SELECT id FROM s WHERE v NOT LIKE 'a_b' ESCAPE '' ORDER BY id")).isEmpty();
    assertThat(rows(alice, "SELECT id FROM s WHERE v LIKE 'a!%b' ESCAPE '!'")).containsExactly(List.of(1));
    assertThat(rows(alice, "SELECT id FROM s WHERE v LIKE ? ESCAPE ? ORDER BY id", "a%b", ""))
        .containsExactly(List.of(1), List.of(2), List.of(3));
    assertThat(rows(alice, "SELECT id FROM s WHERE v LIKE ? ESCAPE ?", "a#%b", "#")).containsExactly(List.of(1));
    assertThat(rows(alice, "SELECT id FROM s WHERE v NOT LIKE ? ESCAPE ? ORDER BY id", "a#%b", "#"))
        .containsExactly(List.of(2), List.of(3));
  }

  @Test
  void anEscapeOfMoreThanOneCharacterIs22025() {
    run(alice, "CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR)");
    update(alice, "INSERT INTO s VALUES (1, 'a')");
    assertThatThrownBy(() -> rows(alice, "SELECT id FROM s WHERE v LIKE 'a' ESCAPE 'ab'"))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("22025"));
    assertThatThrownBy(() -> rows(alice, "SELECT id FROM s WHERE v LIKE ? ESCAPE ?", "a", "ab"))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("22025"));
    assertThatThrownBy(() -> rows(alice, "SELECT id FROM s WHERE v LIKE ? ESCAPE ?", "a#", "#"))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("22025"));
  }
}
