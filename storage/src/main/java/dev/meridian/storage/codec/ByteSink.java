package dev.meridian.storage.codec;

import java.util.Arrays;

/**
 * A growable byte array the encoders append to. Besides appending it can invert a tail in place,
 * which is how descending columns and negative decimals are written, and truncate, so a writer can
 * undo a column whose value turned out to be invalid half-way.
 */
final class ByteSink {

  private byte[] buffer;
  private int size;

  ByteSink(int initialCapacity) {
    buffer = new byte[Math.max(initialCapacity, 8)];
  }

  void write(int b) {
    ensureRoom(1);
    buffer[size++] = (byte) b;
  }

  void write(byte[] bytes, int from, int to) {
    int length = to - from;
    ensureRoom(length);
    System.arraycopy(bytes, from, buffer, size, length);
    size += length;
  }

  void writeInt(int value) {
    ensureRoom(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (value >>> shift);
    }
  }

  void writeLong(long value) {
    ensureRoom(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buffer[size++] = (byte) (value >>> shift);
    }
  }

  /** Inverts every byte from {@code from} to the end. */
  void invertFrom(int from) {
    for (int i = from; i < size; i++) {
      buffer[i] = (byte) ~buffer[i];
    }
  }

  void truncate(int newSize) {
    size = newSize;
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  private void ensureRoom(int more) {
    if (size + more > buffer.length) {
      // Grow by half again, but at least enough: a long string can need more than double at once.
      int wanted = Math.max(size + more, buffer.length + (buffer.length >> 1));
      buffer = Arrays.copyOf(buffer, wanted);
    }
  }
}
