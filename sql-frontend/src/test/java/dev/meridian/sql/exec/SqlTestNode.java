package dev.meridian.sql.exec;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.real.SystemPhysicalClock;
import dev.meridian.storage.mvcc.InMemoryMvccEngine;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.txn.TxnClient;
import dev.meridian.txn.range.RangeLeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A node with an in-memory engine on a real loop and clock, and helpers to run SQL in a session. */
final class SqlTestNode implements AutoCloseable {

  final EventLoop loop = new EventLoop("sql-test-loop");
  final SqlEngine engine;

  SqlTestNode() {
    LocalTrueTime trueTime = new LocalTrueTime(SystemPhysicalClock.INSTANCE, LocalTrueTime.Config.defaults());
    RangeLeader range = new RangeLeader(new InMemoryMvccEngine(), trueTime, loop);
    engine = new SqlEngine(new TxnClient(1, range, trueTime, RandomSource.seeded(1)));
  }

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
