package dev.meridian.sql.exec;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import java.util.List;
import java.util.Optional;

/** A transaction's reads as the SQL executor uses them: blocking, on the executor's own thread. */
public interface KvReader {

  Optional<byte[]> get(Key key);

  /** The values of {@code keys}, in order: one wait for all of them where the transaction can. */
  default List<Optional<byte[]>> getAll(List<Key> keys) {
    List<Optional<byte[]>> values = new java.util.ArrayList<>(keys.size());
    for (Key key : keys) {
      values.add(get(key));
    }
    return values;
  }

  List<KeyValue> scan(KeySpan span, Direction direction, int limit);

  Timestamp readTs();
}
