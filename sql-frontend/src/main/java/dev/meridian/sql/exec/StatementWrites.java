package dev.meridian.sql.exec;

import dev.meridian.storage.Key;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.TxnLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The writes of one DML statement, kept apart from its transaction until the statement succeeds, so
 * that a failed statement leaves no partial writes even inside a longer transaction. Constraint
 * checks read through it (a statement must see its own earlier rows to find duplicates among them);
 * the statement's source query reads the transaction directly, so it never sees rows the statement
 * itself wrote.
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
    List<Write> all = new ArrayList<>(writes.size());
    for (Map.Entry<Key, byte[]> write : writes.entrySet()) {
      all.add(write.getValue() == DELETED ? Write.delete(write.getKey()) : Write.put(write.getKey(), write.getValue()));
    }
    transaction.writeAll(all);
    writes.clear();
    bufferedBytes = 0;
  }
}
