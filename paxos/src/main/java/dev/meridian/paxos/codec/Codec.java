package dev.meridian.paxos.codec;

import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
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
 * The bodies are listed in {@link PaxosCodecs}; the primitives underneath are storage's {@link
 * BinaryWriter} and {@link BinaryReader} (varints, bytes), whose failures reach callers as {@link
 * CodecException}. Instances are immutable and thread-safe.
 */
public final class Codec<T> {

  /**
   * The one format this build writes and reads. A change to any body layout takes a new version,
   * and readers keep decoding the old ones for as long as data or peers may still use them.
   */
  public static final int FORMAT_VERSION = 1;

  private final String name;
  private final BiConsumer<BinaryWriter, T> writer;
  private final Function<BinaryReader, T> reader;

  Codec(String name, BiConsumer<BinaryWriter, T> writer, Function<BinaryReader, T> reader) {
    this.name = name;
    this.writer = writer;
    this.reader = reader;
  }

  /** What this codec encodes, as error messages name it. */
  public String name() {
    return name;
  }

  /** Appends {@code value}'s body to {@code out}. */
  public void write(BinaryWriter out, T value) {
    writer.accept(out, Objects.requireNonNull(value, name));
  }

  /**
   * Reads one body from {@code in}.
   *
   * @throws CodecException if the bytes are truncated or malformed, or describe an impossible value
   */
  public T read(BinaryReader in) {
    int start = in.position();
    try {
      return reader.apply(in);
    } catch (IllegalArgumentException | NullPointerException | IllegalStateException e) {
      // The reader found the bytes truncated or malformed (BinaryReader.MalformedException is an
      // IllegalArgumentException), or a value type's constructor refused what they describe.
      throw new CodecException(
          "malformed " + name + " at offset " + start + ": " + e.getMessage(), e);
    }
  }

  /** {@code version | body}: the standalone form. */
  public byte[] encode(T value) {
    BinaryWriter out = new BinaryWriter();
    out.u8(FORMAT_VERSION);
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
    BinaryReader in = new BinaryReader(bytes);
    try {
      int version = in.u8(name + " format version");
      if (version != FORMAT_VERSION) {
        throw new CodecException(
            "unsupported format version " + version + " of " + name + " (this build reads "
                + FORMAT_VERSION + "): written by a newer build, or not a " + name + " at all");
      }
      T value = read(in);
      in.expectEnd(name);
      return value;
    } catch (BinaryReader.MalformedException e) {
      throw new CodecException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Codec[" + name + "]";
  }
}
