package dev.meridian.sql.exec;

import org.apache.calcite.DataContext;

/**
 * What one statement's execution needs from its session: the transaction to read from, to write
 * to (null for a read-only transaction), the statement's deadline, a source of row ids, this
 * node's sequence blocks and, when the client asked for them, where the generated keys go. Reached
 * from generated code through the {@link DataContext} under {@link #KEY}.
 */
public final class ExecContext {

  public static final String KEY = "meridian.exec";

  private final KvReader reader;
  private final KvWriter writer;
  private final StatementGuard guard;
  private final RowIdGenerator rowIds;
  private final SequenceCache sequences;
  private StatementWrites statementWrites;
  private GeneratedKeys generatedKeys;

  public ExecContext(KvReader reader, KvWriter writer, StatementGuard guard, RowIdGenerator rowIds) {
    this(reader, writer, guard, rowIds, null);
  }

  /** @param sequences this node's sequence blocks; null where no statement draws from a sequence */
  public ExecContext(KvReader reader, KvWriter writer, StatementGuard guard, RowIdGenerator rowIds,
      SequenceCache sequences) {
    this.reader = reader;
    this.writer = writer;
    this.guard = guard;
    this.rowIds = rowIds;
    this.sequences = sequences;
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

  SequenceCache sequences() {
    if (sequences == null) {
      throw new SqlExecutionException("0A000", "sequences cannot be used in this statement");
    }
    return sequences;
  }

  /** Collects the rows a DML statement writes into the generated keys the client asked for. */
  void collectGeneratedKeys(GeneratedKeys keys) {
    this.generatedKeys = keys;
  }

  /** The generated-keys collector of this statement, or null when the client did not ask for keys. */
  GeneratedKeys generatedKeys() {
    return generatedKeys;
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

  /**
   * Called once the statement succeeded: its pending checks are answered, then its writes join the
   * transaction.
   *
   * @throws StatementWrites.CheckFailed when a key it inserted already existed
   */
  public void statementSucceeded() {
    if (statementWrites != null) {
      statementWrites.flush();
    }
  }

  /**
   * Called when the statement failed with {@code failure}: a pending check that fails came first
   * in row order, so its error is the statement's; otherwise {@code failure} is. Returns the
   * failure to throw.
   */
  RuntimeException firstFailure(RuntimeException failure) {
    try {
      return failedCheck().map(RuntimeException.class::cast).orElse(failure);
    } catch (RuntimeException unanswerable) {
      // The transaction cannot answer (it may be what failed): the statement's own error stands.
      failure.addSuppressed(unanswerable);
      return failure;
    }
  }

  /** Answers the pending checks: the first that failed, if one did. */
  java.util.Optional<StatementWrites.CheckFailed> failedCheck() {
    if (statementWrites == null) {
      return java.util.Optional.empty();
    }
    try {
      statementWrites.resolveChecks();
      return java.util.Optional.empty();
    } catch (StatementWrites.CheckFailed failed) {
      return java.util.Optional.of(failed);
    }
  }

  /** Tags the checks the statement records from now on with statement {@code index} of a batch. */
  void statement(int index) {
    statementWrites().statement(index);
  }
}
