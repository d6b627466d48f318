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

  /** Text as UTF-8 (status queries, tests); a malformed sequence decodes with replacement characters. */
  Codec<String> UTF8 = new Codec<>() {
    @Override
    public byte[] encode(String value) {
      return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  };

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
