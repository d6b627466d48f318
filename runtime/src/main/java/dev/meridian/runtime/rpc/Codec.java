package dev.meridian.runtime.rpc;

/**
 * How one protocol's request or response becomes payload bytes and back. The RPC layer never looks
 * inside a payload, so it stays protocol-agnostic; each protocol documents its layout in its codec.
 */
public interface Codec<T> {

  byte[] encode(T value);

  /**
   * Decodes {@code bytes}.
   *
   * @throws IllegalArgumentException (or another runtime exception) if they are not a {@code T}
   */
  T decode(byte[] bytes);

  /** Payloads that are bytes already (a protocol that frames its own). */
  Codec<byte[]> BYTES = new Codec<>() {
    @Override
    public byte[] encode(byte[] value) {
      return value;
    }

    @Override
    public byte[] decode(byte[] bytes) {
      return bytes;
    }
  };
}
