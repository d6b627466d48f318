package dev.meridian.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.server.LocalNode;
import dev.meridian.server.admin.NodeMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.ColumnMetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Meta on a real node (RocksDB in a temporary directory), called the way Avatica's
 * LocalService calls it, with a manual clock for timeouts and idle expiry.
 */
class MeridianMetaTest {

  @TempDir Path dir;
  LocalNode node;
  MeridianMeta meta;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  /** Run once at the next reading of the clock: lets a test act in the middle of a request. */
  final AtomicReference<Runnable> atNextClockRead = new AtomicReference<>();
  final NodeMetrics metrics = new NodeMetrics();
  final Meta.ConnectionHandle ch = new Meta.ConnectionHandle("c1");

  @BeforeEach
  void open() {
    node = new LocalNode(dir);
    meta = new MeridianMeta(node.sqlEngine(), new MeridianMeta.Limits(2, 8, 60_000, 0, 50), this::clock, metrics);
    meta.openConnection(ch, Map.of());
  }

  @AfterEach
  void close() {
    meta.closeAll();
    node.close();
  }

  long clock() {
    Runnable action = atNextClockRead.getAndSet(null);
    if (action != null) {
      action.run();
    }
    return nanos.get();
  }

  Meta.ExecuteResult run(String sql) throws Exception {
    Meta.StatementHandle h = meta.createStatement(ch);
    return meta.prepareAndExecute(h, sql, -1, -1, null);
  }

  @Test
  void resultsStreamInFramesOfBoundedSize() throws Exception {
    run("CREATE TABLE t (id INT PRIMARY KEY)");
    StringBuilder insert = new StringBuilder("INSERT INTO t VALUES (0)");
    for (int i = 1; i < 240; i++) {
      insert.append(", (").append(i).append(')');
    }
    assertThat(run(insert.toString()).resultSets.get(0).updateCount).isEqualTo(240);
    Meta.StatementHandle h = meta.createStatement(ch);
    Meta.MetaResultSet first = meta.prepareAndExecute(h, "SELECT id FROM t", -1, 30, null).resultSets.get(0);
    assertThat(first.firstFrame.done).isFalse();
    List<Object> seen = new ArrayList<>(rows(first.firstFrame));
    assertThat(seen).hasSize(30);
    long offset = 30;
    Meta.Frame frame;
    do {
      frame = meta.fetch(h, offset, 1_000); // more than the limit of 50: capped
      assertThat(frame.offset).isEqualTo(offset);
      assertThat(rows(frame).size()).isLessThanOrEqualTo(50);
      seen.addAll(rows(frame));
      offset += rows(frame).size();
    } while (!frame.done);
    assertThat(seen).hasSize(240);
    assertThat(((Object[]) seen.get(239))[0]).isEqualTo(239);
    assertThatThrownBy(() -> meta.fetch(h, 240, 10)).isInstanceOf(MissingResultsException.class);
  }

