package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meridian.txn.TxnLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Session#executeBatch}: one transaction in autocommit, statement by statement otherwise. */
class SessionBatchTest {

  private static final String INSERT = "INSERT INTO t VALUES (?, ?)";

  private SqlTestNode node;
  private Session session;

  @BeforeEach
  void schema() {
    node = new SqlTestNode();
    session = node.engine.openSession();
    run(session, "CREATE TABLE t (pk INTEGER PRIMARY KEY, s VARCHAR(10))");
  }

  @AfterEach
  void close() {
    node.close();
  }

  private static List<Session.BatchStatement> inserts(int from, int to) {
    List<Session.BatchStatement> batch = new ArrayList<>();
    for (int i = from; i < to; i++) {
      batch.add(new Session.BatchStatement(INSERT, List.of(i, "v" + i)));
    }
    return batch;
  }

  private long count() {
    return ((Number) rows(session, "SELECT COUNT(*) FROM t").get(0).get(0)).longValue();
  }

  @Test
  void aBatchReturnsOneCountAStatement() {
    long[] counts = session.executeBatch(inserts(0, 1_000), StatementGuard.NONE);
    assertThat(counts).hasSize(1_000).containsOnly(1L);
    assertThat(count()).isEqualTo(1_000);
    assertThat(rows(session, "SELECT s FROM t WHERE pk = 777")).containsExactly(List.of("v777"));
  }

  @Test
  void inAutocommitAFailingStatementLeavesNoneOfTheBatch() {
    List<Session.BatchStatement> batch = inserts(0, 1_000);
    batch.set(500, new Session.BatchStatement(INSERT, List.of(17, "again")));
    BatchException failure = catchThrowableOfType(BatchException.class,
        () -> session.executeBatch(batch, StatementGuard.NONE));
    assertThat(failure.failedIndex()).isEqualTo(500);
    assertThat(failure.sqlState()).isEqualTo("23505");
    assertThat(failure.tookEffect()).isFalse();
    assertThat(failure).hasMessageStartingWith("statement 501 of the batch of 1000 failed: duplicate key")
        .hasMessageContaining("none of the batch took effect");
    assertThat(count()).isZero();
    assertThat(session.inTransaction()).isFalse();
  }

  @Test
  void inATransactionTheStatementsBeforeTheFailureStay() {
    session.setAutoCommit(false, StatementGuard.NONE);
    List<Session.BatchStatement> batch = inserts(0, 10);
    batch.set(4, new Session.BatchStatement(INSERT, List.of(40, "far too long")));
    BatchException failure = catchThrowableOfType(BatchException.class,
        () -> session.executeBatch(batch, StatementGuard.NONE));
    assertThat(failure.failedIndex()).isEqualTo(4);
    assertThat(failure.sqlState()).isEqualTo("22001");
    assertThat(failure.tookEffect()).isTrue();
    session.commit(StatementGuard.NONE);
    assertThat(rows(session, "SELECT pk FROM t ORDER BY pk"))
        .containsExactly(List.of(0), List.of(1), List.of(2), List.of(3));
  }

  @Test
  void statementsOfABatchMayDiffer() {
    long[] counts = session.executeBatch(List.of(
        new Session.BatchStatement("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')", List.of()),
        new Session.BatchStatement("UPDATE t SET s = 'z' WHERE pk >= ?", List.of(2)),
        new Session.BatchStatement("DELETE FROM t WHERE pk = 1;", List.of())), StatementGuard.NONE);
    assertThat(counts).containsExactly(3, 2, 1);
    assertThat(rows(session, "SELECT pk, s FROM t ORDER BY pk")).containsExactly(List.of(2, "z"), List.of(3, "z"));
  }

