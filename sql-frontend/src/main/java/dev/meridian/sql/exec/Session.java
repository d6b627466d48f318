package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.ddl.DdlExecutor;
import dev.meridian.sql.parser.MeridianSqlParser;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.parser.ddl.SqlAlterTableSplitAt;
import dev.meridian.sql.parser.ddl.SqlCreateTable;
import dev.meridian.sql.parser.ddl.SqlSelectForUpdate;
import dev.meridian.sql.parser.ddl.SqlShow;
import dev.meridian.sql.parser.ddl.SqlShowRanges;
import dev.meridian.sql.parser.ddl.SqlShowTables;
import dev.meridian.sql.plan.QueryPlanner;
import dev.meridian.sql.row.KeyDescriptions;
import dev.meridian.txn.ReadOnlyTxn;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TimestampBound;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSetOption;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * One client connection's state (DESIGN.md §8): autocommit or an explicit transaction, read-only
 * or read-write, and read staleness. It runs each statement in the right transaction:
 * <ul>
 *   <li>autocommit SELECT: a read-only transaction (strong, or stale as the session says), which
 *       takes no locks and never aborts;
 *   <li>autocommit DML: its own read-write transaction, committed at the end and retried on a
 *       conflict (the statement is the whole transaction, so that is safe);
 *   <li>explicit transactions (autocommit off): every statement in one transaction until COMMIT or
 *       ROLLBACK; a failed statement leaves no writes behind but does not end the transaction;
 *   <li>DDL: always its own transaction, never inside an explicit one.
 * </ul>
 * One statement at a time: the methods are synchronized.
 */
public final class Session implements AutoCloseable {

  /** An autocommit DML statement is retried this many times on a conflict before 40001 reaches the client. */
  static final int AUTOCOMMIT_ATTEMPTS = 10;

  private final SqlEngine engine;
  private boolean autoCommit = true;
  private boolean readOnly;
  private long stalenessMicros;
  private ReadWriteTxn readWrite;
  private ReadOnlyTxn readOnlyTxn;
  /** The generated keys asked for with the statement running now, or null. */
  private GeneratedKeys.Request keysRequest;
  /** The open savepoints of the current transaction, oldest first (see {@link #savepointCommand}). */
  private final List<OpenSavepoint> savepoints = new java.util.ArrayList<>();

  Session(SqlEngine engine) {
    this.engine = engine;
  }

  /**
   * What a prepared statement will return and take, without running it; {@code columns} says
   * where each result column comes from (empty when unknown).
   */
  public record Description(SqlKind kind, RelDataType rowType, RelDataType parameterRowType,
      List<ResultColumn> columns) {

    public Description(SqlKind kind, RelDataType rowType, RelDataType parameterRowType) {
      this(kind, rowType, parameterRowType, List.of());
    }
  }

  public synchronized boolean autoCommit() {
    return autoCommit;
  }

  /** Turning autocommit on commits the open transaction, as JDBC says. */
  public synchronized void setAutoCommit(boolean value, StatementGuard guard) {
    if (value && !autoCommit && inTransaction()) {
      commit(guard);
    }
    autoCommit = value;
  }

  public synchronized boolean readOnly() {
    return readOnly;
  }

  public synchronized void setReadOnly(boolean value) {
    if (inTransaction() && value != readOnly) {
      throw new SqlExecutionException("25001",
          "cannot change read-only mode inside a transaction; commit or roll back first");
    }
    readOnly = value;
  }

  /** Staleness of reads in microseconds; 0 means strong reads. */
  public synchronized long stalenessMicros() {
    return stalenessMicros;
  }

  /** Sets read staleness from text such as {@code 10s}, {@code 500ms}, {@code 1m}, {@code strong}. */
  public synchronized void setStaleness(String text) {
    stalenessMicros = Staleness.parseMicros(text);
  }

  public synchronized boolean inTransaction() {
    return readWrite != null || readOnlyTxn != null;
  }

