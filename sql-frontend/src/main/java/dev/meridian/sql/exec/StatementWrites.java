package dev.meridian.sql.exec;

import dev.meridian.storage.Key;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.TxnLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The writes of one DML statement, kept apart from its transaction until the statement succeeds, so
 * that a failed statement leaves no partial writes even inside a longer transaction. Constraint
 * checks read through it (a statement must see its own earlier rows to find duplicates among them);
 * the statement's source query reads the transaction directly, so it never sees rows the statement
 * itself wrote.
 *
 * <p>That a key a row inserts is not taken yet is checked against the transaction in bulk ({@link
 * #requireAbsent}): the checks are collected and answered by one read of all their keys before the
 * writes join the transaction ({@link #flush}), or as soon as the statement fails otherwise ({@link
 * #resolveChecks}), so that the first failure in row order is still the one reported. Checked one
 * by one, each row cost a round trip to the range's loop, which dominated bulk loading. The
 * pending checks are bounded with the writes: each precedes a write of its key.
 */
final class StatementWrites {

  /**
   * Bound on one statement's buffered writes, counted as the transaction counts its own ({@link
   * TxnLimits}: key and value bytes plus a per-key overhead, each key once). A statement's writes
   * all join one transaction, whose default bound is the same, so a statement past it could never
   * commit anyway; failing here (54000) keeps it from first growing a second copy on the heap.
   */
  static final long MAX_BUFFER_BYTES = TxnLimits.defaults().maxWriteBufferBytes();

  private static final byte[] DELETED = new byte[0];

  private final KvWriter transaction;
  private final TreeMap<Key, byte[]> writes = new TreeMap<>();
  private long bufferedBytes;

  /** Keys the statement requires absent from the transaction, in the order they were required. */
  private final List<AbsenceCheck> checks = new ArrayList<>();

  /** Which statement (of a batch sharing this buffer) writes now, for the checks it records. */
  private int statement;

  /** Keys of pending checks read from the transaction per call: one loop task stays short. */
  static final int CHECK_READ_KEYS = 4096;

  /** A key that must not exist yet, the statement that required it, and the error if it does. */
  private record AbsenceCheck(Key key, int statement, Supplier<SqlExecutionException> duplicate) {}

  /** A pending check found its key taken: {@link #failure} of statement {@link #statement}. */
  static final class CheckFailed extends RuntimeException {
    final int statement;
    final SqlExecutionException failure;

    CheckFailed(int statement, SqlExecutionException failure) {
      super(failure.getMessage(), failure, false, false);
      this.statement = statement;
      this.failure = failure;
    }
  }

  StatementWrites(KvWriter transaction) {
    this.transaction = transaction;
  }

  Optional<byte[]> get(Key key) {
    byte[] own = writes.get(key);
    if (own != null) {
      return own == DELETED ? Optional.empty() : Optional.of(own);
    }
    return transaction.get(key);
  }

  /**
   * Requires {@code key} not to exist, as {@code get(key).isEmpty()} would: at once when this
   * statement wrote or deleted it, else later, with the other pending checks. {@code duplicate}
   * makes the error to raise when it exists.
   */
  void requireAbsent(Key key, Supplier<SqlExecutionException> duplicate) {
    byte[] own = writes.get(key);
    if (own == DELETED) {
      return;
    }
    if (own != null) {
      throw duplicate.get();
    }
    checks.add(new AbsenceCheck(key, statement, duplicate));
  }

  /** Tags the checks recorded from now on with statement {@code index} of a batch. */
  void statement(int index) {
    statement = index;
  }

  /**
   * Answers the pending checks, in the order they were recorded.
   *
   * @throws CheckFailed for the first whose key exists; the statement's writes are then dropped
   */
  void resolveChecks() {
    try {
      for (int from = 0; from < checks.size(); from += CHECK_READ_KEYS) {
        List<AbsenceCheck> part = checks.subList(from, Math.min(checks.size(), from + CHECK_READ_KEYS));
        List<Key> keys = new ArrayList<>(part.size());
        part.forEach(check -> keys.add(check.key()));
        List<Optional<byte[]>> found = transaction.getAll(keys);
        for (int i = 0; i < found.size(); i++) {
          if (found.get(i).isPresent()) {
            writes.clear();
            bufferedBytes = 0;
            throw new CheckFailed(part.get(i).statement(), part.get(i).duplicate().get());
          }
        }
      }
    } finally {
      checks.clear();
    }
  }

  void put(Key key, byte[] value) {
    record(key, value);
  }

  void delete(Key key) {
    record(key, DELETED);
  }

  private void record(Key key, byte[] value) {
    byte[] previous = writes.put(key, value);
    bufferedBytes += cost(key, value) - (previous == null ? 0 : cost(key, previous));
    if (bufferedBytes > MAX_BUFFER_BYTES) {
      writes.clear();
      throw new SqlExecutionException("54000", "statement writes more than " + MAX_BUFFER_BYTES
          + " bytes (keys, values and " + TxnLimits.WRITE_OVERHEAD_BYTES + " bytes a key), the bound of "
          + "one statement's and one transaction's writes; split it into smaller statements and transactions");
    }
  }

  /** What one buffered write counts against the bound. */
  static long cost(Key key, byte[] value) {
    return (long) key.length() + value.length + TxnLimits.WRITE_OVERHEAD_BYTES;
  }

  /** Hands the statement's writes to its transaction: called once the statement has succeeded. */
  void flush() {
    resolveChecks();
    List<Write> all = new ArrayList<>(writes.size());
    for (Map.Entry<Key, byte[]> write : writes.entrySet()) {
      all.add(write.getValue() == DELETED ? Write.delete(write.getKey()) : Write.put(write.getKey(), write.getValue()));
    }
    transaction.writeAll(all);
    writes.clear();
    bufferedBytes = 0;
  }
}
