package dev.meridian.sql.exec;

import dev.meridian.storage.Key;
import dev.meridian.storage.mvcc.Write;
import java.util.List;

/** A read-write transaction as the SQL executor uses it; writes are buffered until commit. */
public interface KvWriter extends KvReader {

  void put(Key key, byte[] value);

  void delete(Key key);

  /** Buffers puts and deletes in order; a transaction may take them in one hand-off. */
  default void writeAll(List<Write> writes) {
    for (Write write : writes) {
      if (write.isDelete()) {
        delete(write.key());
      } else {
        put(write.key(), write.value());
      }
    }
  }
}
