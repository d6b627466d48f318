package dev.meridian.storage;

import java.util.Objects;

/**
 * A half-open span of keys {@code [start, end)}. A null {@code end} means "to the end of the key space".
 */
public record KeySpan(Key start, Key end) {

  public KeySpan {
    Objects.requireNonNull(start, "start");
    if (end != null && end.compareTo(start) < 0) {
      throw new IllegalArgumentException("span end " + end + " is before its start " + start);
    }
  }

  /** Every key. */
  public static KeySpan all() {
    return new KeySpan(Key.EMPTY, null);
  }

  /** The span holding exactly {@code key}. */
  public static KeySpan point(Key key) {
    return new KeySpan(key, key.successor());
  }

  /** Every key that starts with {@code prefix}. */
  public static KeySpan prefix(Key prefix) {
    return new KeySpan(prefix, prefixEnd(prefix));
  }

  private static Key prefixEnd(Key prefix) {
    byte[] bytes = prefix.toByteArray();
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] != (byte) 0xff) {
        bytes[i]++;
        return Key.wrap(java.util.Arrays.copyOf(bytes, i + 1));
      }
    }
    return null;
  }

  public boolean contains(Key key) {
    return key.compareTo(start) >= 0 && (end == null || key.compareTo(end) < 0);
  }

  public boolean isEmpty() {
    return end != null && end.compareTo(start) <= 0;
  }

  public boolean overlaps(KeySpan other) {
    boolean thisEndsAfterOtherStarts = end == null || end.compareTo(other.start) > 0;
    boolean otherEndsAfterThisStarts = other.end == null || other.end.compareTo(start) > 0;
    return !isEmpty() && !other.isEmpty() && thisEndsAfterOtherStarts && otherEndsAfterThisStarts;
  }

  @Override
  public String toString() {
    return "[" + start + ", " + (end == null ? "∞" : end.toString()) + ")";
  }
}
