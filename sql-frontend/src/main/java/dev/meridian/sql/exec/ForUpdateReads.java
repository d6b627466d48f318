package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reads of a {@code SELECT … FOR UPDATE}: a transaction's reader that remembers every table row
 * and index entry it returns, so that {@link #writeBack} can write each one back unchanged into the
 * transaction. Under OCC a read alone conflicts only with a writer that commits first; written
 * back, the row is in the write set too, so a concurrent writer <em>or</em> a concurrent FOR UPDATE
 * of it makes one of the two transactions fail at commit with 40001 — the guarantee a lock would
 * give, paid at commit instead of by waiting. Rows are those the statement read after key
 * pushdown: a filter that did not become key bounds may drop rows that are still written back.
 * Bounded as a statement's writes are, by {@link StatementWrites#MAX_BUFFER_BYTES} (54000 beyond):
 * what is remembered is written back.
 */
final class ForUpdateReads implements KvReader {

  private final KvWriter transaction;
  private final Map<Key, byte[]> read = new LinkedHashMap<>();
  private long readBytes;

  ForUpdateReads(KvWriter transaction) {
    this.transaction = transaction;
  }

  @Override
  public Optional<byte[]> get(Key key) {
    Optional<byte[]> value = transaction.get(key);
    value.ifPresent(bytes -> remember(key, bytes));
    return value;
  }

  @Override
  public List<KeyValue> scan(KeySpan span, Direction direction, int limit) {
    List<KeyValue> entries = transaction.scan(span, direction, limit);
    entries.forEach(entry -> remember(entry.key(), entry.value()));
    return entries;
  }

  @Override
  public Timestamp readTs() {
    return transaction.readTs();
  }

  private void remember(Key key, byte[] value) {
    if (key.length() == 0 || key.unsafeBytes()[0] != KeySpace.TABLE_DATA) {
      return;
    }
    if (read.put(key, value) == null) {
      readBytes += StatementWrites.cost(key, value);
    }
    if (readBytes > StatementWrites.MAX_BUFFER_BYTES) {
      throw new SqlExecutionException("54000", "SELECT … FOR UPDATE read more than "
          + StatementWrites.MAX_BUFFER_BYTES + " bytes of rows, which it would write back; select fewer rows");
    }
  }

  /** Writes every row read back, unchanged, into the transaction. */
  void writeBack() {
    read.forEach(transaction::put);
  }
}
