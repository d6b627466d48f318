package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.sqlState;
import static dev.meridian.sql.exec.SqlTestNode.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.RandomSource;
import dev.meridian.sql.catalog.DescriptorCodec.SequenceValue;
import dev.meridian.sql.catalog.Sequence;
import dev.meridian.txn.TxnClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CREATE/DROP SEQUENCE, NEXT VALUE FOR / nextval, and cached blocks shared by several nodes. */
class SequencesTest {

  private final SqlTestNode node = new SqlTestNode();
  private final Session session = node.engine.openSession();

  @AfterEach
  void close() {
    node.close();
  }

  private static long next(Session session, String expression) {
    return ((Number) rows(session, "SELECT " + expression).get(0).get(0)).longValue();
  }

  @Test
  void nextValueForAndNextvalCountFromStartByIncrement() {
    run(session, "CREATE SEQUENCE s START WITH 10 INCREMENT BY 5");
    assertThat(next(session, "NEXT VALUE FOR s")).isEqualTo(10);
    assertThat(next(session, "nextval('s')")).isEqualTo(15);
    assertThat(next(session, "nextval('\"S\"')")).isEqualTo(20);
    assertThat(next(session, "NEXT VALUE FOR PUBLIC.s")).isEqualTo(25);
    run(session, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR)");
    update(session, "INSERT INTO t VALUES (NEXT VALUE FOR s, 'a'), (NEXT VALUE FOR s, 'b')");
    assertThat(rows(session, "SELECT id FROM t ORDER BY id")).containsExactly(List.of(30L), List.of(35L));
  }

  @Test
  void aColumnDefaultCanDrawFromASequence() {
    run(session, "CREATE SEQUENCE ids");
    run(session, "CREATE TABLE t (id BIGINT DEFAULT NEXT VALUE FOR ids PRIMARY KEY, v VARCHAR)");
    update(session, "INSERT INTO t (v) VALUES ('a')");
    update(session, "INSERT INTO t (v) VALUES ('b')");
    assertThat(rows(session, "SELECT id, v FROM t ORDER BY id")).containsExactly(List.of(1L, "a"), List.of(2L, "b"));
  }

  @Test
  void boundsAreKeptAndAnExhaustedSequenceFailsWith2200H() {
    run(session, "CREATE SEQUENCE up MAXVALUE 3 CACHE 2");
    assertThat(List.of(next(session, "nextval('up')"), next(session, "nextval('up')"), next(session, "nextval('up')")))
        .containsExactly(1L, 2L, 3L);
    assertThatThrownBy(() -> next(session, "nextval('up')")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("2200H"))
        .hasMessageContaining("maximum value 3");
    run(session, "CREATE SEQUENCE down INCREMENT BY -2 MINVALUE -5 START WITH -1");
    assertThat(List.of(next(session, "nextval('down')"), next(session, "nextval('down')"), next(session, "nextval('down')")))
        .containsExactly(-1L, -3L, -5L);
    assertThatThrownBy(() -> next(session, "nextval('down')")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("2200H"));
  }

  @Test
  void inconsistentOptionsAreRefusedAsPostgresqlDoes() {
    assertThatThrownBy(() -> run(session, "CREATE SEQUENCE s INCREMENT BY 0")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("22023"));
    assertThatThrownBy(() -> run(session, "CREATE SEQUENCE s START WITH 0")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("22023"))
        .hasMessageContaining("cannot be less than MINVALUE");
    assertThatThrownBy(() -> run(session, "CREATE SEQUENCE s MINVALUE 5 MAXVALUE 5")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("22023"));
    assertThatThrownBy(() -> run(session, "CREATE SEQUENCE s CACHE 0")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("22023"));
    assertThatThrownBy(() -> run(session, "CREATE SEQUENCE s CYCLE")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("0A000"));
    assertThatThrownBy(() -> run(session, "CREATE SEQUENCE s START 1 START 2")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("42601"));
  }

  @Test
  void createIfNotExistsDropAndUnknownSequences() {
    run(session, "CREATE SEQUENCE s");
    run(session, "CREATE SEQUENCE IF NOT EXISTS s START WITH 50");
    assertThatThrownBy(() -> run(session, "CREATE SEQUENCE s")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("42P07"));
    assertThatThrownBy(() -> run(session, "CREATE TABLE s (id INT PRIMARY KEY)")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("42P07"));
    assertThat(next(session, "nextval('s')")).isEqualTo(1);
    run(session, "DROP SEQUENCE s");
    assertThatThrownBy(() -> next(session, "nextval('s')")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("42P01"));
    assertThatThrownBy(() -> run(session, "DROP SEQUENCE s")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("42P01"));
    run(session, "DROP SEQUENCE IF EXISTS s");
    // A sequence re-created under the name starts afresh: its value is its own, not the old one's.
    run(session, "CREATE SEQUENCE s START WITH 7");
    assertThat(next(session, "NEXT VALUE FOR s")).isEqualTo(7);
    assertThatThrownBy(() -> next(session, "NEXT VALUE FOR nope")).satisfies(e -> assertThat(sqlState(e)).isEqualTo("42P01"));
  }

