package dev.meridian.sql.exec;

import org.apache.calcite.DataContext;

/**
 * What one statement's execution needs from its session: the transaction to read from, to write
 * to (null for a read-only transaction), the statement's deadline and a source of row ids. Reached
 * from generated code through the {@link DataContext} under {@link #KEY}.
 */
public final class ExecContext {

  public static final String KEY = "meridian.exec";

  private final KvReader reader;
  private final KvWriter writer;
  private final StatementGuard guard;
  private final RowIdGenerator rowIds;
  private StatementWrites statementWrites;

  public ExecContext(KvReader reader, KvWriter writer, StatementGuard guard, RowIdGenerator rowIds) {
    this.reader = reader;
    this.writer = writer;
    this.guard = guard;
    this.rowIds = rowIds;
  }

  static ExecContext of(DataContext root) {
    return (ExecContext) root.get(KEY);
  }

  KvReader reader() {
    return reader;
  }

  StatementGuard guard() {
    return guard;
  }

  long nextRowId() {
    return rowIds.next(reader.readTs());
  }

  /** The statement's write buffer; fails with 25006 in a read-only transaction. */
  StatementWrites statementWrites() {
    if (writer == null) {
      throw new SqlExecutionException("25006", "cannot write in a read-only transaction");
    }
    if (statementWrites == null) {
      statementWrites = new StatementWrites(writer);
    }
    return statementWrites;
  }

  /** Called once the statement succeeded: its writes join the transaction. */
  public void statementSucceeded() {
    if (statementWrites != null) {
      statementWrites.flush();
    }
  }
}
