package dev.meridian.sql.catalog;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of catalog descriptors, as stored under {@link KeySpace}. All integers big-endian;
 * strings are int32 length + UTF-8 bytes; booleans one byte.
 *
 * <pre>
 * table := u8 format(=2; 1 is read too) | int64 id | str name | int32 nextColumnId | int32 nextIndexId
 *          | int32 n | column*n | int32 n | indexColumn*n (primary key) | int32 n | index*n
 * column := int32 id | str name | str kind | int32 precision | int32 scale | bool nullable
 *          | bool hasDefault | [str defaultSql] | bool hidden | u8 identity (format 2: 0 none, 1 always,
 *          2 by default)
 * indexColumn := int32 columnId | bool descending
 * index := int32 id | str name | bool unique | int32 n | indexColumn*n | int32 n | int32 columnId*n
 * view := u8 format(=1) | str name | str sql | int32 n | str columnName*n
 * sequence := u8 format(=1) | int64 id | str name | int64 start | int64 increment | int64 minValue
 *          | int64 maxValue | int64 cache | bool owned | [str ownerTable]
 * sequence value := u8 exhausted (0 or 1) | int64 next value no node has reserved
 * dropped span := u8 format(=1) | int64 id | str what | bytes start | bytes end | bytes resumeFrom
 *          | int64 keysDeleted | int64 bytesDeleted          (bytes := int32 length + the key's bytes)
 * </pre>
 *
 * A reader refuses a format it does not know, so an old node never misreads a newer catalog.
 */
public final class DescriptorCodec {

  private static final int FORMAT = 1;
  /** Tables: format 2 added the identity byte of each column. */
  private static final int TABLE_FORMAT = 2;

  private DescriptorCodec() {}

  public static byte[] encode(Table table) {
    return write(out -> {
      out.writeByte(TABLE_FORMAT);
      out.writeLong(table.id());
      writeString(out, table.name());
      out.writeInt(table.nextColumnId());
      out.writeInt(table.nextIndexId());
      out.writeInt(table.columns().size());
      for (Column column : table.columns()) {
        out.writeInt(column.id());
        writeString(out, column.name());
        writeString(out, column.type().kind().name());
        out.writeInt(column.type().precision());
        out.writeInt(column.type().scale());
        out.writeBoolean(column.nullable());
        out.writeBoolean(column.defaultSql() != null);
        if (column.defaultSql() != null) {
          writeString(out, column.defaultSql());
        }
        out.writeBoolean(column.hidden());
        out.writeByte(column.identity().ordinal());
      }
      writeIndexColumns(out, table.primaryKey());
      out.writeInt(table.indexes().size());
      for (Index index : table.indexes()) {
        out.writeInt(index.id());
        writeString(out, index.name());
        out.writeBoolean(index.unique());
        writeIndexColumns(out, index.columns());
        out.writeInt(index.storing().size());
        for (int columnId : index.storing()) {
          out.writeInt(columnId);
        }
      }
    });
  }

  public static Table decodeTable(byte[] bytes) {
    return read(bytes, in -> {
      int format = in.readUnsignedByte();
      if (format != FORMAT) {
        checkFormat(format, TABLE_FORMAT, "table");
      }
      long id = in.readLong();
      String name = readString(in);
      int nextColumnId = in.readInt();
      int nextIndexId = in.readInt();
      int columnCount = in.readInt();
      List<Column> columns = new ArrayList<>(columnCount);
      for (int i = 0; i < columnCount; i++) {
        int columnId = in.readInt();
        String columnName = readString(in);
        ColumnType.Kind kind = ColumnType.Kind.valueOf(readString(in));
        int precision = in.readInt();
        int scale = in.readInt();
        boolean nullable = in.readBoolean();
        String defaultSql = in.readBoolean() ? readString(in) : null;
        boolean hidden = in.readBoolean();
        Column.Identity identity = format == FORMAT ? Column.Identity.NONE
            : Column.Identity.values()[in.readUnsignedByte()];
        columns.add(new Column(
            columnId, columnName, new ColumnType(kind, precision, scale), nullable, defaultSql, hidden, identity));
      }
      List<IndexColumn> primaryKey = readIndexColumns(in);
      int indexCount = in.readInt();
      List<Index> indexes = new ArrayList<>(indexCount);
      for (int i = 0; i < indexCount; i++) {
        int indexId = in.readInt();
        String indexName = readString(in);
        boolean unique = in.readBoolean();
        List<IndexColumn> indexColumns = readIndexColumns(in);
        int storingCount = in.readInt();
        List<Integer> storing = new ArrayList<>(storingCount);
        for (int s = 0; s < storingCount; s++) {
          storing.add(in.readInt());
        }
        indexes.add(new Index(indexId, indexName, unique, indexColumns, storing));
      }
      return new Table(id, name, columns, primaryKey, indexes, nextColumnId, nextIndexId);
    });
  }

  public static byte[] encode(View view) {
    return write(out -> {
      out.writeByte(FORMAT);
      writeString(out, view.name());
      writeString(out, view.sql());
      out.writeInt(view.columnNames().size());
      for (String column : view.columnNames()) {
        writeString(out, column);
      }
    });
  }

  public static View decodeView(byte[] bytes) {
    return read(bytes, in -> {
      checkFormat(in.readUnsignedByte(), FORMAT, "view");
      String name = readString(in);
      String sql = readString(in);
      int count = in.readInt();
      List<String> columns = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        columns.add(readString(in));
      }
      return new View(name, sql, columns);
    });
  }

  public static byte[] encode(Sequence sequence) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeLong(sequence.id());
      writeString(out, sequence.name());
      out.writeLong(sequence.start());
      out.writeLong(sequence.increment());
      out.writeLong(sequence.minValue());
      out.writeLong(sequence.maxValue());
      out.writeLong(sequence.cache());
      out.writeBoolean(sequence.ownerTable() != null);
      if (sequence.ownerTable() != null) {
        writeString(out, sequence.ownerTable());
      }
    });
  }

  public static Sequence decodeSequence(byte[] bytes) {
    return read(bytes, in -> {
      checkFormat(in.readUnsignedByte(), FORMAT, "sequence");
      long id = in.readLong();
      String name = readString(in);
      long start = in.readLong();
      long increment = in.readLong();
      long minValue = in.readLong();
      long maxValue = in.readLong();
      long cache = in.readLong();
      String owner = in.readBoolean() ? readString(in) : null;
      return new Sequence(id, name, start, increment, minValue, maxValue, cache, owner);
    });
  }

  /** A sequence's stored value: the next value no node has reserved, or that none is left. */
  public record SequenceValue(boolean exhausted, long next) {}

  public static byte[] encode(SequenceValue value) {
    return write(out -> {
      out.writeBoolean(value.exhausted());
      out.writeLong(value.next());
    });
  }

  public static SequenceValue decodeSequenceValue(byte[] bytes) {
    return read(bytes, in -> new SequenceValue(in.readBoolean(), in.readLong()));
  }

  public static byte[] encode(DroppedSpan dropped) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeLong(dropped.id());
      writeString(out, dropped.what());
      writeBytes(out, dropped.span().start());
      writeBytes(out, dropped.span().end());
      writeBytes(out, dropped.resumeFrom());
      out.writeLong(dropped.keysDeleted());
      out.writeLong(dropped.bytesDeleted());
    });
  }

  public static DroppedSpan decodeDroppedSpan(byte[] bytes) {
    return read(bytes, in -> {
      checkFormat(in.readUnsignedByte(), FORMAT, "dropped span");
      long id = in.readLong();
      String what = readString(in);
      KeySpan span = new KeySpan(readKey(in), readKey(in));
      return new DroppedSpan(id, what, span, readKey(in), in.readLong(), in.readLong());
    });
  }

  private static void writeBytes(DataOutputStream out, Key key) throws IOException {
    out.writeInt(key.length());
    out.write(key.unsafeBytes());
  }

  private static Key readKey(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return Key.wrap(bytes);
  }

  public static byte[] encodeLong(long value) {
    return write(out -> out.writeLong(value));
  }

  public static long decodeLong(byte[] bytes) {
    return read(bytes, DataInputStream::readLong);
  }

  private static void writeIndexColumns(DataOutputStream out, List<IndexColumn> columns)
      throws IOException {
    out.writeInt(columns.size());
    for (IndexColumn column : columns) {
      out.writeInt(column.columnId());
      out.writeBoolean(column.descending());
    }
  }

  private static List<IndexColumn> readIndexColumns(DataInputStream in) throws IOException {
    int count = in.readInt();
    List<IndexColumn> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      columns.add(new IndexColumn(in.readInt(), in.readBoolean()));
    }
    return columns;
  }

  private static void checkFormat(int format, int known, String what) {
    if (format != known) {
      throw new IllegalStateException(
          "catalog " + what + " descriptor has format " + format + ", this node reads only " + known
              + ": upgrade this node");
    }
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] utf8 = new byte[in.readInt()];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return reader.read(in);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt catalog descriptor: " + e.getMessage(), e);
    }
  }
}
