package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.RandomSource;
import dev.meridian.sql.catalog.DroppedSpan;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.ddl.DataCleanup;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.ReadOnlyTransaction;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnClient;
import dev.meridian.txn.TxnLimits;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DROP TABLE and DROP INDEX of more data than one transaction may write: the drop commits as one
 * small catalog change, the name is free at once, and {@link DataCleanup} deletes the data
 * afterwards in chunks, resuming after a restart.
 */
class DropCleanupTest {

  /** Small enough that the table below is ten times a transaction's write buffer. */
  private static final TxnLimits LIMITS = new TxnLimits(64 << 10);

  private static final int ROWS = 3000;

  private final SqlTestNode node = new SqlTestNode(LIMITS);
  private final Session session = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  /** A table with an index, loaded {@value #ROWS} rows in transactions under the bound. */
  private Table bigTable() {
    run(session, "CREATE TABLE big (id INT PRIMARY KEY, name VARCHAR(40))");
    run(session, "CREATE INDEX big_name ON big (name)");
    for (int from = 0; from < ROWS; from += 100) {
      StringBuilder sql = new StringBuilder("INSERT INTO big VALUES ");
      for (int id = from; id < from + 100; id++) {
        sql.append(id == from ? "" : ", ").append("(").append(id).append(", 'name number ").append(id).append("')");
      }
      update(session, sql.toString());
    }
    return session.catalog(StatementGuard.NONE).table("BIG").orElseThrow();
  }

  private TxnClient otherClient(int nodeId) {
    return new TxnClient(nodeId, node.range, node.trueTime, RandomSource.seeded(nodeId), LIMITS);
  }

  private List<KeyValue> scan(TxnClient client, KeySpan span) {
    return BlockingTxn.of(client.beginReadOnly(TimestampBound.strong()), StatementGuard.NONE)
        .scan(span, Direction.FORWARD, Integer.MAX_VALUE);
  }

  @Test
  void deletingTheWholeTableInOneTransactionIsOverTheBound() {
    bigTable();
    assertThatThrownBy(() -> update(session, "DELETE FROM big"))
        .satisfies(e -> assertThat(SqlTestNode.sqlState(e)).isEqualTo("54000"));
  }

  @Test
  void dropOfATableBiggerThanTheWriteBufferCommitsAndFreesTheName() {
    Table old = bigTable();
    run(session, "CREATE VIEW big_names AS SELECT name FROM big");
    TxnClient reader = otherClient(2);
    ReadOnlyTransaction beforeDrop = reader.beginReadOnly(TimestampBound.strong());
    BlockingTxn.of(beforeDrop, StatementGuard.NONE).get(KeySpace.catalogVersion());

    run(session, "DROP TABLE big CASCADE");

    List<DroppedSpan> pending = node.engine.cleanup().pendingSpans(StatementGuard.NONE);
    assertThat(pending).singleElement().satisfies(d -> {
      assertThat(d.span()).isEqualTo(KeySpace.tableData(old.id()));
      assertThat(d.what()).isEqualTo("table BIG");
    });
    // The name is free at once, and the new table (a new id) sees none of the old rows.
    run(session, "CREATE TABLE big (id INT PRIMARY KEY, name VARCHAR(40))");
    assertThat(rows(session, "SELECT COUNT(*) FROM big")).containsExactly(List.of(0L));
    update(session, "INSERT INTO big VALUES (1, 'new')");
    assertThat(rows(session, "SELECT id, name FROM big")).containsExactly(List.of(1, "new"));
    assertThat(scan(reader, KeySpace.tableData(old.id()))).hasSize(2 * ROWS);

    assertThat(node.engine.cleanup().runPending(StatementGuard.NONE)).isEqualTo(1);

    assertThat(scan(reader, KeySpace.tableData(old.id()))).isEmpty();
    assertThat(node.engine.cleanup().pendingSpans(StatementGuard.NONE)).isEmpty();
    assertThat(node.engine.cleanup().keysDeleted()).isEqualTo(2 * ROWS);
    assertThat(node.engine.cleanup().chunks()).isGreaterThan(8);
    assertThat(rows(session, "SELECT id, name FROM big")).containsExactly(List.of(1, "new"));
    // A read at a timestamp before the drop still finds every row: the deletes are MVCC writes above it.
    assertThat(BlockingTxn.of(beforeDrop, StatementGuard.NONE)
        .scan(KeySpace.index(old.id(), Table.PRIMARY_INDEX_ID), Direction.FORWARD, Integer.MAX_VALUE))
        .hasSize(ROWS);
  }

  @Test
  void aCleanupStoppedMidwayIsFinishedByTheNextNodeToRun() {
    Table old = bigTable();
    run(session, "DROP TABLE big");
    // The node stops after a few chunks: its guard refuses to go on, as the daemon's does on close.
    AtomicInteger checks = new AtomicInteger();
    StatementGuard stopsSoon = new StatementGuard() {
      @Override
      public long remainingNanos() {
        return Long.MAX_VALUE;
      }

      @Override
      public void check() {
        if (checks.incrementAndGet() > 12) {
          throw new SqlExecutionException("57014", "stopping");
        }
      }
    };
    assertThatThrownBy(() -> node.engine.cleanup().runPending(stopsSoon))
        .satisfies(e -> assertThat(SqlTestNode.sqlState(e)).isEqualTo("57014"));
    long deletedBefore = node.engine.cleanup().keysDeleted();
    assertThat(deletedBefore).isBetween(1L, 2L * ROWS - 1);
    TxnClient restarted = otherClient(3);
    assertThat(scan(restarted, KeySpace.tableData(old.id()))).hasSize((int) (2 * ROWS - deletedBefore));
    DroppedSpan recorded = node.engine.cleanup().pendingSpans(StatementGuard.NONE).get(0);
    assertThat(recorded.keysDeleted()).isEqualTo(deletedBefore);

    // A restart: a new engine over the same store finds the record and finishes from where it stopped.
    SqlEngine afterRestart = new SqlEngine(restarted);
    assertThat(afterRestart.cleanup().pending()).isZero();
    assertThat(afterRestart.cleanup().runPending(StatementGuard.NONE)).isEqualTo(1);
    assertThat(afterRestart.cleanup().keysDeleted()).isEqualTo(2 * ROWS - deletedBefore);
    assertThat(scan(restarted, KeySpace.tableData(old.id()))).isEmpty();
    assertThat(afterRestart.cleanup().pendingSpans(StatementGuard.NONE)).isEmpty();
    assertThat(afterRestart.cleanup().pending()).isZero();
  }

  @Test
  void dropIndexDeletesOnlyTheIndexEntries() {
    Table table = bigTable();
    int indexId = table.index("BIG_NAME").orElseThrow().id();
    run(session, "DROP INDEX big_name");
    assertThat(session.catalog(StatementGuard.NONE).table("BIG").orElseThrow().index("BIG_NAME")).isEmpty();
    // The index's name is free at once (index names are unique in the database).
    run(session, "CREATE TABLE small (id INT PRIMARY KEY, name VARCHAR(40))");
    run(session, "CREATE INDEX big_name ON small (name)");
    assertThat(node.engine.cleanup().runPending(StatementGuard.NONE)).isEqualTo(1);
    TxnClient reader = otherClient(2);
    assertThat(scan(reader, KeySpace.index(table.id(), indexId))).isEmpty();
    assertThat(rows(session, "SELECT COUNT(*) FROM big")).containsExactly(List.of((long) ROWS));
    assertThat(rows(session, "SELECT id FROM big WHERE name = 'name number 7'")).containsExactly(List.of(7));
  }
}
