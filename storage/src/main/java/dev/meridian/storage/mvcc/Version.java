package dev.meridian.storage.mvcc;

import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;

/** One committed version of a key: its value at {@code commitTs}, or a tombstone when value is null. */
public record Version(Key key, Timestamp commitTs, byte[] value) {

  public boolean isTombstone() {
    return value == null;
  }
}
