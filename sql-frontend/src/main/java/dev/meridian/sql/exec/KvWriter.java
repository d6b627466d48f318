package dev.meridian.sql.exec;

import dev.meridian.storage.Key;

/** A read-write transaction as the SQL executor uses it; writes are buffered until commit. */
public interface KvWriter extends KvReader {

  void put(Key key, byte[] value);

  void delete(Key key);
}
