package dev.meridian.storage.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: the Java value of a {@link SqlType#VARBINARY} column. A {@code byte[]}
 * has identity equality and can change under a key that holds it; this type has value equality and
 * orders unsigned lexicographically, the order SQL gives VARBINARY.
 */
public final class Bytes implements Comparable<Bytes> {

  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A value holding a copy of {@code bytes}. */
  public static Bytes of(byte... bytes) {
    return new Bytes(bytes.clone());
  }

  /** Takes ownership of {@code bytes}: only for arrays nobody else holds. */
  static Bytes wrap(byte[] bytes) {
    return new Bytes(bytes);
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  public byte byteAt(int index) {
    return bytes[index];
  }

  /** The bytes without a copy, for the codec, which only reads them. */
  byte[] unsafeArray() {
    return bytes;
  }

  @Override
  public int compareTo(Bytes other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Hex, as SQL writes a binary literal: {@code X'00FF'}. */
  @Override
  public String toString() {
    return "X'" + HexFormat.of().withUpperCase().formatHex(bytes) + "'";
  }
}
