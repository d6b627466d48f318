package dev.meridian.server.sql;

import dev.meridian.server.admin.NodeMetrics;
import dev.meridian.sql.exec.BatchException;
import dev.meridian.sql.exec.GeneratedKeys;
import dev.meridian.sql.exec.Session;
import dev.meridian.sql.exec.SqlEngine;
import dev.meridian.sql.exec.SqlErrors;
import dev.meridian.sql.exec.SqlExecutionException;
import dev.meridian.sql.exec.StatementResult;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlKind;

/**
 * Avatica's server-side {@code Meta} over Meridian's SQL engine: what every JDBC call of a client
 * becomes on the node (DESIGN.md §2).
 *
 * <ul>
 *   <li>Each Avatica connection owns one engine {@link Session} (its transaction, read-only flag,
 *       staleness and statement timeout). At most {@link Limits#maxConnections} are open; one not
 *       used for {@link Limits#idleTimeoutMillis} is closed by {@link #expireIdle}, which rolls back
 *       its transaction. Requests of one connection run one at a time (its lock).
 *   <li>Each statement keeps its prepared SQL and signature and, while a result is open, the
 *       session's lazy row iterator: {@link #fetch} hands out the next frame of at most {@link
 *       Limits#maxFrameRows} rows, so a result of any size streams without being materialized.
 *   <li>Each statement has a {@link RequestGuard}: the session's STATEMENT_TIMEOUT bounds every
 *       request, and closing the statement or its connection cancels what it is running (57014).
 *       Avatica's protocol carries neither {@code Statement.setQueryTimeout} nor {@code cancel}, so
 *       the timeout is a session setting: {@code SET STATEMENT_TIMEOUT = '30s'} ({@code = DEFAULT}
 *       restores the node's configured one). The JDBC driver turns {@code setQueryTimeout} into
 *       such SETs around the statement's executions.
 *   <li>Cancel is a statement of its own, {@code CANCEL STATEMENT '<connection id>' <statement id>},
 *       naming the Avatica connection and statement to stop. It is answered without taking any
 *       connection's lock (the target's is held by the request it is to stop), so it must arrive
 *       on another connection: the JDBC driver sends it, for {@code Statement.cancel()}, over a
 *       side connection of its own to the same node. It stops the statement's current work with
 *       57014, as a statement timeout would: the request in flight for it (its execution, or the
 *       fetch of a frame of its result) fails, and so does the next fetch of a result it left
 *       open. The statement and its connection stay usable, and its transaction is treated as
 *       after any failed statement. Its update count is 1 if there was work to stop and 0
 *       otherwise; an idle statement, or unknown ids, are not an error (JDBC: cancelling a
 *       statement that is not running does nothing). Cancels reach the node as ordinary
 *       requests: one waits for a free SQL worker if every worker is busy.
 *       <p>Security: like PostgreSQL's cancel key, the connection id is the secret. Avatica's
 *       client draws it at random (a UUID) and it is never shown to other connections; whoever
 *       knows it can already run anything on that connection, so CANCEL grants nothing more. A
 *       wrong id gets the same answer (0) as an idle statement, so guesses learn nothing.
 *   <li>Every failure leaves as an {@link AvaticaRuntimeException} carrying the SQLSTATE and message
 *       of the engine's {@link SqlExecutionException}; Avatica turns it into an error response and
 *       the client into a {@code SQLException} with that SQLSTATE.
 * </ul>
 */
public final class MeridianMeta extends MetaImpl implements ProtobufMeta {

  private static final Logger LOG = Logger.getLogger(MeridianMeta.class.getName());

  /** Rows in a frame when the client does not say. */
  static final int DEFAULT_FRAME_ROWS = 100;

  private static final Pattern SET_STATEMENT_TIMEOUT = Pattern.compile(
      "\\s*SET\\s+STATEMENT_TIMEOUT\\s*(?:=|\\s+TO\\s+)\\s*(?:'([^']*)'|([0-9A-Za-z]+))\\s*;?\\s*",
      Pattern.CASE_INSENSITIVE);

  /** The side request behind {@code Statement.cancel()}; see the class comment. */
  private static final Pattern CANCEL_STATEMENT = Pattern.compile(
      "\\s*CANCEL\\s+STATEMENT\\s+'([^']*)'\\s+([0-9]{1,9})\\s*;?\\s*", Pattern.CASE_INSENSITIVE);

