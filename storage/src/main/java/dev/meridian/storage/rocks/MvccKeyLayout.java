package dev.meridian.storage.rocks;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import java.util.Arrays;

/**
 * The keys of the {@code mvcc} column family (see {@link RocksMvccEngine} for all layouts):
 *
 * <pre>
 *   escape(userKey) | 0x00 0x01 | be64(Long.MAX_VALUE - commitMicros)
 *   escape: every 0x00 byte becomes 0x00 0xFF, every other byte stays
 * </pre>
 *
 * <p>Invariant: unsigned byte order of stored keys is (user key ascending, commit timestamp
 * descending). The escaped body never contains {@code 0x00 0x01}, so the terminator is the first such
 * pair and parsing is unambiguous; a user key that is a proper prefix of another sorts first because its
 * terminator {@code 0x00 0x01} is smaller than whatever the longer key continues with (a byte {@code >=
 * 0x01}, or {@code 0x00 0xFF}). Timestamps are non-negative, so the inverted value is too and compares
 * correctly as unsigned big-endian.
 *
 * <p>The <em>prefix</em> of a user key is {@code escape(userKey) | 0x00 0x01}: every version of the key
 * starts with it, no other key's version does, and {@code prefixEnd} ({@code escape(userKey) | 0x00
 * 0x02}) is above all of them and below the next user key's versions.
 */
final class MvccKeyLayout {

  static final int TIMESTAMP_BYTES = Long.BYTES;
  private static final byte ESCAPE = 0x00;
  private static final byte ESCAPED_ZERO = (byte) 0xFF;
  private static final byte TERMINATOR = 0x01;

  private MvccKeyLayout() {}

  /** {@code escape(key) | 0x00 0x01}: the start of every version of {@code key}. */
  static byte[] prefix(Key key) {
    byte[] raw = key.unsafeBytes();
    int zeros = 0;
    for (byte b : raw) {
      if (b == ESCAPE) {
        zeros++;
      }
    }
    byte[] out = new byte[raw.length + zeros + 2];
    int at = 0;
    for (byte b : raw) {
      out[at++] = b;
      if (b == ESCAPE) {
        out[at++] = ESCAPED_ZERO;
      }
    }
    out[at++] = ESCAPE;
    out[at] = TERMINATOR;
    return out;
  }

  /** The smallest byte string above every version of the key with this prefix and below the next key's. */
  static byte[] prefixEnd(byte[] prefix) {
    byte[] out = prefix.clone();
    out[out.length - 1] = TERMINATOR + 1;
    return out;
  }

  /** The stored key of the version of {@code key} at {@code commitTs}. */
  static byte[] encode(Key key, Timestamp commitTs) {
    return withTimestamp(prefix(key), commitTs);
  }

  /** {@code prefix | be64(Long.MAX_VALUE - ts)}: seeking to it finds the newest version at or below ts. */
  static byte[] withTimestamp(byte[] prefix, Timestamp ts) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + TIMESTAMP_BYTES);
    putLong(out, prefix.length, Long.MAX_VALUE - ts.micros());
    return out;
  }

  /** The prefix part of a stored key (a copy). */
  static byte[] prefixOf(byte[] stored) {
    checkStoredKey(stored);
    return Arrays.copyOf(stored, stored.length - TIMESTAMP_BYTES);
  }

  /** Whether {@code stored} is a version of the key with {@code prefix}. */
  static boolean hasPrefix(byte[] stored, byte[] prefix) {
    return stored.length == prefix.length + TIMESTAMP_BYTES
        && Arrays.equals(stored, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Whether the stored keys are versions of the same user key. */
  static boolean sameUserKey(byte[] storedA, byte[] storedB) {
    return storedA.length == storedB.length
        && Arrays.equals(storedA, 0, storedA.length - TIMESTAMP_BYTES, storedB, 0, storedB.length - TIMESTAMP_BYTES);
  }

  static Timestamp timestampOf(byte[] stored) {
    checkStoredKey(stored);
    long inverted = getLong(stored, stored.length - TIMESTAMP_BYTES);
    Invariants.require(inverted >= 0, "mvcc key has a negative inverted timestamp: %d", inverted);
    return Timestamp.ofMicros(Long.MAX_VALUE - inverted);
  }

  /** The user key of a stored key: unescapes the body and checks the terminator. */
  static Key userKeyOf(byte[] stored) {
    checkStoredKey(stored);
    int bodyEnd = stored.length - TIMESTAMP_BYTES - 2;
    byte[] out = new byte[bodyEnd];
    int length = 0;
    int at = 0;
    while (at < bodyEnd) {
      byte b = stored[at++];
      out[length++] = b;
      if (b == ESCAPE) {
        Invariants.require(
            at < bodyEnd && stored[at] == ESCAPED_ZERO,
            "mvcc key has an unescaped 0x00 at offset %d",
            at - 1);
        at++;
      }
    }
    return Key.wrap(length == out.length ? out : Arrays.copyOf(out, length));
  }

  private static void checkStoredKey(byte[] stored) {
    int terminatorAt = stored.length - TIMESTAMP_BYTES - 2;
    Invariants.require(terminatorAt >= 0, "mvcc key of %d bytes is too short", stored.length);
    Invariants.require(
        stored[terminatorAt] == ESCAPE && stored[terminatorAt + 1] == TERMINATOR,
        "mvcc key lacks its 0x00 0x01 terminator before the timestamp");
  }

  static void putLong(byte[] out, int at, long value) {
    for (int i = 7; i >= 0; i--) {
      out[at + i] = (byte) value;
      value >>>= 8;
    }
  }

  static long getLong(byte[] in, int at) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (in[at + i] & 0xFF);
    }
    return value;
  }

  static void putInt(byte[] out, int at, int value) {
    for (int i = 3; i >= 0; i--) {
      out[at + i] = (byte) value;
      value >>>= 8;
    }
  }

  static int getInt(byte[] in, int at) {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value = (value << 8) | (in[at + i] & 0xFF);
    }
    return value;
  }
}