  @Test
  void aBatchPastTheWriteBufferBoundFailsWith54000AndLeavesNothing() {
    try (SqlTestNode small = new SqlTestNode(new TxnLimits(64 * 1024))) {
      Session limited = small.engine.openSession();
      run(limited, "CREATE TABLE t (pk INTEGER PRIMARY KEY, s VARCHAR(10))");
      // About 90 bytes a row: 2,000 rows are about three times the bound.
      BatchException failure = catchThrowableOfType(BatchException.class,
          () -> limited.executeBatch(inserts(0, 2_000), StatementGuard.NONE));
      assertThat(failure.sqlState()).isEqualTo("54000");
      assertThat(failure.failure()).hasMessageContaining("buffered more than 65536 bytes of writes");
      assertThat(((Number) rows(limited, "SELECT COUNT(*) FROM t").get(0).get(0)).longValue()).isZero();
      assertThat(limited.executeBatch(inserts(0, 100), StatementGuard.NONE)).hasSize(100);
    }
  }

  @Test
  void aQueryInABatchIsRefused() {
    BatchException failure = catchThrowableOfType(BatchException.class, () -> session.executeBatch(List.of(
        new Session.BatchStatement("INSERT INTO t VALUES (1, 'a')", List.of()),
        new Session.BatchStatement("SELECT * FROM t", List.of())), StatementGuard.NONE));
    assertThat(failure.failedIndex()).isEqualTo(1);
    assertThat(failure.sqlState()).isEqualTo("0A000");
    assertThat(count()).isZero();
  }

  /**
   * Keys of a batch's INSERTs are checked against stored rows in one read at the end, yet the
   * failure reported is still the first in statement order: a stored key at statement 3 comes
   * before a too-long value at statement 6, and a too-long value before a later stored key.
   */
  @Test
  void aKeyTakenByAStoredRowIsTheFirstFailureWhenItComesFirst() {
    session.executeBatch(inserts(100, 110), StatementGuard.NONE);
    List<Session.BatchStatement> batch = inserts(0, 10);
    batch.set(3, new Session.BatchStatement(INSERT, List.of(105, "stored")));
    batch.set(6, new Session.BatchStatement(INSERT, List.of(6, "far too long")));
    BatchException failure = catchThrowableOfType(BatchException.class,
        () -> session.executeBatch(batch, StatementGuard.NONE));
    assertThat(failure.failedIndex()).isEqualTo(3);
    assertThat(failure.sqlState()).isEqualTo("23505");
    assertThat(failure.failure()).hasMessageContaining("PK=105");

    batch.set(3, new Session.BatchStatement(INSERT, List.of(3, "v3")));
    batch.set(8, new Session.BatchStatement(INSERT, List.of(107, "stored")));
    failure = catchThrowableOfType(BatchException.class, () -> session.executeBatch(batch, StatementGuard.NONE));
    assertThat(failure.failedIndex()).isEqualTo(6);
    assertThat(failure.sqlState()).isEqualTo("22001");

    batch.set(6, new Session.BatchStatement(INSERT, List.of(6, "v6")));
    failure = catchThrowableOfType(BatchException.class, () -> session.executeBatch(batch, StatementGuard.NONE));
    assertThat(failure.failedIndex()).isEqualTo(8);
    assertThat(failure.sqlState()).isEqualTo("23505");
    assertThat(count()).isEqualTo(10);

    batch.set(8, new Session.BatchStatement(INSERT, List.of(8, "v8")));
    assertThat(session.executeBatch(batch, StatementGuard.NONE)).hasSize(10);
    assertThat(count()).isEqualTo(20);
  }

  @Test
  void aMultiRowInsertReportsAStoredKeyBeforeALaterBadRow() {
    session.executeBatch(inserts(5, 6), StatementGuard.NONE);
    assertThat(catchThrowableOfType(SqlExecutionException.class, () -> run(session,
        "INSERT INTO t VALUES (1, 'a'), (5, 'b'), (7, 'far too long')")).sqlState()).isEqualTo("23505");
    assertThat(catchThrowableOfType(SqlExecutionException.class, () -> run(session,
        "INSERT INTO t VALUES (1, 'a'), (7, 'far too long'), (5, 'b')")).sqlState()).isEqualTo("22001");
    assertThat(count()).isEqualTo(1);
  }
}