  private static final String CANCELLED_BY_CLIENT = "the client cancelled it (Statement.cancel)";

  /** Bounds of the Meta; see the class comment. */
  public record Limits(
      int maxConnections,
      int maxStatementsPerConnection,
      long idleTimeoutMillis,
      long defaultStatementTimeoutMillis,
      int maxFrameRows) {

    public static Limits defaults() {
      return new Limits(256, 1024, 30 * 60_000L, 5 * 60_000L, 10_000);
    }
  }

  private final SqlEngine engine;
  private final Limits limits;
  private final LongSupplier nanoClock;
  private final NodeMetrics metrics;
  private final Map<String, Conn> connections = new ConcurrentHashMap<>();
  private final AtomicInteger statementIds = new AtomicInteger();

  public MeridianMeta(SqlEngine engine, Limits limits, LongSupplier nanoClock, NodeMetrics metrics) {
    super(null);
    this.engine = engine;
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.metrics = metrics;
  }

  /** One client connection: its session and statements. */
  private final class Conn {
    final String id;
    final Session session;
    final ReentrantLock lock = new ReentrantLock();
    final Map<Integer, Stmt> statements = new ConcurrentHashMap<>();
    final RequestGuard guard = new RequestGuard(nanoClock);
    volatile long lastUsedNanos = nanoClock.getAsLong();
    volatile long statementTimeoutMillis = limits.defaultStatementTimeoutMillis();

    Conn(String id, Session session) {
      this.id = id;
      this.session = session;
    }
  }

  /**
   * One statement: its prepared form and its open result, if any. Guarded by its connection's lock,
   * but for the fields a cancel touches, which it reaches without that lock.
   */
  private final class Stmt {
    final int id;
    final RequestGuard guard = new RequestGuard(nanoClock);
    volatile boolean resultOpen;
    /** Set by a cancel while a result is open: its next fetch fails with 57014. */
    volatile boolean resultCancelled;
    String preparedSql;
    Signature preparedSignature;
    RelDataType parameterRowType;
    long preparedMaxRowCount = -1;
    StatementResult.Rows result;
    Iterator<Object[]> rows;
    long offset;
    long remaining;

    Stmt(int id) {
      this.id = id;
    }

    void open(StatementResult.Rows result, long maxRowCount) {
      closeResult();
      this.result = result;
      this.rows = result.rows();
      this.resultOpen = true;
      this.offset = 0;
      this.remaining = maxRowCount > 0 ? maxRowCount : Long.MAX_VALUE;
    }

    /** The next frame of at most {@code maxRows} rows; closes the result after its last row. */
    Frame nextFrame(int maxRows) {
      long start = offset;
      List<Object> frameRows = new ArrayList<>(Math.min(maxRows, 1024));
      boolean done;
      try {
        while (frameRows.size() < maxRows && remaining > 0 && rows.hasNext()) {
          frameRows.add(AvaticaTypes.toFrameRow(rows.next()));
          remaining--;
        }
        done = remaining == 0 || !rows.hasNext();
      } catch (RuntimeException | Error e) {
        closeResult();
        throw e;
      }
      offset += frameRows.size();
      if (done) {
        closeResult();
      }
      return new Frame(start, done, frameRows);
    }

    void closeResult() {
      if (result != null) {
        try {
          result.close();
        } catch (Exception e) {
          LOG.log(Level.FINE, "closing a result failed", e);
        }
      }
      result = null;
      rows = null;
      resultOpen = false;
      resultCancelled = false;
    }

    /**
     * CANCEL STATEMENT: stops the requests in flight for this statement and the result it left
     * open; returns whether there was either. Takes no lock.
     */
    boolean cancel() {
      boolean stopped = guard.interrupt(CANCELLED_BY_CLIENT);
      if (resultOpen) {
        resultCancelled = true;
        stopped = true;
      }
      return stopped;
    }
  }

