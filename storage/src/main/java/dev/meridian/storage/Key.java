package dev.meridian.storage;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable key in Meridian's ordered key space. Keys order by unsigned lexicographic comparison of
 * their bytes, which is the order the key codec makes equal to SQL value order.
 */
public final class Key implements Comparable<Key> {

  public static final Key EMPTY = new Key(new byte[0]);

  private final byte[] bytes;
  private int hash;

  private Key(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A key holding a copy of {@code bytes}. */
  public static Key of(byte[] bytes) {
    return new Key(bytes.clone());
  }

  /** A key that takes ownership of {@code bytes}: the caller must not change the array afterwards. */
  public static Key wrap(byte[] bytes) {
    return new Key(bytes);
  }

  /** The key of a UTF-8 string, for tests and tools. */
  public static Key utf8(String text) {
    return new Key(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A copy of the key's bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The key's bytes without a copy; callers must not modify them. */
  public byte[] unsafeBytes() {
    return bytes;
  }

  public int length() {
    return bytes.length;
  }

  /** The smallest key greater than this one: this key followed by a zero byte. */
  public Key successor() {
    return new Key(Arrays.copyOf(bytes, bytes.length + 1));
  }

  public boolean startsWith(Key prefix) {
    return bytes.length >= prefix.bytes.length
        && Arrays.equals(bytes, 0, prefix.bytes.length, prefix.bytes, 0, prefix.bytes.length);
  }

  @Override
  public int compareTo(Key other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Key key && Arrays.equals(bytes, key.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /** Printable ASCII as is, everything else as {@code \xNN}: readable in error messages. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(bytes.length + 2).append('"');
    HexFormat hex = HexFormat.of();
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
        out.append((char) b);
      } else {
        out.append("\\x").append(hex.toHexDigits(b));
      }
    }
    return out.append('"').toString();
  }
}
