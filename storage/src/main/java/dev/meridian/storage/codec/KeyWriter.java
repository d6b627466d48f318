package dev.meridian.storage.codec;

/**
 * Builds a key column by column, after optional raw prefix bytes (a table prefix and index id,
 * say). See {@link KeyCodec} for the layout. Columns are numbered from 0 in the order they are
 * appended, and errors name them by that number. A rejected value leaves the writer as it was
 * before the call.
 */
public final class KeyWriter {

  private final ByteSink sink;
  private int columnCount;

  public KeyWriter() {
    this(32);
  }

  public KeyWriter(int initialCapacity) {
    sink = new ByteSink(initialCapacity);
  }

  /**
   * Appends bytes as they are, not as a column: for prefixes and suffixes that are already bytes.
   */
  public KeyWriter appendRaw(byte[] bytes) {
    sink.write(bytes, 0, bytes.length);
    return this;
  }

  /**
   * Appends the encoding of {@code value} (null for SQL NULL) as the next column.
   *
   * @throws IllegalArgumentException if the value is not of the column type's Java type, or is not
   *     a value of that type (an unpaired surrogate in a VARCHAR, a DECIMAL out of range)
   */
  public KeyWriter append(KeyColumn column, Object value) {
    int start = sink.size();
    try {
      KeyCodec.writeColumn(sink, column, value);
    } catch (IllegalArgumentException e) {
      sink.truncate(start);
      throw new IllegalArgumentException(
          String.format("Column %d (%s): %s", columnCount, column, e.getMessage()), e);
    }
    columnCount++;
    return this;
  }

  /** How many columns were appended. */
  public int columnCount() {
    return columnCount;
  }

  /** How many bytes were written so far, raw bytes included. */
  public int size() {
    return sink.size();
  }

  public byte[] toByteArray() {
    return sink.toByteArray();
  }
}
