package dev.meridian.paxos.codec;

import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote, checking every read against the bytes that remain, so that
 * truncated or corrupted input fails with a {@link CodecException} naming the field, and a bogus
 * length or count can never make it allocate more than the input holds.
 */
public final class ByteReader {

  private final byte[] bytes;
  private int position;

  public ByteReader(byte[] bytes) {
    this.bytes = bytes;
  }

  public int remaining() {
    return bytes.length - position;
  }

  public int position() {
    return position;
  }

  public int readByte(String field) {
    if (remaining() < 1) {
      throw truncated(field, 1);
    }
    return bytes[position++] & 0xFF;
  }

  /** An unsigned LEB128 varint of at most 64 bits. */
  public long readVarLong(String field) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte(field);
      if (shift == 63 && (b & 0xFE) != 0) {
        throw malformed(field, "varint overflows 64 bits");
      }
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw malformed(field, "varint longer than 10 bytes");
  }

  /** An unsigned LEB128 varint of at most 32 bits. */
  public int readVarInt(String field) {
    long value = readVarLong(field);
    if ((value >>> 32) != 0) {
      throw malformed(field, "varint " + Long.toUnsignedString(value) + " overflows 32 bits");
    }
    return (int) value;
  }

  public boolean readBoolean(String field) {
    int b = readByte(field);
    if (b > 1) {
      throw malformed(field, "boolean byte " + b + " is neither 0 nor 1");
    }
    return b == 1;
  }

  /**
   * A count of elements each at least {@code minBytesPerElement} long, checked against the bytes that
   * remain before anything is allocated for them.
   */
  public int readCount(String field, int minBytesPerElement) {
    int count = readVarInt(field);
    if (count < 0 || (long) count * minBytesPerElement > remaining()) {
      throw malformed(
          field,
          "count " + Integer.toUnsignedString(count) + " needs at least "
              + Integer.toUnsignedLong(count) * minBytesPerElement + " more bytes, only " + remaining() + " remain");
    }
    return count;
  }

  /** {@code varint(length) | bytes}, the length checked against what remains. */
  public byte[] readBytes(String field) {
    int length = readCount(field + " length", 1);
    byte[] out = Arrays.copyOfRange(bytes, position, position + length);
    position += length;
    return out;
  }

  /** As {@link #readBytes(String)}, refusing a length above {@code maxLength} before copying. */
  public byte[] readBytes(String field, int maxLength) {
    int start = position;
    int length = readCount(field + " length", 1);
    if (length > maxLength) {
      position = start;
      throw malformed(field, "length " + length + " is over the limit of " + maxLength);
    }
    byte[] out = Arrays.copyOfRange(bytes, position, position + length);
    position += length;
    return out;
  }

  /** Fails unless every byte was read: trailing garbage means the input is not what we think. */
  public void requireEnd(String what) {
    if (remaining() != 0) {
      throw new CodecException(remaining() + " unexpected trailing bytes after " + what + " at offset " + position);
    }
  }

  CodecException truncated(String field, int needed) {
    return new CodecException(
        "truncated input: " + field + " needs " + needed + " more byte(s) at offset " + position
            + " of " + bytes.length);
  }

  /** A failure naming {@code field}, {@code problem} and where in the input it was found. */
  public CodecException malformed(String field, String problem) {
    return new CodecException("malformed " + field + " at offset " + position + ": " + problem);
  }
}