  /**
   * Runs one statement and collects the generated keys {@code keys} asks for (JDBC's {@code
   * getGeneratedKeys}): an INSERT's {@link StatementResult.UpdateCount} then carries them, see
   * {@link GeneratedKeys}. Any other statement runs as {@link #execute(String, List, StatementGuard)}.
   */
  public synchronized StatementResult execute(String sql, List<Object> parameters, StatementGuard guard,
      GeneratedKeys.Request keys) {
    keysRequest = keys;
    try {
      return execute(sql, parameters, guard);
    } finally {
      keysRequest = null;
    }
  }

  /** Runs one statement with its parameters (Calcite runtime values, in order). */
  public synchronized StatementResult execute(String sql, List<Object> parameters, StatementGuard guard) {
    sql = withoutTrailingSemicolons(sql);
    try {
      Optional<SavepointCommand> savepoint = SavepointCommand.parse(sql);
      if (savepoint.isPresent()) {
        return savepointCommand(savepoint.get(), guard);
      }
      SqlNode node = MeridianSqlParser.parse(sql);
      if (node instanceof SqlSelectForUpdate forUpdate) {
        return queryForUpdate(sql, forUpdate.getQuery(), parameters, guard);
      }
      if (node instanceof SqlSetOption set) {
        return applySet(set);
      }
      if (node instanceof SqlShow show) {
        return show(show, guard);
      }
      if (node instanceof SqlAlterTableSplitAt split) {
        return splitAt(split, parameters, guard);
      }
      if (node.getKind().belongsTo(SqlKind.DDL)) {
        return ddl(node, guard);
      }
      if (node.getKind().belongsTo(SqlKind.QUERY) || node.getKind() == SqlKind.EXPLAIN) {
        return query(sql, node, parameters, guard);
      }
      if (node.getKind().belongsTo(SqlKind.DML)) {
        return dml(sql, node, parameters, guard);
      }
      throw new SqlExecutionException("0A000", "statement not supported: " + node.getKind());
    } catch (RuntimeException | Error | org.apache.calcite.sql.parser.SqlParseException e) {
      // Errors too: generated code fails in class initializers (ExceptionInInitializerError).
      throw inSqlTerms(SqlErrors.translate(e, sql));
    }
  }

  /**
   * A conflict said in SQL terms: which row of which table (or which index entry) another
   * transaction changed, instead of the key bytes the transaction layer knows.
   */
  private SqlExecutionException inSqlTerms(SqlExecutionException failure) {
    if (failure.getCause() instanceof TxnConflictException conflict && conflict.key().isPresent()
        && conflict.reason().isPresent()) {
      String what = KeyDescriptions.describe(engine.catalogs().newestLoaded(), conflict.key().get());
      return new SqlExecutionException(failure.sqlState(), "could not serialize access: " + what + " "
          + conflict.reason().get() + "; retry the transaction", conflict);
    }
    return failure;
  }

  /** Plans {@code sql} against the current catalog and says what it returns and takes. */
  public synchronized Description describe(String sql, StatementGuard guard) {
    sql = withoutTrailingSemicolons(sql);
    try {
      if (SavepointCommand.parse(sql).isPresent()) {
        return new Description(SqlKind.OTHER, null, null);
      }
      SqlNode node = MeridianSqlParser.parse(sql);
      if (node instanceof SqlSelectForUpdate forUpdate) {
        node = forUpdate.getQuery();
      }
      if (!node.getKind().belongsTo(SqlKind.QUERY) && !node.getKind().belongsTo(SqlKind.DML)
          && node.getKind() != SqlKind.EXPLAIN) {
        return new Description(node.getKind(), null, null);
      }
      KvReader reader = inTransaction() ? currentReader(guard) : BlockingTxn.of(
          engine.client().beginReadOnly(TimestampBound.strong()), guard);
      Catalog catalog = engine.catalogs().catalog(reader);
      Optional<Description> multiRow = MultiRowInsert.of(node).flatMap(insert -> insert.describe(engine, catalog));
      if (multiRow.isPresent()) {
        return multiRow.get();
      }
      QueryPlanner.Plan plan = plan(catalog, sql);
      return new Description(plan.kind(), plan.kind() == SqlKind.EXPLAIN ? explainRowType() : plan.rowType(),
          plan.parameterRowType(), ResultColumn.of(catalog, plan.fieldOrigins()));
    } catch (RuntimeException | Error | org.apache.calcite.sql.parser.SqlParseException e) {
      // Errors too: generated code fails in class initializers (ExceptionInInitializerError).
      throw SqlErrors.translate(e, sql);
    }
  }

