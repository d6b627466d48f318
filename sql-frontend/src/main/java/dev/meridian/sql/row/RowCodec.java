package dev.meridian.sql.row;

import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.Table;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyReader;
import dev.meridian.storage.codec.KeyWriter;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The value of a row (and of an index entry's stored columns): a set of columns by id.
 *
 * <pre>
 * value  := 0x01 (format) column*
 * column := varint columnId | varint length | bytes (the key codec's ascending encoding of one value)
 * </pre>
 *
 * NULL columns are left out, and so are columns a reader does not know: a column added later reads
 * as NULL (or its default) in older rows, and a value written by a newer schema is skipped by an
 * older one. Values use the key codec because it already round-trips every SQL type exactly.
 */
public final class RowCodec {

  private static final int FORMAT = 1;

  private RowCodec() {}

  /** Encodes the columns at {@code positions} of {@code row} (runtime values). */
  public static byte[] encode(Table table, Object[] row, int[] positions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + positions.length * 8);
    out.write(FORMAT);
    for (int position : positions) {
      Object value = row[position];
      if (value == null) {
        continue;
      }
      Column column = table.columns().get(position);
      KeyWriter writer = new KeyWriter(16);
      writer.append(KeyColumn.asc(column.type().codecType()), Values.toCodec(column.type(), value));
      byte[] encoded = writer.toByteArray();
      writeVarint(out, column.id());
      writeVarint(out, encoded.length);
      out.write(encoded, 0, encoded.length);
    }
    return out.toByteArray();
  }

  /** Decodes {@code value} into {@code row}, at each column's position; unknown ids are skipped. */
  public static void decodeInto(Table table, byte[] value, Object[] row) {
    if (value.length == 0 || value[0] != FORMAT) {
      throw new IllegalStateException("row value of table " + table.name() + " has an unknown format");
    }
    int[] offset = {1};
    List<Column> columns = table.columns();
    while (offset[0] < value.length) {
      int columnId = (int) readVarint(value, offset);
      int length = (int) readVarint(value, offset);
      int start = offset[0];
      offset[0] += length;
      int position = positionOf(columns, columnId);
      if (position < 0) {
        continue;
      }
      Column column = columns.get(position);
      KeyReader reader = new KeyReader(value, start);
      Object codecValue = reader.read(KeyColumn.asc(column.type().codecType()));
      row[position] = Values.fromCodec(column.type(), codecValue);
    }
  }

  private static int positionOf(List<Column> columns, int columnId) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).id() == columnId) {
        return i;
      }
    }
    return -1;
  }

  static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  static long readVarint(byte[] bytes, int[] offset) {
    long result = 0;
    int shift = 0;
    while (true) {
      byte b = bytes[offset[0]++];
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
      shift += 7;
    }
  }
}
