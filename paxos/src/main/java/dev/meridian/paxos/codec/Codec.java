package dev.meridian.paxos.codec;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Encodes and decodes one type. Two forms:
 *
 * <ul>
 *   <li>standalone ({@link #encode}, {@link #decode}): {@code version(1) | body}, where version is
 *       {@link #FORMAT_VERSION}; decoding refuses other versions and trailing bytes. This is what is
 *       stored on disk or sent as one transport message.
 *   <li>nested ({@link #write}, {@link #read}): the body alone, inside another codec's body.
 * </ul>
 *
 * The bodies are listed in {@link PaxosCodecs}. Instances are immutable and thread-safe.
 */
public final class Codec<T> {

  /**
   * The one format this build writes and reads. A change to any body layout takes a new version,
   * and readers keep decoding the old ones for as long as data or peers may still use them.
   */
  public static final int FORMAT_VERSION = 1;

  private final String name;
  private final BiConsumer<ByteWriter, T> writer;
  private final Function<ByteReader, T> reader;

  Codec(String name, BiConsumer<ByteWriter, T> writer, Function<ByteReader, T> reader) {
    this.name = name;
    this.writer = writer;
    this.reader = reader;
  }

  /** What this codec encodes, as error messages name it. */
  public String name() {
    return name;
  }

  /** Appends {@code value}'s body to {@code out}. */
  public void write(ByteWriter out, T value) {
    writer.accept(out, Objects.requireNonNull(value, name));
  }

  /**
   * Reads one body from {@code in}.
   *
   * @throws CodecException if the bytes are truncated or malformed, or describe an impossible value
   */
  public T read(ByteReader in) {
    int start = in.position();
    try {
      return reader.apply(in);
    } catch (IllegalArgumentException | NullPointerException | IllegalStateException e) {
      // A value type's constructor refused what the bytes describe.
      throw new CodecException(
          "malformed " + name + " at offset " + start + ": " + e.getMessage(), e);
    }
  }

  /** {@code version | body}: the standalone form. */
  public byte[] encode(T value) {
    ByteWriter out = new ByteWriter();
    out.writeByte(FORMAT_VERSION);
    write(out, value);
    return out.toByteArray();
  }

  /**
   * Decodes the standalone form.
   *
   * @throws CodecException if the version is not {@link #FORMAT_VERSION}, the body is truncated or
   *     malformed, or bytes follow it
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new CodecException("no bytes to decode as " + name);
    }
    ByteReader in = new ByteReader(bytes);
    int version = in.readByte(name + " format version");
    if (version != FORMAT_VERSION) {
      throw new CodecException(
          "unsupported format version " + version + " of " + name + " (this build reads "
              + FORMAT_VERSION + "): written by a newer build, or not a " + name + " at all");
    }
    T value = read(in);
    in.requireEnd(name);
    return value;
  }

  @Override
  public String toString() {
    return "Codec[" + name + "]";
  }
}
