package dev.meridian.storage.codec;

/**
 * Reads a key column by column from a position in a byte array, so a key can sit behind a prefix
 * and before a suffix. See {@link KeyCodec} for the layout. Columns are numbered from 0 in the
 * order they are read, and errors name them by that number and by absolute offset in the array.
 */
public final class KeyReader {

  private final byte[] bytes;
  private int position;
  private int columnIndex;

  /**
   * A reader whose first column starts at {@code offset}. The array must not change while in use.
   */
  public KeyReader(byte[] bytes, int offset) {
    if (offset < 0 || offset > bytes.length) {
      throw new IllegalArgumentException(
          String.format("offset %d is outside a key of %d bytes", offset, bytes.length));
    }
    this.bytes = bytes;
    this.position = offset;
  }

  /**
   * Decodes the next column and moves past it.
   *
   * @return the value, of {@code column.type().javaType()}, or null for SQL NULL
   * @throws IllegalArgumentException if the bytes are not an encoding of that column; the reader
   *     then stays where it was
   */
  public Object read(KeyColumn column) {
    ColumnInput in = new ColumnInput(bytes, position, columnIndex, column);
    Object value = KeyCodec.readColumn(in);
    position = in.position();
    columnIndex++;
    return value;
  }

  /** The offset of the next unread byte. */
  public int position() {
    return position;
  }

  /** How many columns were read. */
  public int columnsRead() {
    return columnIndex;
  }

  public boolean atEnd() {
    return position == bytes.length;
  }
}