  /** The catalog as this session sees it now: for DatabaseMetaData (tables, columns, keys, indexes). */
  public synchronized Catalog catalog(StatementGuard guard) {
    KvReader reader = inTransaction() ? currentReader(guard)
        : BlockingTxn.of(engine.client().beginReadOnly(TimestampBound.strong()), guard);
    return engine.catalogs().catalog(reader);
  }

  public synchronized void commit(StatementGuard guard) {
    ReadWriteTxn txn = readWrite;
    readWrite = null;
    readOnlyTxn = null;
    savepoints.clear();
    if (txn != null) {
      try {
        BlockingTxn.commit(txn, guard);
      } catch (SqlExecutionException e) {
        throw inSqlTerms(e);
      }
    }
  }

  public synchronized void rollback() {
    if (readWrite != null) {
      readWrite.abort();
    }
    readWrite = null;
    readOnlyTxn = null;
    savepoints.clear();
  }

  @Override
  public synchronized void close() {
    rollback();
  }

  /** A savepoint of the session's transaction: its name, and its mark (null in a read-only one). */
  private record OpenSavepoint(String name, ReadWriteTxn.Savepoint mark) {}

  /**
   * SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT, as PostgreSQL has them: only inside a
   * transaction (autocommit off; else 25P01), where SAVEPOINT starts the transaction if no statement
   * has yet. Names may repeat; ROLLBACK TO and RELEASE find the newest savepoint of the name (none:
   * 3B001). ROLLBACK TO undoes the writes made since and closes the savepoints taken after it, but
   * keeps it; RELEASE closes it and those after it, keeping the writes. The read set is kept either
   * way (see {@link ReadWriteTxn}). In a read-only transaction there is nothing to undo, but
   * names are still checked. COMMIT and ROLLBACK close every savepoint.
   */
  private StatementResult savepointCommand(SavepointCommand command, StatementGuard guard) {
    if (autoCommit) {
      throw new SqlExecutionException("25P01", command.sql() + " can only be used in a transaction;"
          + " turn autocommit off (Connection.setAutoCommit(false)) first");
    }
    if (command.kind() == SavepointCommand.Kind.SAVEPOINT) {
      ReadWriteTxn.Savepoint mark = null;
      if (readOnly) {
        currentReader(guard);
      } else {
        mark = BlockingTxn.await(ensureReadWrite().savepoint(), guard);
      }
      savepoints.add(new OpenSavepoint(command.name(), mark));
      return new StatementResult.Done("SAVEPOINT");
    }
    int index = savepoints.size() - 1;
    while (index >= 0 && !savepoints.get(index).name().equals(command.name())) {
      index--;
    }
    if (index < 0) {
      throw new SqlExecutionException("3B001", "savepoint \"" + command.name() + "\" does not exist"
          + (savepoints.isEmpty() ? " (this transaction has none)" : "; open savepoints: "
          + savepoints.stream().map(OpenSavepoint::name).toList()));
    }
    ReadWriteTxn.Savepoint mark = savepoints.get(index).mark();
    if (command.kind() == SavepointCommand.Kind.ROLLBACK_TO) {
      if (mark != null) {
        BlockingTxn.await(readWrite.rollbackTo(mark), guard);
      }
      savepoints.subList(index + 1, savepoints.size()).clear();
      return new StatementResult.Done("ROLLBACK");
    }
    if (mark != null) {
      BlockingTxn.await(readWrite.release(mark), guard);
    }
    savepoints.subList(index, savepoints.size()).clear();
    return new StatementResult.Done("RELEASE");
  }