  // ---- connections ---------------------------------------------------------------------------

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> info) {
    try {
      Session session;
      synchronized (connections) {
        if (connections.containsKey(ch.id)) {
          throw new SqlExecutionException("08002", "connection " + ch.id + " is already open");
        }
        if (connections.size() >= limits.maxConnections()) {
          expireIdle();
        }
        if (connections.size() >= limits.maxConnections()) {
          throw new SqlExecutionException("53300", "too many connections: this node allows "
              + limits.maxConnections() + " (--max-connections); close idle connections and retry");
        }
        session = engine.openSession();
        // Absent means strong; a present value follows SET READ_STALENESS's rule (blank is refused,
        // as the JDBC driver refuses it: read-staleness-cases.txt in sql-frontend's tests).
        String staleness = info == null ? null : info.get("readStaleness");
        if (staleness != null) {
          try {
            session.setStaleness(staleness);
          } catch (RuntimeException e) {
            session.close();
            throw e;
          }
        }
        connections.put(ch.id, new Conn(ch.id, session));
      }
      LOG.fine(() -> "opened connection " + ch.id);
    } catch (RuntimeException e) {
      throw toAvatica(e, null);
    }
  }

  @Override
  public void closeConnection(ConnectionHandle ch) {
    Conn conn = connections.remove(ch.id);
    if (conn != null) {
      close(conn, "its connection was closed");
    }
  }

  private void close(Conn conn, String reason) {
    conn.guard.cancel(reason);
    conn.statements.values().forEach(stmt -> stmt.guard.cancel(reason));
    conn.lock.lock();
    try {
      conn.statements.values().forEach(Stmt::closeResult);
      conn.statements.clear();
      conn.session.close();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing connection " + conn.id + " failed", e);
    } finally {
      conn.lock.unlock();
    }
  }

  /** Closes connections idle for longer than the limit; returns how many. Called periodically. */
  public int expireIdle() {
    long now = nanoClock.getAsLong();
    int expired = 0;
    for (Conn conn : connections.values()) {
      if (now - conn.lastUsedNanos > limits.idleTimeoutMillis() * 1_000_000L && conn.lock.tryLock()) {
        try {
          if (connections.remove(conn.id, conn)) {
            expired++;
            LOG.info("closing connection " + conn.id + ": idle for more than "
                + limits.idleTimeoutMillis() + " ms");
          } else {
            continue;
          }
        } finally {
          conn.lock.unlock();
        }
        close(conn, "its connection expired after being idle");
      }
    }
    return expired;
  }

  /** Closes every connection, rolling back open transactions (node shutdown). */
  public void closeAll() {
    for (String id : List.copyOf(connections.keySet())) {
      Conn conn = connections.remove(id);
      if (conn != null) {
        close(conn, "the node is shutting down");
      }
    }
  }

  public int connectionCount() {
    return connections.size();
  }

  @Override
  public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties props) {
    return withConnection(ch.id, null, conn -> {
      Session session = conn.session;
      if (props != null) {
        if (props.isAutoCommit() != null) {
          boolean committing = props.isAutoCommit() && !session.autoCommit() && session.inTransaction();
          conn.guard.arm(conn.statementTimeoutMillis);
          session.setAutoCommit(props.isAutoCommit(), conn.guard);
          if (committing) {
            metrics.commit();
          }
        }
        if (props.isReadOnly() != null) {
          session.setReadOnly(props.isReadOnly());
        }
        // Every transaction is serializable (strictly: externally consistent); a client asking
        // for a weaker level gets this stronger one, as JDBC allows.
      }
      return new ConnectionPropertiesImpl(session.autoCommit(), session.readOnly(),
          Connection.TRANSACTION_SERIALIZABLE, null, "PUBLIC");
    });
  }

  @Override
  public void commit(ConnectionHandle ch) {
    withConnection(ch.id, null, conn -> {
      boolean open = conn.session.inTransaction();
      conn.guard.arm(conn.statementTimeoutMillis);
      conn.session.commit(conn.guard);
      if (open) {
        metrics.commit();
      }
      return null;
    });
  }

  @Override
  public void rollback(ConnectionHandle ch) {
    withConnection(ch.id, null, conn -> {
      if (conn.session.inTransaction()) {
        metrics.rollback();
      }
      conn.session.rollback();
      return null;
    });
  }

  @Override
  public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
    return DatabaseProperties.ALL;
  }

  // ---- statements ----------------------------------------------------------------------------

  @Override
  public StatementHandle createStatement(ConnectionHandle ch) {
    return withConnection(ch.id, null, conn -> {
      Stmt stmt = newStatement(conn);
      return new StatementHandle(ch.id, stmt.id, null);
    });
  }

  private Stmt newStatement(Conn conn) {
    if (conn.statements.size() >= limits.maxStatementsPerConnection()) {
      throw new SqlExecutionException("54000", "too many open statements on this connection (limit "
          + limits.maxStatementsPerConnection() + "); close statements you no longer use");
    }
    Stmt stmt = new Stmt(statementIds.incrementAndGet());
    conn.statements.put(stmt.id, stmt);
    return stmt;
  }

  @Override
  public void closeStatement(StatementHandle h) {
    Conn conn = connections.get(h.connectionId);
    if (conn == null) {
      return;
    }
    Stmt stmt = conn.statements.remove(h.id);
    if (stmt == null) {
      return;
    }
    stmt.guard.cancel("the statement was closed");
    conn.lock.lock();
    try {
      stmt.closeResult();
    } finally {
      conn.lock.unlock();
    }
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    return withConnection(ch.id, sql, conn -> {
      Stmt stmt = newStatement(conn);
      try {
        Signature signature;
        if (SET_STATEMENT_TIMEOUT.matcher(sql).matches() || CANCEL_STATEMENT.matcher(sql).matches()) {
          signature = Signature.create(List.of(), sql, List.of(), CursorFactory.ARRAY, StatementType.OTHER_DDL);
        } else {
          stmt.guard.arm(conn.statementTimeoutMillis);
          Session.Description description = conn.session.describe(GeneratedKeysMarker.parse(sql).sql(), stmt.guard);
          stmt.parameterRowType = description.parameterRowType();
          List<ColumnMetaData> columns = AvaticaTypes.columns(description.rowType(), description.columns());
          List<AvaticaParameter> parameters = AvaticaTypes.parameters(description.parameterRowType());
          signature = Signature.create(columns, sql, parameters, CursorFactory.ARRAY,
              statementType(description.kind()));
        }
        stmt.preparedSql = sql;
        stmt.preparedSignature = signature;
        stmt.preparedMaxRowCount = maxRowCount;
        return new StatementHandle(ch.id, stmt.id, signature);
      } catch (RuntimeException e) {
        conn.statements.remove(stmt.id);
        throw e;
      }
    });
  }

  @Override
  @SuppressWarnings("deprecation")
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      PrepareCallback callback) throws NoSuchStatementException {
    return prepareAndExecute(h, sql, maxRowCount, -1, callback);
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    Matcher cancel = CANCEL_STATEMENT.matcher(sql);
    ExecuteResult result = cancel.matches()
        ? cancelWithoutLocking(h, cancel)
        : withStatement(h, sql, (conn, stmt) -> {
          stmt.preparedSql = null;
          stmt.preparedSignature = null;
          stmt.parameterRowType = null;
          return run(conn, stmt, sql, List.of(), maxRowCount, maxRowsInFirstFrame);
        });
    if (callback != null) {
      MetaResultSet first = result.resultSets.get(0);
      try {
        synchronized (callback.getMonitor()) {
          callback.clear();
          callback.assign(first.signature, first.firstFrame, first.updateCount);
        }
        callback.execute();
      } catch (java.sql.SQLException e) {
        throw toAvatica(new SqlExecutionException("58000", e.getMessage(), e), sql);
      }
    }
    return result;
  }

  /**
   * {@code CANCEL STATEMENT} sent with {@code Statement.execute}: answered at once, taking no lock,
   * even that of the connection it arrives on (the driver's side connection is used by one thread
   * at a time anyway, and the request must not queue behind anything).
   */
  private ExecuteResult cancelWithoutLocking(StatementHandle h, Matcher cancel) {
    Conn conn = connection(h.connectionId);
    conn.lastUsedNanos = nanoClock.getAsLong();
    return cancelStatement(conn, h.id, cancel);
  }

  /** Stops the current work of the statement {@code cancel} names; see the class comment. */
  private ExecuteResult cancelStatement(Conn conn, int statementId, Matcher cancel) {
    Conn target = connections.get(cancel.group(1));
    Stmt stmt = target == null ? null : target.statements.get(Integer.parseInt(cancel.group(2)));
    boolean stopped = stmt != null && stmt.cancel();
    metrics.statement("cancel", 0);
    LOG.fine(() -> "CANCEL STATEMENT " + cancel.group(2) + (stopped ? ": interrupted" : ": nothing running"));
    return new ExecuteResult(List.of(MetaResultSet.count(conn.id, statementId, stopped ? 1 : 0)));
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, long maxRowCount)
      throws NoSuchStatementException {
    return execute(h, parameterValues, (int) Math.min(Integer.MAX_VALUE, maxRowCount));
  }

  /**
   * Runs a prepared statement. {@code maxRowsInFirstFrame} sizes the first frame and nothing else:
   * Avatica's client sends the statement's fetch size in it ({@code
   * AvaticaConnection.executeQueryInternal}), never {@code setMaxRows}. Taking it for a row limit
   * cut every prepared query short at its first frame, silently. The only row limit the protocol
   * carries for a prepared statement is the one given when it was prepared; a {@code setMaxRows}
   * made later is applied by the JDBC driver, which stops the result set there.
   */
  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
      throws NoSuchStatementException {
    return withStatement(h, null, (conn, stmt) -> {
      if (stmt.preparedSql == null) {
        throw new SqlExecutionException("HY010", "statement " + h.id + " was not prepared");
      }
      List<Object> parameters = AvaticaTypes.parameterValues(parameterValues, stmt.parameterRowType);
      return run(conn, stmt, stmt.preparedSql, parameters, stmt.preparedMaxRowCount, maxRowsInFirstFrame);
    });
  }

  @Override
  public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
      throws NoSuchStatementException {
    return withStatement(h, null, (conn, stmt) -> {
      if (sqlCommands.stream().allMatch(sql -> StatementKinds.dml(StatementKinds.of(sql)))) {
        return runBatch(conn, stmt, sqlCommands.stream()
            .map(sql -> new Session.BatchStatement(sql, List.of())).toList());
      }
      // DDL, SET and the like run one by one, each as it would alone.
      long[] counts = new long[sqlCommands.size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = updateCount(run(conn, stmt, sqlCommands.get(i), List.of(), -1, -1));
      }
      return new ExecuteBatchResult(counts);
    });
  }

  @Override
  public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
      throws NoSuchStatementException {
    return withStatement(h, null, (conn, stmt) -> {
      if (stmt.preparedSql == null) {
        throw new SqlExecutionException("HY010", "statement " + h.id + " was not prepared");
      }
      List<Session.BatchStatement> batch = new ArrayList<>(parameterValues.size());
      for (int i = 0; i < parameterValues.size(); i++) {
        try {
          batch.add(new Session.BatchStatement(stmt.preparedSql,
              AvaticaTypes.parameterValues(parameterValues.get(i), stmt.parameterRowType)));
        } catch (SqlExecutionException e) {
          throw new BatchFailure(i + 1, "parameters of statement " + (i + 1) + " of the batch of "
              + parameterValues.size() + ": " + e.getMessage() + "; none of the batch ran", e.sqlState());
        }
      }
      return runBatch(conn, stmt, batch);
    });
  }

  /**
   * Runs a batch of DML statements in the session ({@link Session#executeBatch}: in autocommit one
   * transaction, whose failure leaves none of it). The caller holds the connection's lock. The
   * statement timeout bounds the whole batch. Metrics count each statement, with an equal share of
   * the batch's time, and one commit for an autocommit batch.
   */
  private ExecuteBatchResult runBatch(Conn conn, Stmt stmt, List<Session.BatchStatement> batch) {
    stmt.closeResult();
    boolean autoCommit = conn.session.autoCommit() && !conn.session.inTransaction();
    long start = nanoClock.getAsLong();
    stmt.guard.arm(conn.statementTimeoutMillis);
    long[] counts = conn.session.executeBatch(batch, stmt.guard);
    long share = batch.isEmpty() ? 0 : (nanoClock.getAsLong() - start) / batch.size();
    batch.forEach(statement -> metrics.statement(StatementKinds.of(statement.sql()), share));
    if (autoCommit && !batch.isEmpty()) {
      metrics.commit();
    }
    return new ExecuteBatchResult(counts);
  }

  /**
   * How a failed batch reaches the client: Avatica's error response carries a message, a SQLSTATE
   * and an int error code, and nothing like JDBC's update counts, so the code says where the batch
   * stopped, for the JDBC driver to build its {@code BatchUpdateException}: {@code k > 0}, statement
   * k (1-based) failed and the k - 1 before it ran (in autocommit, none of them took effect);
   * {@code -n < 0}, all n statements ran but the autocommit batch's commit failed, so none took
   * effect. Other errors carry 0.
   */
  private static final class BatchFailure extends RuntimeException {
    final int errorCode;
    final String sqlState;

    BatchFailure(int errorCode, String message, String sqlState) {
      super(message);
      this.errorCode = errorCode;
      this.sqlState = sqlState;
    }

    static BatchFailure of(BatchException e) {
      int code = e.failedIndex() < e.size() ? e.failedIndex() + 1 : -e.size();
      return new BatchFailure(code, e.getMessage(), e.sqlState());
    }
  }

  /** Batches as the protobuf transport sends them: Avatica passes them here, not to {@link #executeBatch}. */
  @Override
  public ExecuteBatchResult executeBatchProtobuf(StatementHandle h, List<Requests.UpdateBatch> updateBatches)
      throws NoSuchStatementException {
    List<List<TypedValue>> parameterValues = new ArrayList<>(updateBatches.size());
    for (Requests.UpdateBatch batch : updateBatches) {
      List<TypedValue> values = new ArrayList<>(batch.getParameterValuesCount());
      batch.getParameterValuesList().forEach(value -> values.add(TypedValue.fromProto(value)));
      parameterValues.add(values);
    }
    return executeBatch(h, parameterValues);
  }

  private static long updateCount(ExecuteResult result) {
    MetaResultSet first = result.resultSets.get(0);
    if (first.updateCount < 0) {
      throw new SqlExecutionException("22000", "a batch may only hold statements that return no rows");
    }
    return first.updateCount;
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    Conn conn = connection(h.connectionId);
    Stmt stmt = conn.statements.get(h.id);
    if (stmt == null) {
      throw new NoSuchStatementException(h);
    }
    stmt.guard.enter();
    conn.lock.lock();
    try {
      conn.lastUsedNanos = nanoClock.getAsLong();
      if (stmt.rows == null) {
        throw new MissingResultsException(h);
      }
      if (stmt.resultCancelled) {
        stmt.closeResult();
        throw RequestGuard.cancelled(CANCELLED_BY_CLIENT);
      }
      if (offset != stmt.offset) {
        throw new SqlExecutionException("HY109", "fetch at offset " + offset + " but the result is at "
            + stmt.offset + "; results are read forward only");
      }
      stmt.guard.arm(conn.statementTimeoutMillis);
      return stmt.nextFrame(frameRows(fetchMaxRowCount));
    } catch (RuntimeException | Error e) {
      throw toAvatica(e, stmt.preparedSql);
    } finally {
      conn.lastUsedNanos = nanoClock.getAsLong();
      conn.lock.unlock();
      stmt.guard.exit();
    }
  }

  @Override
  public boolean syncResults(StatementHandle sh, QueryState state, long offset) throws NoSuchStatementException {
    // Results cannot be re-created on another node or after a restart: the client must re-run.
    return false;
  }

  /** Runs {@code sql} for {@code stmt}; the caller holds the connection's lock. */
  private ExecuteResult run(Conn conn, Stmt stmt, String sql, List<Object> parameters, long maxRowCount,
      int maxRowsInFirstFrame) {
    stmt.closeResult();
    Matcher cancel = CANCEL_STATEMENT.matcher(sql);
    if (cancel.matches()) {
      return cancelStatement(conn, stmt.id, cancel);
    }
    GeneratedKeysMarker.Marked marked = GeneratedKeysMarker.parse(sql);
    sql = marked.sql();
    String kind = StatementKinds.of(sql);
    Matcher timeout = SET_STATEMENT_TIMEOUT.matcher(sql);
    if (timeout.matches()) {
      String value = timeout.group(1) != null ? timeout.group(1) : timeout.group(2);
      // DEFAULT restores the node's configured timeout (the JDBC driver uses it after a statement
      // with setQueryTimeout when the application never set one).
      conn.statementTimeoutMillis = value.equalsIgnoreCase("DEFAULT")
          ? limits.defaultStatementTimeoutMillis() : StatementKinds.parseTimeoutMillis(value);
      metrics.statement(kind, 0);
      return new ExecuteResult(List.of(MetaResultSet.count(conn.id, stmt.id, 0)));
    }
    boolean autoCommitWrite = conn.session.autoCommit() && !conn.session.inTransaction()
        && StatementKinds.writes(kind);
    long start = nanoClock.getAsLong();
    stmt.guard.arm(conn.statementTimeoutMillis);
    StatementResult result = marked.request() == null ? conn.session.execute(sql, parameters, stmt.guard)
        : conn.session.execute(sql, parameters, stmt.guard, marked.request());
    MetaResultSet resultSet = switch (result) {
      case StatementResult.UpdateCount count -> MetaResultSet.count(conn.id, stmt.id, count.count());
      case StatementResult.Done done -> MetaResultSet.count(conn.id, stmt.id, 0);
      case StatementResult.Rows rows -> {
        Signature signature = Signature.create(AvaticaTypes.columns(rows.rowType(), rows.columns()), sql,
            stmt.preparedSignature == null ? List.of() : stmt.preparedSignature.parameters,
            CursorFactory.ARRAY, StatementType.SELECT);
        stmt.open(rows, maxRowCount);
        int firstFrameRows = maxRowsInFirstFrame > 0 ? Math.min(maxRowsInFirstFrame, limits.maxFrameRows())
            : DEFAULT_FRAME_ROWS;
        yield MetaResultSet.create(conn.id, stmt.id, false, signature, stmt.nextFrame(firstFrameRows));
      }
    };
    metrics.statement(kind, nanoClock.getAsLong() - start);
    if (autoCommitWrite) {
      metrics.commit();
    }
    if (marked.request() != null && !(result instanceof StatementResult.Rows)) {
      return new ExecuteResult(List.of(resultSet, generatedKeys(conn, stmt, result, sql)));
    }
    return new ExecuteResult(List.of(resultSet));
  }

  /**
   * The second result set of an execution that asked for generated keys ({@link GeneratedKeysMarker}):
   * the keys, as the statement's open result (later frames are fetched like any result's), or an
   * empty result when the statement generated none.
   */
  private MetaResultSet generatedKeys(Conn conn, Stmt stmt, StatementResult result, String sql) {
    StatementResult.Rows keys = result instanceof StatementResult.UpdateCount count && count.generatedKeys() != null
        ? count.generatedKeys() : GeneratedKeys.none();
    Signature signature = Signature.create(AvaticaTypes.columns(keys.rowType()), sql, List.of(),
        CursorFactory.ARRAY, StatementType.SELECT);
    stmt.open(keys, -1);
    return MetaResultSet.create(conn.id, stmt.id, false, signature, stmt.nextFrame(limits.maxFrameRows()));
  }

  private int frameRows(int requested) {
    return requested <= 0 ? DEFAULT_FRAME_ROWS : Math.min(requested, limits.maxFrameRows());
  }

  private static StatementType statementType(SqlKind kind) {
    if (kind == null) {
      return StatementType.OTHER_DDL;
    }
    return switch (kind) {
      case INSERT -> StatementType.INSERT;
      case UPDATE -> StatementType.UPDATE;
      case DELETE -> StatementType.DELETE;
      case MERGE -> StatementType.UPSERT;
      default -> kind.belongsTo(SqlKind.QUERY) || kind == SqlKind.EXPLAIN
          ? StatementType.SELECT : StatementType.OTHER_DDL;
    };
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private interface ConnWork<T> {
    T run(Conn conn);
  }

  private interface StmtWork<T> {
    T run(Conn conn, Stmt stmt);
  }

  private Conn connection(String connectionId) {
    Conn conn = connections.get(connectionId);
    if (conn == null) {
      throw new NoSuchConnectionException(connectionId);
    }
    return conn;
  }

  /** Runs {@code work} under the connection's lock, turning failures into Avatica errors. */
  private <T> T withConnection(String connectionId, String sql, ConnWork<T> work) {
    Conn conn = connection(connectionId);
    conn.lock.lock();
    try {
      conn.lastUsedNanos = nanoClock.getAsLong();
      if (conn.guard.cancelled()) {
        throw new NoSuchConnectionException(connectionId);
      }
      return work.run(conn);
    } catch (NoSuchConnectionException | AvaticaRuntimeException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      // Errors too: one escaping here would reach Jetty, which answers with an HTML page that
      // the client cannot read, and the client would drop the connection.
      throw toAvatica(e, sql);
    } finally {
      conn.lastUsedNanos = nanoClock.getAsLong();
      conn.lock.unlock();
    }
  }

  private <T> T withStatement(StatementHandle h, String sql, StmtWork<T> work) throws NoSuchStatementException {
    Conn conn = connection(h.connectionId);
    Stmt stmt = conn.statements.get(h.id);
    if (stmt == null) {
      throw new NoSuchStatementException(h);
    }
    // In flight from before the lock: a cancel also stops a request still waiting for it.
    stmt.guard.enter();
    try {
      return withConnection(h.connectionId, sql != null ? sql : stmt.preparedSql, c -> work.run(c, stmt));
    } finally {
      stmt.guard.exit();
    }
  }

  /**
   * The client-facing error for {@code failure}, counted in the metrics; internal errors (58000,
   * XX000) are logged with the statement and the stack trace.
   */
  private AvaticaRuntimeException toAvatica(Throwable failure, String sql) {
    if (failure instanceof AvaticaRuntimeException avatica) {
      return avatica;
    }
    if (failure instanceof BatchException batch) {
      failure = BatchFailure.of(batch);
    }
    if (failure instanceof BatchFailure batch) {
      metrics.error(batch.sqlState);
      LOG.log(Level.FINE, () -> "batch failed with " + batch.sqlState + ": " + batch.getMessage());
      return new AvaticaRuntimeException(batch.getMessage(), batch.errorCode, batch.sqlState, AvaticaSeverity.ERROR);
    }
    SqlExecutionException error = SqlErrors.translate(failure, sql);
    metrics.error(error.sqlState());
    if (error.sqlState().startsWith("58") || error.sqlState().startsWith("XX")) {
      LOG.log(Level.WARNING, "internal error" + (sql == null ? "" : " running: " + sql), failure);
    } else {
      LOG.log(Level.FINE, () -> "statement failed with " + error.sqlState() + ": " + error.getMessage());
    }
    String message = error.getMessage() == null ? error.sqlState() : error.getMessage();
    return new AvaticaRuntimeException(message, 0, error.sqlState(), AvaticaSeverity.ERROR);
  }

  // ---- DatabaseMetaData ----------------------------------------------------------------------

  @Override
  public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
      List<String> typeList) {
    return metadata(ch, conn -> CatalogMetadata.tables(catalogOf(conn), schemaPattern.s, tableNamePattern.s,
        typeList));
  }

  @Override
  public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
      Pat columnNamePattern) {
    return metadata(ch, conn -> CatalogMetadata.columns(catalogOf(conn), schemaPattern.s, tableNamePattern.s,
        columnNamePattern.s, viewSql -> conn.session.describe(viewSql, conn.guard).rowType()));
  }

  @Override
  public MetaResultSet getPrimaryKeys(ConnectionHandle ch, String catalog, String schema, String table) {
    return metadata(ch, conn -> CatalogMetadata.primaryKeys(catalogOf(conn), schema, table));
  }

  @Override
  public MetaResultSet getIndexInfo(ConnectionHandle ch, String catalog, String schema, String table,
      boolean unique, boolean approximate) {
    return metadata(ch, conn -> CatalogMetadata.indexInfo(catalogOf(conn), schema, table, unique));
  }

  @Override
  public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
    return metadata(ch, conn -> CatalogMetadata.schemas(schemaPattern.s));
  }

  @Override
  public MetaResultSet getCatalogs(ConnectionHandle ch) {
    return metadata(ch, conn -> CatalogMetadata.catalogs());
  }

  @Override
  public MetaResultSet getTableTypes(ConnectionHandle ch) {
    return metadata(ch, conn -> CatalogMetadata.tableTypes());
  }

  private dev.meridian.sql.catalog.Catalog catalogOf(Conn conn) {
    conn.guard.arm(conn.statementTimeoutMillis);
    return conn.session.catalog(conn.guard);
  }

  private MetaResultSet metadata(ConnectionHandle ch, ConnWork<CatalogMetadata.Result> work) {
    return withConnection(ch.id, null, conn -> {
      CatalogMetadata.Result result = work.run(conn);
      Signature signature = Signature.create(result.columns(), "", List.of(), CursorFactory.ARRAY,
          StatementType.SELECT);
      return MetaResultSet.create(ch.id, statementIds.incrementAndGet(), true, signature,
          new Frame(0, true, result.rows()));
    });
  }
}
