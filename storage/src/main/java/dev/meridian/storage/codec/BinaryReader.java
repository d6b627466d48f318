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
    int length = i32(what + " length");
    if (length < 0 || length > maxLength) {
      throw malformed(what + " has length " + length + ", outside [0, " + maxLength + "]");
    }
    return raw(what, length);
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
    int count = i32(what + " count");
    if (count < 0 || count > maxCount) {
      throw malformed(what + " count " + count + " is outside [0, " + maxCount + "]");
    }
    if ((long) count * Math.max(1, minItemBytes) > remaining()) {
      throw malformed(what + " count " + count + " needs more than the " + remaining() + " bytes left");
    }
    return count;
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