  private StatementResult applySet(SqlSetOption set) {
    String name = set.getName().toString().toUpperCase(java.util.Locale.ROOT);
    SqlNode value = set.getValue();
    String text = value instanceof SqlLiteral literal ? literal.toValue() : String.valueOf(value);
    switch (name) {
      case "READ_STALENESS" -> setStaleness(text == null ? "strong" : text);
      default -> throw new SqlExecutionException("42704", "unknown session setting " + name
          + "; known settings: READ_STALENESS");
    }
    return new StatementResult.Done("SET");
  }

  private StatementResult ddl(SqlNode node, StatementGuard guard) {
    if (!autoCommit && inTransaction()) {
      throw new SqlExecutionException("25001",
          "DDL cannot run inside an explicit transaction; commit or roll back first");
    }
    if (readOnly) {
      throw new SqlExecutionException("25006", "cannot run DDL in a read-only session");
    }
    StatementResult done = autocommitRetrying(guard, writer -> {
      Catalog catalog = engine.catalogs().catalog(writer);
      new DdlExecutor(engine.catalogs(), engine.planner(catalog), writer, guard).execute(node);
      return new StatementResult.Done(node.getKind().toString());
    });
    if (node.getKind() == SqlKind.DROP_TABLE || node.getKind() == SqlKind.DROP_INDEX) {
      engine.cleanupScheduled();
    }
    if (node instanceof SqlCreateTable create) {
      catalog(guard).table(DdlExecutor.objectName(create.getName()))
          .ifPresent(created -> RangeStatements.isolateNewTable(created, engine.client().rangeAdmin(), guard));
    }
    return done;
  }

  /** ALTER TABLE … SPLIT AT VALUES: outside any transaction, as DDL (see {@link RangeStatements}). */
  private StatementResult splitAt(SqlAlterTableSplitAt split, List<Object> parameters, StatementGuard guard) {
    if (!autoCommit && inTransaction()) {
      throw new SqlExecutionException("25001",
          "ALTER TABLE … SPLIT AT cannot run inside an explicit transaction; commit or roll back first");
    }
    Catalog catalog = catalog(guard);
    Table table = RangeStatements.table(catalog, split.getTable());
    String valuesQuery = RangeStatements.splitValuesQuery(split, table);
    Object[] values;
    try {
      KvReader reader = BlockingTxn.of(engine.client().beginReadOnly(TimestampBound.strong()), guard);
      StatementResult.Rows row = runQuery(valuesQuery, MeridianSqlParser.parse(valuesQuery), parameters, guard,
          reader, null);
      values = row.rows().next();
    } catch (org.apache.calcite.sql.parser.SqlParseException e) {
      throw new IllegalStateException("the split points' query does not parse: " + valuesQuery, e);
    }
    RangeStatements.split(RangeStatements.splitKeys(split, table, values), catalog, engine.client().rangeAdmin(),
        guard);
    return new StatementResult.Done("ALTER TABLE");
  }

  private StatementResult show(SqlShow show, StatementGuard guard) {
    if (show instanceof SqlShowRanges ranges) {
      Catalog catalog = catalog(guard);
      return RangeStatements.showRanges(ranges, catalog, engine.client().rangeAdmin(),
          engine.planner(catalog).typeFactory(), guard);
    }
    if (!(show instanceof SqlShowTables)) {
      throw new SqlExecutionException("0A000",
          show + " needs the cluster's regions, which arrive with placement");
    }
    Catalog catalog = catalog(guard);
    RelDataTypeFactory types = engine.planner(catalog).typeFactory();
    RelDataType rowType = types.builder().add("TABLE_NAME", SqlTypeName.VARCHAR).add("KIND", SqlTypeName.VARCHAR).build();
    List<Object[]> rows = new java.util.ArrayList<>();
    catalog.tables().keySet().forEach(name -> rows.add(new Object[] {name, "TABLE"}));
    catalog.views().keySet().forEach(name -> rows.add(new Object[] {name, "VIEW"}));
    rows.sort(java.util.Comparator.comparing(row -> (String) row[0]));
    return new StatementResult.Rows(rowType, rows.iterator(), () -> { });
  }

