package dev.meridian.storage.rocks;

import java.util.Arrays;

/** Byte-string arithmetic for keys of the {@link RawFamily raw families} (bytewise order). */
public final class RawKeys {

  private RawKeys() {}

  /**
   * The smallest byte string above every string that starts with {@code prefix}, or null if there is
   * none (the prefix is empty or all 0xFF): the exclusive end of a prefix scan.
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }
}