  @Test
  void aValueDrawnByARolledBackTransactionIsNotGivenAgain() {
    run(session, "CREATE SEQUENCE s CACHE 1");
    run(session, "CREATE TABLE t (id BIGINT PRIMARY KEY)");
    session.setAutoCommit(false, StatementGuard.NONE);
    update(session, "INSERT INTO t VALUES (NEXT VALUE FOR s)");
    session.rollback();
    session.setAutoCommit(true, StatementGuard.NONE);
    update(session, "INSERT INTO t VALUES (NEXT VALUE FOR s)");
    assertThat(rows(session, "SELECT id FROM t")).containsExactly(List.of(2L));
  }

  @Test
  void aNodeReservesOneBlockPerCacheValues() {
    run(session, "CREATE SEQUENCE s CACHE 10");
    long before = node.engine.sequences().reservations();
    for (int i = 0; i < 25; i++) {
      next(session, "nextval('s')");
    }
    assertThat(node.engine.sequences().reservations() - before).isEqualTo(3);
  }

  /**
   * Two engines over one store stand for two nodes of a cluster (their own caches, their own
   * transaction clients, neither with node id 1): drawing concurrently from one sequence, they
   * never hand out the same value, and each value comes from a block only one of them reserved.
   */
  @Test
  void twoNodesDrawingFromOneSequenceNeverGetTheSameValue() throws Exception {
    SqlEngine nodeA = new SqlEngine(new TxnClient(7, node.range, node.trueTime, RandomSource.seeded(7)));
    SqlEngine nodeB = new SqlEngine(new TxnClient(9, node.range, node.trueTime, RandomSource.seeded(9)));
    run(session, "CREATE SEQUENCE shared CACHE 8");
    int perThread = 150;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Long>>> draws = new ArrayList<>();
      for (SqlEngine engine : List.of(nodeA, nodeB, nodeA, nodeB)) {
        draws.add(pool.submit(() -> {
          Session s = engine.openSession();
          List<Long> values = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            values.add(next(s, "NEXT VALUE FOR shared"));
          }
          return values;
        }));
      }
      Set<Long> seen = new HashSet<>();
      int total = 0;
      for (Future<List<Long>> draw : draws) {
        for (long value : draw.get(60, TimeUnit.SECONDS)) {
          assertThat(seen.add(value)).as("value %s handed out twice", value).isTrue();
          total++;
        }
      }
      assertThat(total).isEqualTo(4 * perThread);
      assertThat(nodeA.sequences().reservations()).isPositive();
      assertThat(nodeB.sequences().reservations()).isPositive();
      // Each reservation is one block of 8; together they cover every value handed out.
      assertThat((nodeA.sequences().reservations() + nodeB.sequences().reservations()) * 8).isGreaterThanOrEqualTo(total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void blocksStopAtTheBoundEvenNearTheEndsOfBigint() {
    Sequence top = new Sequence(1, "S", Long.MAX_VALUE - 5, 2, Long.MIN_VALUE, Long.MAX_VALUE, 100, null);
    SequenceBlock block = SequenceBlock.reserve(top, Long.MAX_VALUE - 5);
    assertThat(block.count()).isEqualTo(3);
    assertThat(block.first()).isEqualTo(Long.MAX_VALUE - 5);
    assertThat(block.following()).isEqualTo(new SequenceValue(true, Long.MAX_VALUE - 1));

    Sequence huge = new Sequence(2, "H", -1, Long.MIN_VALUE, Long.MIN_VALUE, -1, 100, null);
    SequenceBlock one = SequenceBlock.reserve(huge, -1);
    assertThat(one.count()).isEqualTo(1);
    assertThat(one.following().exhausted()).isTrue();

    Sequence plain = new Sequence(3, "P", 1, 1, 1, 1000, 10, null);
    SequenceBlock ten = SequenceBlock.reserve(plain, 991);
    assertThat(ten.count()).isEqualTo(10);
    assertThat(ten.following().exhausted()).isTrue();
    SequenceBlock nine = SequenceBlock.reserve(plain, 981);
    assertThat(nine.count()).isEqualTo(10);
    assertThat(nine.following()).isEqualTo(new SequenceValue(false, 991));
  }
}