  private StatementResult query(String sql, SqlNode node, List<Object> parameters, StatementGuard guard) {
    KvReader reader;
    KvWriter writer = null;
    if (inTransaction() || !autoCommit) {
      reader = currentReader(guard);
      writer = readWrite == null ? null : BlockingTxn.of(readWrite, guard);
    } else {
      reader = BlockingTxn.of(engine.client().beginReadOnly(readBound()), guard);
    }
    return runQuery(sql, node, parameters, guard, reader, writer);
  }

  private StatementResult.Rows runQuery(String sql, SqlNode node, List<Object> parameters,
      StatementGuard guard, KvReader reader, KvWriter writer) {
    Catalog catalog = engine.catalogs().catalog(reader);
    QueryPlanner planner = engine.planner(catalog);
    QueryPlanner.Plan plan = plan(catalog, sql);
    if (plan.kind() == SqlKind.EXPLAIN) {
      List<Object[]> lines = plan.explain().lines().map(line -> new Object[] {line}).toList();
      return new StatementResult.Rows(explainRowType(), lines.iterator(), () -> { });
    }
    ExecContext context = new ExecContext(reader, writer, guard, engine.rowIds(), engine.sequences());
    Enumerable<Object> rows = plan.bindable().bind(PlanRunner.dataContext(planner, plan, parameters, context, reader));
    return new StatementResult.Rows(plan.rowType(), rowsOf(rows.enumerator(), plan.rowType().getFieldCount()),
        () -> { }, ResultColumn.of(catalog, plan.fieldOrigins()));
  }

  /**
   * {@code SELECT … FOR UPDATE} under optimistic concurrency: the rows the query reads are written
   * back unchanged into the transaction ({@link ForUpdateReads}), so they are validated at commit as
   * if written — a concurrent writer, or a concurrent FOR UPDATE, of one of them makes one of the
   * two transactions fail at commit with 40001, where a locking database would have made one wait.
   * Nobody waits and no deadlock can form. The result is read whole before the write-back, so it is
   * bounded like a statement's writes. In autocommit the statement is its whole transaction, so
   * there is nothing to protect: it runs as the plain query. A read-only transaction refuses it
   * (25006), as PostgreSQL does.
   */
  private StatementResult queryForUpdate(String sql, SqlNode query, List<Object> parameters, StatementGuard guard) {
    if (readOnly) {
      throw new SqlExecutionException("25006", "cannot run SELECT … FOR UPDATE in a read-only transaction");
    }
    if (autoCommit && !inTransaction()) {
      return query(sql, query, parameters, guard);
    }
    KvWriter writer = BlockingTxn.of(ensureReadWrite(), guard);
    ForUpdateReads reads = new ForUpdateReads(writer);
    StatementResult.Rows result = runQuery(sql, query, parameters, guard, reads, writer);
    List<Object[]> rows = new java.util.ArrayList<>();
    result.rows().forEachRemaining(rows::add);
    reads.writeBack();
    return new StatementResult.Rows(result.rowType(), rows.iterator(), () -> { });
  }

  private StatementResult dml(String sql, SqlNode node, List<Object> parameters, StatementGuard guard) {
    if (readOnly) {
      throw new SqlExecutionException("25006", "cannot write in a read-only transaction");
    }
    if (autoCommit && !inTransaction()) {
      return autocommitRetrying(guard, writer -> runDml(sql, node, parameters, guard, writer));
    }
    KvWriter writer = BlockingTxn.of(ensureReadWrite(), guard);
    return runDml(sql, node, parameters, guard, writer);
  }

  private StatementResult runDml(
      String sql, SqlNode node, List<Object> parameters, StatementGuard guard, KvWriter writer) {
    GeneratedKeys keys = keysRequest == null ? null : new GeneratedKeys(keysRequest);
    long count = runDmlIn(engine.catalogs().catalog(writer), sql, node, parameters, guard, writer, keys);
    return new StatementResult.UpdateCount(count, keys == null ? null : keys.result());
  }

