package dev.meridian.storage.codec;

/**
 * The bytes of one column being decoded, read through the column's XOR mask (0xFF for a descending
 * column, whose bytes were inverted, 0x00 otherwise), so the per-type decoders see the ascending
 * form. It also knows which column it is, so every decoder can say exactly where a key is
 * malformed.
 */
final class ColumnInput {

  private final byte[] bytes;
  private final int mask;
  private final int columnIndex;
  private final KeyColumn column;
  private int position;

  ColumnInput(byte[] bytes, int position, int columnIndex, KeyColumn column) {
    this.bytes = bytes;
    this.position = position;
    this.columnIndex = columnIndex;
    this.column = column;
    this.mask = column.order() == SortOrder.DESCENDING ? 0xFF : 0x00;
  }

  /** The next byte, in ascending form, as 0..255. */
  int readUnsignedByte() {
    if (position >= bytes.length) {
      throw malformed(position, "the key ends inside the column");
    }
    return (bytes[position++] ^ mask) & 0xFF;
  }

  int readInt() {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      value = (value << 8) | readUnsignedByte();
    }
    return value;
  }

  long readLong() {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | readUnsignedByte();
    }
    return value;
  }

  KeyColumn column() {
    return column;
  }

  int position() {
    return position;
  }

  /** The error for a key that no encoding produces, naming the column and the offending offset. */
  IllegalArgumentException malformed(int offset, String problem) {
    return new IllegalArgumentException(
        String.format(
            "Malformed key: column %d (%s) at offset %d: %s",
            columnIndex, column, offset, problem));
  }
}
