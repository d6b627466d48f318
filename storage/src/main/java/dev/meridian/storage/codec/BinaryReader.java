package dev.meridian.storage.codec;

/**
 * Reads what {@link BinaryWriter} wrote, from bytes that may come from another node or a damaged
 * disk: every length is checked against the bytes that remain (and against the caller's bound)
 * <em>before</em> anything is allocated, so a hostile length can cost neither memory nor time. A
 * failure is a {@link MalformedException} naming what was read at which offset.
 *
 * <p>Not thread-safe.
 */
public final class BinaryReader {

  /** The input does not follow its format: truncated, a length out of bounds, an unknown tag. */
  public static final class MalformedException extends IllegalArgumentException {
    public MalformedException(String message) {
      super(message);
    }
  }

  private final byte[] input;
  private int position;

  public BinaryReader(byte[] input) {
    this.input = input;
  }

  public int remaining() {
    return input.length - position;
  }

  public int position() {
    return position;
  }

  public int u8(String what) {
    need(1, what);
    return input[position++] & 0xFF;
  }

  public boolean bool(String what) {
    int value = u8(what);
    if (value > 1) {
      throw malformed(what + " is a boolean byte of value " + value);
    }
    return value == 1;
  }

  public int i32(String what) {
    need(4, what);
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value = (value << 8) | (input[position++] & 0xFF);
    }
    return value;
  }

  public long i64(String what) {
    need(8, what);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (input[position++] & 0xFF);
    }
    return value;
  }

  /** A length-prefixed byte string of at most {@code maxLength} bytes. */
  public byte[] bytes(String what, int maxLength) {
    return raw(what, checkLength(what, i32(what + " length"), maxLength));
  }

  /** Exactly {@code length} bytes with no prefix. */
  public byte[] raw(String what, int length) {
    need(length, what);
    byte[] out = new byte[length];
    System.arraycopy(input, position, out, 0, length);
    position += length;
    return out;
  }

  /**
   * A count of items that each take at least {@code minItemBytes}: refused when the bytes left could
   * not hold that many, or it exceeds {@code maxCount}, so a list is never sized from a lie.
   */
  public int count(String what, int minItemBytes, int maxCount) {
    return checkCount(what, i32(what + " count"), minItemBytes, maxCount);
  }

  /** {@code length} as read: a be32 is signed, a varint unsigned (so never negative here). */
  private int checkLength(String what, long length, int maxLength) {
    if (length < 0 || length > maxLength) {
      throw malformed(what + " has length " + length + ", outside [0, " + maxLength + "]");
    }
    return (int) length;
  }

  private int checkCount(String what, long count, int minItemBytes, int maxCount) {
    if (count < 0 || count > maxCount) {
      throw malformed(what + " count " + count + " is outside [0, " + maxCount + "]");
    }
    if (count * Math.max(1, minItemBytes) > remaining()) {
      throw malformed(what + " count " + count + " needs more than the " + remaining() + " bytes left");
    }
    return (int) count;
  }

  /** An unsigned LEB128 varint of at most 64 bits, as {@link BinaryWriter#varLong} writes it. */
  public long varLong(String what) {
    long result = 0;
    for (int shift = 0; ; shift += 7) {
      int b = u8(what);
      if (shift == 63 && (b & 0xFE) != 0) {
        throw malformed(what + " varint overflows 64 bits");
      }
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
  }

  /** An unsigned LEB128 varint of at most 32 bits, as {@link BinaryWriter#varInt} writes it. */
  public int varInt(String what) {
    long value = varLong(what);
    if ((value >>> 32) != 0) {
      throw malformed(what + " varint " + Long.toUnsignedString(value) + " overflows 32 bits");
    }
    return (int) value;
  }

  /** As {@link #count}, the count a varint. */
  public int varCount(String what, int minItemBytes, int maxCount) {
    return checkCount(what, Integer.toUnsignedLong(varInt(what + " count")), minItemBytes, maxCount);
  }

  /** A varint-length-prefixed byte string of at most {@code maxLength} bytes. */
  public byte[] varBytes(String what, int maxLength) {
    return raw(what, checkLength(what, Integer.toUnsignedLong(varInt(what + " length")), maxLength));
  }

  /** Fails unless every byte was read: trailing bytes mean a format mismatch. */
  public void expectEnd(String what) {
    if (remaining() != 0) {
      throw malformed(what + " has " + remaining() + " trailing bytes");
    }
  }

  public MalformedException malformed(String message) {
    return new MalformedException(message + " (at offset " + position + " of " + input.length + ")");
  }

  private void need(int bytes, String what) {
    if (bytes < 0 || bytes > remaining()) {
      throw malformed("truncated: " + what + " needs " + bytes + " bytes, " + remaining() + " left");
    }
  }
}