  /**
   * Runs one DML statement in {@code writer}'s transaction; returns its update count. {@code keys}
   * collects the generated keys the client asked for, or is null.
   */
  private long runDmlIn(Catalog catalog, String sql, SqlNode node, List<Object> parameters, StatementGuard guard,
      KvWriter writer, GeneratedKeys keys) {
    ExecContext context = new ExecContext(writer, writer, guard, engine.rowIds(), engine.sequences());
    context.collectGeneratedKeys(keys);
    try {
      long count = runDmlWith(catalog, sql, node, parameters, writer, guard, context);
      context.statementSucceeded();
      return count;
    } catch (StatementWrites.CheckFailed failed) {
      throw failed.failure;
    }
  }

  /**
   * Runs one DML statement's rows into {@code context}'s statement buffer, without handing them
   * to the transaction; returns its update count.
   *
   * @throws StatementWrites.CheckFailed when a failure came after a row whose key (checked in
   *     bulk, see {@link StatementWrites#requireAbsent}) already existed: that row failed first
   */
  private long runDmlWith(Catalog catalog, String sql, SqlNode node, List<Object> parameters, KvWriter writer,
      StatementGuard guard, ExecContext context) {
    try {
      Optional<MultiRowInsert> multiRow = MultiRowInsert.of(node);
      if (multiRow.isPresent()) {
        return multiRow.get().run(engine, catalog, parameters, context, writer, guard);
      }
      PlannedDml planned = planDml(catalog, sql, node, parameters);
      return PlanRunner.updateCount(engine.planner(catalog), planned.plan(), planned.parameters(), context, writer);
    } catch (RuntimeException e) {
      throw context.firstFailure(e);
    }
  }

