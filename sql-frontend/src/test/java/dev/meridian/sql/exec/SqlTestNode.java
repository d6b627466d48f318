package dev.meridian.sql.exec;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.SystemPhysicalClock;
import dev.meridian.storage.Key;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.txn.TxnClient;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.gateway.ClusterHarness;
import dev.meridian.txn.range.RangeLeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A node with an in-memory engine on a real loop and clock, and helpers to run SQL in a session. */
final class SqlTestNode implements AutoCloseable {

  final EventLoop loop = new EventLoop("sql-test-loop");
  final SqlEngine engine;
  /** The store and clock, for tests that put a second engine (a second node) over them. */
  final LocalTrueTime trueTime;
  /** The local range; null on the gateway ({@link #onGateway}). */
  final RangeLeader range;
  /** The in-process cluster behind the gateway ({@link #onGateway}); null on the local range. */
  final ClusterHarness cluster;

  SqlTestNode() {
    this(TxnLimits.defaults());
  }

  SqlTestNode(TxnLimits limits) {
    trueTime = new LocalTrueTime(SystemPhysicalClock.INSTANCE, LocalTrueTime.Config.defaults());
    range = new RangeLeader(new InMemoryMvccEngine(), trueTime, loop);
    engine = new SqlEngine(new TxnClient(1, range, trueTime, RandomSource.seeded(1), limits));
    cluster = null;
  }

  private SqlTestNode(boolean gateway) {
    trueTime = new LocalTrueTime(SystemPhysicalClock.INSTANCE, LocalTrueTime.Config.defaults());
    range = null;
    cluster = ClusterHarness.onLoop(loop, trueTime, CLUSTER_BOUNDARIES);
    engine = new SqlEngine(cluster.client());
  }

  /**
   * A node whose SQL runs on the gateway's transaction client over an in-process cluster
   * (txn-layer's {@code ClusterHarness}) laid out as a new cluster is: the meta range, the system
   * range (catalog, sequences) from 0x01 and the tables range from 0x10, so a statement that reads
   * the catalog and writes rows commits by 2PC. {@link #range} is null.
   */
  static SqlTestNode onGateway() {
    return new SqlTestNode(true);
  }

  private static final List<Key> CLUSTER_BOUNDARIES = List.of(Key.of(new byte[] {0x01}), Key.of(new byte[] {0x10}));

  static StatementResult run(Session session, String sql, Object... parameters) {
    return session.execute(sql, Arrays.asList(parameters), StatementGuard.NONE);
  }

  /** The rows of a query, each as a list, for comparisons. */
  static List<List<Object>> rows(Session session, String sql, Object... parameters) {
    StatementResult.Rows result = (StatementResult.Rows) run(session, sql, parameters);
    List<List<Object>> out = new ArrayList<>();
    result.rows().forEachRemaining(row -> out.add(Arrays.asList(row)));
    return out;
  }

  static long update(Session session, String sql, Object... parameters) {
    return ((StatementResult.UpdateCount) run(session, sql, parameters)).count();
  }

  /** The SQLSTATE of a statement's failure. */
  static String sqlState(Throwable failure) {
    return ((SqlExecutionException) failure).sqlState();
  }

  static String explain(Session session, String sql) {
    StringBuilder out = new StringBuilder();
    rows(session, "EXPLAIN PLAN FOR " + sql).forEach(row -> out.append(row.get(0)).append('\n'));
    return out.toString();
  }

  @Override
  public void close() {
    loop.close();
  }
}
