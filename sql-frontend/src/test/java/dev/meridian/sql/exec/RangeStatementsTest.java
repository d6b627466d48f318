package dev.meridian.sql.exec;

import static dev.meridian.sql.exec.SqlTestNode.rows;
import static dev.meridian.sql.exec.SqlTestNode.run;
import static dev.meridian.sql.exec.SqlTestNode.sqlState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.RangeAdmin;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TransactionClient;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.directory.ClusterKeySpace;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.PrimaryKeyShape;
import dev.meridian.txn.directory.ShowRanges;
import dev.meridian.txn.directory.SplitPlanner;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SHOW RANGES, ALTER TABLE … SPLIT AT and the range of a new table's own, over a node's one local
 * range and over a directory that splits ({@link SplittingDirectory}: the real {@link SplitPlanner}
 * over an in-memory list of descriptors, so the split rules and the catalog's key shapes meet).
 */
class RangeStatementsTest {

  private final SqlTestNode node = new SqlTestNode();

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void aLocalNodeShowsItsOneRangeAndRefusesSplits() {
    Session session = node.engine.openSession();
    run(session, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
    List<Object> only = List.of(1L, "/Min", "/Max", "{n1}", "{default}", "n1");
    assertThat(rows(session, "SHOW RANGES")).containsExactly(only);
    assertThat(rows(session, "SHOW RANGES FROM TABLE t")).containsExactly(only);
    assertThatThrownBy(() -> run(session, "ALTER TABLE t SPLIT AT VALUES (10)"))
        .satisfies(e -> assertThat(sqlState(e)).isEqualTo("0A000"))
        .hasMessageContaining("one local range");
  }

  @Test
  void eachNewTableGetsARangeOfItsOwnAndSplitPointsAreShownAsKeyValues() {
    SplittingDirectory directory = new SplittingDirectory();
    Session session = new SqlEngine(directory.over(node.engine.client())).openSession();
    run(session, "CREATE TABLE t (a INT, b VARCHAR(10), c INT, PRIMARY KEY (a, b))");
    run(session, "CREATE TABLE u (d DATE PRIMARY KEY)");

    assertThat(rows(session, "SHOW RANGES FROM TABLE t")).extracting(r -> r.subList(1, 3))
        .containsExactly(List.of("/T", "/U"));
    run(session, "ALTER TABLE t SPLIT AT VALUES (10), (20, 'x')");
    // Parameters are Calcite runtime values: a DATE is its day number.
    run(session, "ALTER TABLE u SPLIT AT VALUES (?)", (int) java.time.LocalDate.of(2024, 1, 1).toEpochDay());
    List<List<Object>> expected = List.of(List.of("/T", "/T/(10)"), List.of("/T/(10)", "/T/(20, 'x')"),
        List.of("/T/(20, 'x')", "/U"));
    assertThat(rows(session, "SHOW RANGES FROM TABLE t")).extracting(r -> r.subList(1, 3))
        .containsExactlyElementsOf(expected);
    assertThat(rows(session, "SHOW RANGES FROM TABLE u")).extracting(r -> r.get(1))
        .containsExactly("/U", "/U/(DATE '2024-01-01')");

    // Again: every point already starts a range, so nothing changes and nothing fails.
    run(session, "ALTER TABLE t SPLIT AT VALUES (10), (20, 'x')");
    assertThat(rows(session, "SHOW RANGES FROM TABLE t")).extracting(r -> r.subList(1, 3))
        .containsExactlyElementsOf(expected);

    List<List<Object>> all = rows(session, "SHOW RANGES");
    assertThat(all).extracting(r -> r.get(1)).startsWith("/Min", "/System", "/Table", "/T");
    assertThat(all.get(all.size() - 1).get(2)).isEqualTo("/Max");
    assertThat(all.get(0)).containsExactly(1L, "/Min", "/System", "{n1, n2, n3 (non-voter)}",
        "{us-east, us-west, eu-west}", "n2");
  }

  @Test
  void splitPointsAreCheckedAgainstTheKey() {
    SplittingDirectory directory = new SplittingDirectory();
    Session session = new SqlEngine(directory.over(node.engine.client())).openSession();
    run(session, "CREATE TABLE t (a INT, b VARCHAR(10), PRIMARY KEY (a, b))");

    assertState(session, "ALTER TABLE t SPLIT AT VALUES (1, 'x', 3)", "42601");
    assertState(session, "ALTER TABLE t SPLIT AT VALUES (NULL)", "22004");
    assertState(session, "ALTER TABLE t SPLIT AT VALUES ('one')", "22018");
    assertState(session, "ALTER TABLE nope SPLIT AT VALUES (1)", "42P01");
    assertState(session, "SHOW RANGES FROM TABLE nope", "42P01");
    session.setAutoCommit(false, StatementGuard.NONE);
    run(session, "SELECT * FROM t");
    assertState(session, "ALTER TABLE t SPLIT AT VALUES (1)", "25001");
    session.rollback();
    session.setAutoCommit(true, StatementGuard.NONE);
    assertThat(directory.descriptors).hasSize(5); // bootstrap's three, t's own and the one after it
  }

  private static void assertState(Session session, String sql, String sqlState) {
    assertThatThrownBy(() -> run(session, sql)).satisfies(e -> assertThat(sqlState(e)).isEqualTo(sqlState));
  }

  /**
   * A directory in memory: the bootstrap layout on three replicas (the third a read replica, node 2
   * leading every range), split by the real planner. Not thread-safe beyond what one session does.
   */
  private static final class SplittingDirectory implements RangeAdmin {

    final List<RangeDescriptor> descriptors = new ArrayList<>(ClusterKeySpace.bootstrap(List.of(
        new ReplicaDescriptor(new NodeId(1), "us-east", ReplicaRole.VOTER),
        new ReplicaDescriptor(new NodeId(2), "us-west", ReplicaRole.VOTER),
        new ReplicaDescriptor(new NodeId(3), "eu-west", ReplicaRole.NON_VOTER))));
    private long nextRangeId = ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID;

    /** {@code client}'s transactions with this directory's ranges. */
    TransactionClient over(TransactionClient client) {
      RangeAdmin admin = this;
      return new TransactionClient() {
        @Override
        public int nodeId() {
          return client.nodeId();
        }

        @Override
        public TxnLimits limits() {
          return client.limits();
        }

        @Override
        public ReadWriteTxn beginReadWrite() {
          return client.beginReadWrite();
        }

        @Override
        public ReadOnlyTxn beginReadOnly(TimestampBound bound) {
          return client.beginReadOnly(bound);
        }

        @Override
        public RangeAdmin rangeAdmin() {
          return admin;
        }
      };
    }

    @Override
    public CompletableFuture<List<ShowRanges.RangeRow>> ranges(KeySpan span) {
      return CompletableFuture.completedFuture(ShowRanges.rows(descriptors, id -> new NodeId(2), span));
    }

    @Override
    public CompletableFuture<Void> split(Key splitKey, PrimaryKeyShape shape) {
      try {
        SplitPlanner.SplitPlan plan = new SplitPlanner(DirectoryLimits.defaults(), shape)
            .plan(descriptors, splitKey, new RangeId(nextRangeId));
        nextRangeId++;
        descriptors.remove(plan.original());
        descriptors.add(plan.left());
        descriptors.add(plan.right());
        return CompletableFuture.completedFuture(null);
      } catch (RuntimeException refused) {
        return CompletableFuture.failedFuture(refused);
      }
    }
  }
}
