package dev.meridian.storage.mvcc;

import dev.meridian.storage.Key;
import java.util.Objects;

/**
 * One buffered write of a transaction: a new value for {@code key}, or a tombstone when {@code value}
 * is null (a delete).
 */
public record Write(Key key, byte[] value) {

  public Write {
    Objects.requireNonNull(key, "key");
  }

  public static Write put(Key key, byte[] value) {
    return new Write(key, Objects.requireNonNull(value, "value"));
  }

  public static Write delete(Key key) {
    return new Write(key, null);
  }

  public boolean isDelete() {
    return value == null;
  }
}