  @Test
  void failuresCarryTheEngineSqlState() throws Exception {
    assertThatThrownBy(() -> run("SELEC 1"))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("42601"));
    run("CREATE TABLE u (id INT PRIMARY KEY)");
    run("INSERT INTO u VALUES (1)");
    assertThatThrownBy(() -> run("INSERT INTO u VALUES (1)"))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> {
          assertThat(e.getSqlState()).isEqualTo("23505");
          assertThat(e.getErrorMessage()).contains("already exists");
        });
    assertThat(metrics.render(gauges())).contains("meridian_statement_errors_total{sqlstate=\"23505\"} 1");
  }

  /**
   * M12: data errors, including those raised while the planner folds constants, come back with
   * their SQLSTATE (they once escaped as an Error); text in any script is accepted; the connection
   * goes on. Runs after other test classes touched Calcite, which is what the charset must survive.
   */
  @Test
  void dataErrorsComeBackWithTheirSqlStateAndTheConnectionGoesOn() throws Exception {
    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> run("SELECT 1/0"))
          .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("22012"));
      assertThatThrownBy(() -> run("SELECT 2147483647 + 1"))
          .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("22003"));
    }
    Meta.MetaResultSet rows = run("SELECT '世界', CHAR_LENGTH('😀')").resultSets.get(0);
    assertThat((Object[]) rows(rows.firstFrame).get(0)).containsExactly("世界", 1);
    assertThat(metrics.render(gauges())).contains("meridian_statement_errors_total{sqlstate=\"22012\"} 2");
  }

  @Test
  void prepareTimeErrorsCarryTheReasonAndPosition() {
    assertThatThrownBy(() -> meta.prepare(ch, "SELECT * FROM nosuch", -1))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> {
          assertThat(e.getSqlState()).isEqualTo("42P01");
          assertThat(e.getErrorMessage()).contains("line 1, column 15").contains("'NOSUCH' not found");
        });
    assertThatThrownBy(() -> meta.prepare(ch, "SELECT 1/0", -1))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("22012"));
  }

  @Test
  void preparedStatementsConvertParameters() throws Exception {
    run("CREATE TABLE p (id BIGINT PRIMARY KEY, d DATE, b VARBINARY(4))");
    Meta.StatementHandle h = meta.prepare(ch, "INSERT INTO p VALUES (?, ?, ?)", -1);
    assertThat(h.signature.parameters).hasSize(3);
    Meta.ExecuteResult result = meta.execute(h, List.of(
        TypedValue.ofLocal(ColumnMetaData.Rep.INTEGER, 7),
        TypedValue.ofLocal(ColumnMetaData.Rep.JAVA_SQL_DATE, 19_000),
        TypedValue.ofJdbc(ColumnMetaData.Rep.BYTE_STRING, new byte[] {1, 2}, null)), -1);
    assertThat(result.resultSets.get(0).updateCount).isEqualTo(1);
    Meta.MetaResultSet rows = run("SELECT id, d, b FROM p").resultSets.get(0);
    Object[] row = (Object[]) rows(rows.firstFrame).get(0);
    assertThat(row).containsExactly(7L, 19_000, new byte[] {1, 2});
  }

  @Test
  void statementTimeoutIsASessionSetting() throws Exception {
    run("CREATE TABLE s (id INT PRIMARY KEY)");
    run("SET STATEMENT_TIMEOUT = '5s'");
    Meta.StatementHandle h = meta.createStatement(ch);
    assertThat(meta.prepareAndExecute(h, "SELECT COUNT(*) FROM s", -1, -1, null).resultSets).hasSize(1);
    run("SET STATEMENT_TIMEOUT = DEFAULT");
    assertThat(meta.prepareAndExecute(h, "SELECT COUNT(*) FROM s", -1, -1, null).resultSets).hasSize(1);
    assertThatThrownBy(() -> run("SET STATEMENT_TIMEOUT = 'later'"))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("22023"));
  }

  @Test
  void aClosedStatementCancelsItsGuard() {
    RequestGuard guard = new RequestGuard(nanos::get);
    guard.arm(100);
    guard.check();
    nanos.addAndGet(100_000_000L);
    assertThatThrownBy(guard::check).hasMessageContaining("timed out");
    guard.arm(0);
    guard.check();
    assertThat(guard.remainingNanos()).isEqualTo(Long.MAX_VALUE);
    guard.cancel("the statement was closed");
    assertThatThrownBy(guard::check).hasMessageContaining("cancelled");
  }

  @Test
  void cancelStopsOnlyTheRunningRequestAndNeedsTheConnectionId() throws Exception {
    run("CREATE TABLE k (id INT PRIMARY KEY)");
    run("INSERT INTO k VALUES (1), (2), (3)");
    Meta.ConnectionHandle side = new Meta.ConnectionHandle("side");
    meta.openConnection(side, Map.of());
    Meta.StatementHandle canceller = meta.createStatement(side);
    Meta.StatementHandle target = meta.createStatement(ch);
    String cancel = "CANCEL STATEMENT '" + ch.id + "' " + target.id;
    assertThat(updateCount(meta.prepareAndExecute(canceller, cancel, -1, -1, null)))
        .as("nothing running: a no-op").isZero();

    // The clock is first read inside the target's request, under its connection's lock. The
    // cancels run on another thread: were they to wait for that lock, they would time out.
    List<Long> counts = new ArrayList<>();
    atNextClockRead.set(() -> {
      counts.add(fromAnotherThread(canceller, "CANCEL STATEMENT 'not-" + ch.id + "' " + target.id));
      counts.add(fromAnotherThread(canceller, "CANCEL STATEMENT '" + ch.id + "' " + (target.id + 1000)));
      counts.add(fromAnotherThread(canceller, "  cancel statement '" + ch.id + "' " + target.id + " ;"));
    });
    assertThatThrownBy(() -> meta.prepareAndExecute(target, "SELECT COUNT(*) FROM k", -1, -1, null))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> {
          assertThat(e.getSqlState()).isEqualTo("57014");
          assertThat(e.getErrorMessage()).contains("cancelled").contains("Statement.cancel");
        });
    assertThat(counts).as("wrong connection id, wrong statement id, right ids").containsExactly(0L, 0L, 1L);

    // The cancel applied to that request only: the statement and its connection go on working.
    Meta.MetaResultSet again = meta.prepareAndExecute(target, "SELECT COUNT(*) FROM k", -1, -1, null).resultSets.get(0);
    assertThat(((Object[]) rows(again.firstFrame).get(0))[0]).isEqualTo(3L);
    assertThat(updateCount(meta.prepareAndExecute(canceller, cancel, -1, -1, null))).isZero();

    // A result left open is work in progress: a cancel fails its next fetch, and only that.
    run("INSERT INTO k SELECT id + 3 FROM k");
    run("INSERT INTO k SELECT id + 6 FROM k");
    assertThat(meta.prepareAndExecute(target, "SELECT id FROM k", -1, 5, null).resultSets.get(0).firstFrame.done)
        .isFalse();
    assertThat(updateCount(meta.prepareAndExecute(canceller, cancel, -1, -1, null))).isEqualTo(1);
    assertThatThrownBy(() -> meta.fetch(target, 5, 5))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("57014"));
    assertThatThrownBy(() -> meta.fetch(target, 5, 5)).isInstanceOf(MissingResultsException.class);
    meta.prepareAndExecute(target, "SELECT id FROM k", -1, 5, null);
    assertThat(updateCount(meta.prepareAndExecute(canceller, cancel, -1, -1, null))).isEqualTo(1);
    Meta.MetaResultSet fresh = meta.prepareAndExecute(target, "SELECT id FROM k", -1, 5, null).resultSets.get(0);
    assertThat(rows(fresh.firstFrame)).hasSize(5);
    assertThat(rows(meta.fetch(target, 5, 50))).as("a new execution starts afresh").hasSize(7);

    // Prepared, CANCEL STATEMENT is the same no-op on an idle statement.
    Meta.StatementHandle prepared = meta.prepare(side, cancel, -1);
    assertThat(updateCount(meta.execute(prepared, List.of(), -1))).isZero();
  }

  private long fromAnotherThread(Meta.StatementHandle h, String sql) {
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return updateCount(meta.prepareAndExecute(h, sql, -1, -1, null));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cancel did not answer", e);
    }
  }

  private static long updateCount(Meta.ExecuteResult result) {
    return result.resultSets.get(0).updateCount;
  }

  @Test
  void anInterruptStopsOnlyTheRequestsInFlight() {
    RequestGuard guard = new RequestGuard(nanos::get);
    assertThat(guard.interrupt("cancel")).isFalse();
    guard.check();
    guard.enter();
    guard.enter();
    assertThat(guard.interrupt("cancel")).isTrue();
    assertThatThrownBy(guard::check).hasMessageContaining("cancelled: cancel");
    guard.exit();
    assertThatThrownBy(guard::check).as("one request is still in flight").hasMessageContaining("cancelled");
    guard.exit();
    guard.check();
    guard.cancel("the statement was closed");
    assertThatThrownBy(guard::check).hasMessageContaining("closed");
    assertThat(guard.interrupt("cancel")).isFalse();
  }

  @Test
  void connectionsAreBoundedAndIdleOnesExpire() throws Exception {
    meta.openConnection(new Meta.ConnectionHandle("c2"), Map.of("readStaleness", "10s"));
    assertThatThrownBy(() -> meta.openConnection(new Meta.ConnectionHandle("c3"), Map.of()))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("53300"));
    assertThatThrownBy(() -> meta.openConnection(new Meta.ConnectionHandle("c3"), Map.of()))
        .isInstanceOf(AvaticaRuntimeException.class);
    nanos.addAndGet(61_000_000_000L);
    assertThat(meta.expireIdle()).isEqualTo(2);
    assertThat(meta.connectionCount()).isZero();
    assertThatThrownBy(() -> run("SELECT 1")).isInstanceOf(NoSuchConnectionException.class);
    meta.openConnection(new Meta.ConnectionHandle("c3"), Map.of());
    assertThatThrownBy(() -> meta.openConnection(new Meta.ConnectionHandle("c4"), Map.of("readStaleness", "soon")))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("22023"));
    // Blank is a value, refused as the driver refuses it, not taken for "unset" (strong reads).
    assertThatThrownBy(() -> meta.openConnection(new Meta.ConnectionHandle("c4"), Map.of("readStaleness", " ")))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getSqlState()).isEqualTo("22023"));
    assertThat(meta.connectionCount()).isEqualTo(1);
  }

  @Test
  void connectionSyncReportsSerializable() {
    Meta.ConnectionProperties props = meta.connectionSync(ch,
        new org.apache.calcite.avatica.ConnectionPropertiesImpl().setAutoCommit(false).setReadOnly(true));
    assertThat(props.isAutoCommit()).isFalse();
    assertThat(props.isReadOnly()).isTrue();
    assertThat(props.getTransactionIsolation()).isEqualTo(java.sql.Connection.TRANSACTION_SERIALIZABLE);
  }

  @Test
  void primaryKeysAndIndexesComeFromTheCatalog() throws Exception {
    run("CREATE TABLE k (region VARCHAR(4), id INT, email VARCHAR(20), age INT, PRIMARY KEY (region, id))");
    run("CREATE UNIQUE INDEX k_email ON k (email) STORING (age)");
    run("CREATE INDEX k_age ON k (age DESC)");
    run("CREATE TABLE nokey (x INT)");
    // JDBC orders primary key columns by name; KEY_SEQ gives their order in the key.
    assertThat(strings(meta.getPrimaryKeys(ch, null, null, "K"), 3, 4)).containsExactly("ID:2", "REGION:1");
    assertThat(strings(meta.getPrimaryKeys(ch, null, null, "NOKEY"), 3, 4)).isEmpty();
    // JDBC orders index rows by NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION.
    assertThat(strings(meta.getIndexInfo(ch, null, null, "K", false, false), 5, 8, 9, 3)).containsExactly(
        "K_EMAIL:EMAIL:A:false", "PRIMARY_KEY:REGION:A:false", "PRIMARY_KEY:ID:A:false", "K_AGE:AGE:D:true");
    assertThat(strings(meta.getIndexInfo(ch, null, null, "K", true, false), 5)).doesNotContain("K_AGE");
    assertThat(strings(meta.getColumns(ch, null, Meta.Pat.of(null), Meta.Pat.of("NOKEY"), Meta.Pat.of(null)), 3))
        .containsExactly("X");
  }

  private static List<String> strings(Meta.MetaResultSet result, int... columns) {
    List<String> out = new ArrayList<>();
    for (Object row : result.firstFrame.rows) {
      Object[] values = (Object[]) row;
      StringBuilder text = new StringBuilder();
      for (int column : columns) {
        text.append(text.isEmpty() ? "" : ":").append(values[column]);
      }
      out.add(text.toString());
    }
    return out;
  }

  private static List<Object> rows(Meta.Frame frame) {
    List<Object> rows = new ArrayList<>();
    frame.rows.forEach(rows::add);
    return rows;
  }

  private NodeMetrics.Gauges gauges() {
    return MetaGauges.of(meta, node);
  }
}
