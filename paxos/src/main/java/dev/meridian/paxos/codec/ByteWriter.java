package dev.meridian.paxos.codec;

import java.util.Arrays;

/**
 * A growable byte buffer with the primitive encodings of the paxos codecs: single bytes, unsigned
 * LEB128 varints, and length-prefixed byte strings. Not thread-safe.
 */
public final class ByteWriter {

  private byte[] buffer;
  private int size;

  public ByteWriter() {
    this(64);
  }

  public ByteWriter(int initialCapacity) {
    buffer = new byte[Math.max(16, initialCapacity)];
  }

  public ByteWriter writeByte(int value) {
    ensure(1);
    buffer[size++] = (byte) value;
    return this;
  }

  /**
   * {@code value}'s 64 bits as an unsigned LEB128 varint: 7 bits a byte, low bits first, the high bit
   * set on every byte but the last. 1 byte below 128, at most 10.
   */
  public ByteWriter writeVarLong(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buffer[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[size++] = (byte) value;
    return this;
  }

  /** {@code value}'s 32 bits as an unsigned LEB128 varint (at most 5 bytes). */
  public ByteWriter writeVarInt(int value) {
    return writeVarLong(value & 0xFFFF_FFFFL);
  }

  public ByteWriter writeBoolean(boolean value) {
    return writeByte(value ? 1 : 0);
  }

  /** {@code varint(length) | bytes}. */
  public ByteWriter writeBytes(byte[] bytes) {
    writeVarInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
    return this;
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
    }
  }
}
