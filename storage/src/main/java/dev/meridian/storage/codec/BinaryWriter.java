package dev.meridian.storage.codec;

import java.util.Arrays;

/**
 * A growable big-endian byte buffer for the binary formats that cross a trust boundary (Paxos
 * commands, snapshot chunks): fixed-width integers and length-prefixed byte strings. The formats
 * themselves are documented by the classes that own them; this only writes the primitives that
 * {@link BinaryReader} reads back.
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
