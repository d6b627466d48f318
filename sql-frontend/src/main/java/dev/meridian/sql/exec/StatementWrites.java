package dev.meridian.sql.exec;

import dev.meridian.storage.Key;
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

  /** Bound on one statement's buffered writes: beyond it the statement fails with 54000. */
  static final int MAX_WRITES = 2_000_000;

  private static final byte[] DELETED = new byte[0];

  private final KvWriter transaction;
  private final TreeMap<Key, byte[]> writes = new TreeMap<>();

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
    writes.put(key, value);
    if (writes.size() > MAX_WRITES) {
      throw new SqlExecutionException("54000",
          "statement writes more than " + MAX_WRITES + " keys; split it into smaller statements");
    }
  }

  /** Hands the statement's writes to its transaction: called once the statement has succeeded. */
  void flush() {
    for (Map.Entry<Key, byte[]> write : writes.entrySet()) {
      if (write.getValue() == DELETED) {
        transaction.delete(write.getKey());
      } else {
        transaction.put(write.getKey(), write.getValue());
      }
    }
    writes.clear();
  }
}
