package dev.meridian.storage.codec;

import java.util.Arrays;

/**
 * A growable byte buffer for the binary formats that cross a trust boundary (range commands,
 * snapshot chunks, the paxos codecs' log entries and messages): big-endian fixed-width integers and
 * {@code be32}-length-prefixed byte strings, and unsigned LEB128 varints and varint-length-prefixed
 * byte strings for formats where most numbers are small. The formats themselves are documented by
 * the classes that own them; this only writes the primitives that {@link BinaryReader} reads back.
 *
 * <p>Not thread-safe.
 */
public final class BinaryWriter {

  private byte[] buffer;
  private int size;

  public BinaryWriter() {
    this(64);
  }

  public BinaryWriter(int initialCapacity) {
    buffer = new byte[Math.max(16, initialCapacity)];
  }

  public BinaryWriter u8(int value) {
    ensure(1);
    buffer[size++] = (byte) value;
    return this;
  }

  public BinaryWriter bool(boolean value) {
    return u8(value ? 1 : 0);
  }

  public BinaryWriter i32(int value) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (value >>> shift);
    }
    return this;
  }

  public BinaryWriter i64(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (value >>> shift);
    }
    return this;
  }

  /** {@code be32(length) | bytes}. */
  public BinaryWriter bytes(byte[] value) {
    i32(value.length);
    return raw(value);
  }

  /** The bytes as they are, with no length: for layouts whose length is known from elsewhere. */
  public BinaryWriter raw(byte[] value) {
    ensure(value.length);
    System.arraycopy(value, 0, buffer, size, value.length);
    size += value.length;
    return this;
  }

  /**
   * {@code value}'s 64 bits as an unsigned LEB128 varint: 7 bits a byte, low bits first, the high
   * bit set on every byte but the last. One byte below 128, at most 10 (a negative value takes 10).
   */
  public BinaryWriter varLong(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buffer[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[size++] = (byte) value;
    return this;
  }

  /** {@code value}'s 32 bits, unsigned, as a LEB128 varint (at most 5 bytes). */
  public BinaryWriter varInt(int value) {
    return varLong(value & 0xFFFF_FFFFL);
  }

  /** {@code varint(length) | bytes}. */
  public BinaryWriter varBytes(byte[] value) {
    varInt(value.length);
    return raw(value);
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