  /**
   * Whether {@code node} is an INSERT (or UPSERT) of VALUES that reads nothing but its own
   * statement buffer: no subquery, which would read the transaction (and so miss the rows of
   * earlier statements that share the buffer, see {@link #runBatch}).
   */
  private static boolean isInsertOfValues(SqlNode node) {
    if (!(node instanceof org.apache.calcite.sql.SqlInsert insert) || insert.getSource().getKind() != SqlKind.VALUES) {
      return false;
    }
    boolean[] query = {false};
    insert.getSource().accept(new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
      @Override
      public Void visit(org.apache.calcite.sql.SqlCall call) {
        if (call instanceof org.apache.calcite.sql.SqlSelect || call.getKind().belongsTo(SqlKind.QUERY)
            && call.getKind() != SqlKind.VALUES) {
          query[0] = true;
          return null;
        }
        return super.visit(call);
      }
    });
    return !query[0];
  }

  /** One statement of a batch: its SQL and its parameter values (Calcite runtime values). */
  public record BatchStatement(String sql, List<Object> parameters) {}

  /**
   * Runs a batch of DML statements (JDBC {@code executeBatch}) and returns their update counts. In
   * autocommit the whole batch is one transaction, committed once at its end (one commit wait and
   * one synced write for all its rows, and retried whole on a conflict): when a statement fails,
   * none of the batch takes effect. In an explicit transaction each statement runs as it would
   * alone: a failed one leaves no writes, those before it stay in the transaction. Either way the
   * batch stops at the first failure, which {@link BatchException} names.
   *
   * @throws BatchException when a statement (or the autocommit batch's commit) failed
   */
  public synchronized long[] executeBatch(List<BatchStatement> statements, StatementGuard guard) {
    if (readOnly) {
      throw new SqlExecutionException("25006", "cannot write in a read-only transaction");
    }
    int[] reached = {0};
    if (autoCommit && !inTransaction()) {
      try {
        return autocommitRetrying(guard, writer -> runBatch(statements, guard, writer, reached, true));
      } catch (SqlExecutionException e) {
        throw new BatchException(reached[0], statements.size(), false, inSqlTerms(e));
      }
    }
    KvWriter writer = BlockingTxn.of(ensureReadWrite(), guard);
    try {
      return runBatch(statements, guard, writer, reached, false);
    } catch (SqlExecutionException e) {
      throw new BatchException(reached[0], statements.size(), true, inSqlTerms(e));
    }
  }

  /**
   * Runs the statements in order in one transaction; {@code reached[0]} says which one runs (or
   * failed). In an autocommit batch ({@code atomic}), consecutive INSERTs of VALUES share one
   * statement buffer: the batch takes effect whole or not at all anyway, and so a thousand rows
   * check their keys in one read of the transaction rather than a read each
   * ({@link StatementWrites#requireAbsent}); a failure still names the first statement that failed.
   */
  private long[] runBatch(List<BatchStatement> statements, StatementGuard guard, KvWriter writer, int[] reached,
      boolean atomic) {
    reached[0] = 0;
    Catalog catalog = engine.catalogs().catalog(writer);
    long[] counts = new long[statements.size()];
    String lastSql = null;
    SqlNode lastNode = null;
    boolean lastShares = false;
    ExecContext shared = null;
    for (int i = 0; i < counts.length; i++) {
      reached[0] = i;
      String sql = withoutTrailingSemicolons(statements.get(i).sql());
      try {
        // A prepared statement's batch repeats one text: parsed once (planning never changes the
        // tree, see plan), as parsing cost as much as running the row.
        SqlNode node;
        if (sql.equals(lastSql)) {
          node = lastNode;
        } else {
          node = MeridianSqlParser.parse(sql);
          lastShares = atomic && isInsertOfValues(node);
        }
        lastSql = sql;
        lastNode = node;
        if (!node.getKind().belongsTo(SqlKind.DML)) {
          throw new SqlExecutionException("0A000",
              "a batch may hold only INSERT, UPSERT, UPDATE and DELETE statements, not " + node.getKind());
        }
        if (lastShares) {
          if (shared == null) {
            shared = new ExecContext(writer, writer, guard, engine.rowIds(), engine.sequences());
          }
          shared.statement(i);
          counts[i] = runDmlWith(catalog, sql, node, statements.get(i).parameters(), writer, guard, shared);
        } else {
          flushShared(shared, reached);
          shared = null;
          reached[0] = i;
          counts[i] = runDmlIn(catalog, sql, node, statements.get(i).parameters(), guard, writer, null);
        }
      } catch (StatementWrites.CheckFailed failed) {
        reached[0] = failed.statement;
        throw failed.failure;
      } catch (RuntimeException | org.apache.calcite.sql.parser.SqlParseException e) {
        // A row of an earlier statement sharing the buffer may have failed first: its check was pending.
        Optional<StatementWrites.CheckFailed> earlier = shared == null ? Optional.empty() : shared.failedCheck();
        if (earlier.isPresent()) {
          reached[0] = earlier.get().statement;
          throw earlier.get().failure;
        }
        throw SqlErrors.translate(e, sql);
      }
    }
    flushShared(shared, reached);
    reached[0] = counts.length;
    return counts;
  }

  /** Hands the shared buffer of a batch's INSERTs to the transaction, once its checks pass. */
  private static void flushShared(ExecContext shared, int[] reached) {
    if (shared == null) {
      return;
    }
    try {
      shared.statementSucceeded();
    } catch (StatementWrites.CheckFailed failed) {
      reached[0] = failed.statement;
      throw failed.failure;
    }
  }

  private interface TxnWork<T> {
    T run(KvWriter writer);
  }

  /** Runs {@code work} in its own read-write transaction, retrying it on a conflict. */
  private <T> T autocommitRetrying(StatementGuard guard, TxnWork<T> work) {
    return BlockingTxn.retrying(engine.client(), guard, AUTOCOMMIT_ATTEMPTS, work::run);
  }

  /** A DML statement's plan and the parameter values to run it with. */
  private record PlannedDml(QueryPlanner.Plan plan, List<Object> parameters) {}

  /** Plans an INSERT of literals by its shape ({@link LiteralInsert}), anything else as written. */
  private PlannedDml planDml(Catalog catalog, String sql, SqlNode node, List<Object> parameters) {
    Optional<LiteralInsert> shape = parameters.isEmpty() ? LiteralInsert.of(node) : Optional.empty();
    if (shape.isPresent()) {
      Optional<QueryPlanner.Plan> plan = shape.get().plan(engine, catalog);
      Optional<List<Object>> values = plan.flatMap(p -> shape.get().parameters(p.parameterRowType()));
      if (values.isPresent()) {
        return new PlannedDml(plan.get(), values.get());
      }
    }
    return new PlannedDml(plan(catalog, sql), parameters);
  }

  /**
   * The plan of {@code sql}, cached. A miss plans a tree parsed anew, not the caller's: Calcite's
   * validator rewrites the tree it validates, and the caller's may be used again (a batch parses
   * its statement once).
   */
  private QueryPlanner.Plan plan(Catalog catalog, String sql) {
    QueryPlanner.Plan plan = engine.cachedPlan(catalog.version(), sql);
    if (plan == null) {
      try {
        SqlNode node = MeridianSqlParser.parse(sql);
        if (node instanceof SqlSelectForUpdate forUpdate) {
          // The plan of the rows read; writing them back is the session's (queryForUpdate).
          node = forUpdate.getQuery();
        }
        plan = engine.planner(catalog).plan(node);
      } catch (org.apache.calcite.sql.parser.SqlParseException e) {
        throw SqlErrors.translate(e, sql);
      }
      engine.cachePlan(catalog.version(), sql, plan);
    }
    return plan;
  }

  private RelDataType explainRowType() {
    return new dev.meridian.sql.plan.MeridianTypeFactory().builder().add("PLAN", SqlTypeName.VARCHAR).build();
  }

  private TimestampBound readBound() {
    return stalenessMicros == 0 ? TimestampBound.strong() : TimestampBound.exactStaleness(stalenessMicros);
  }

  private KvReader currentReader(StatementGuard guard) {
    if (readWrite != null) {
      return BlockingTxn.of(readWrite, guard);
    }
    if (readOnlyTxn != null) {
      return BlockingTxn.of(readOnlyTxn, guard);
    }
    if (readOnly) {
      readOnlyTxn = engine.client().beginReadOnly(readBound());
      return BlockingTxn.of(readOnlyTxn, guard);
    }
    return BlockingTxn.of(ensureReadWrite(), guard);
  }

  private ReadWriteTxn ensureReadWrite() {
    if (readWrite == null) {
      try {
        readWrite = engine.client().beginReadWrite();
      } catch (TxnException e) {
        throw BlockingTxn.translate(e);
      }
    }
    return readWrite;
  }

  /**
   * One statement may end with semicolons, as scripts and tools write it (PostgreSQL's driver
   * accepts them too); the parser takes a single statement without one.
   */
  static String withoutTrailingSemicolons(String sql) {
    int end = sql.length();
    while (end > 0 && (sql.charAt(end - 1) == ';' || Character.isWhitespace(sql.charAt(end - 1)))) {
      end--;
    }
    return sql.substring(0, end);
  }

  /** The next row; a failure computing it (1/x with x = 0) is the statement's error, with its SQLSTATE. */
  private static boolean moveNext(Enumerator<Object> enumerator) {
    try {
      return enumerator.moveNext();
    } catch (RuntimeException | Error e) {
      throw SqlErrors.translate(e, null);
    }
  }

  /** The current row: Calcite computes projections here, so it fails as {@link #moveNext} may. */
  private static Object current(Enumerator<Object> enumerator) {
    try {
      return enumerator.current();
    } catch (RuntimeException | Error e) {
      throw SqlErrors.translate(e, null);
    }
  }

  /** Rows from Calcite's enumerator as arrays (single-column results come as bare values). */
  private static Iterator<Object[]> rowsOf(Enumerator<Object> enumerator, int width) {
    return new Iterator<>() {
      private Boolean hasNext;

      @Override
      public boolean hasNext() {
        if (hasNext == null) {
          hasNext = moveNext(enumerator);
          if (!hasNext) {
            enumerator.close();
          }
        }
        return hasNext;
      }

      @Override
      public Object[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        hasNext = null;
        Object current = current(enumerator);
        return width == 1 && !(current instanceof Object[]) ? new Object[] {current} : (Object[]) current;
      }
    };
  }
}
