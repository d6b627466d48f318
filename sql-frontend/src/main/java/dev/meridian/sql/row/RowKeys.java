package dev.meridian.sql.row;

import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Table;
import dev.meridian.storage.Key;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyReader;
import dev.meridian.storage.codec.KeyWriter;
import dev.meridian.storage.codec.SortOrder;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Keys and values of a table's rows and index entries (DESIGN.md §3):
 *
 * <pre>
 * row                  key   = 0x10 | tableId | 1 | primary key columns
 *                      value = {@link RowCodec} of the other columns
 * non-unique index     key   = 0x10 | tableId | indexId | index columns | primary key columns
 *                      value = {@link RowCodec} of the STORING columns
 * unique index         key   = 0x10 | tableId | indexId | index columns
 *                                [| primary key columns, only when an index column is NULL]
 *                      value = {@link RowCodec} of the primary key and STORING columns
 * </pre>
 *
 * Key columns use the order-preserving codec in each column's declared direction, so a scan of an
 * index returns entries in index order. A unique entry with a NULL column carries the primary key so
 * that NULLs never collide, as SQL says they must not.
 */
public final class RowKeys {

  private RowKeys() {}

  /** How a key or index column is encoded: its codec type, in its declared direction. */
  public static KeyColumn keyColumn(Table table, IndexColumn indexColumn) {
    Column column = table.columnById(indexColumn.columnId());
    return new KeyColumn(
        column.type().codecType(), indexColumn.descending() ? SortOrder.DESCENDING : SortOrder.ASCENDING);
  }

  /** The key of {@code row} (runtime values at each column's position). */
  public static Key primaryKey(Table table, Object[] row) {
    KeyWriter writer = KeySpace.indexPrefix(table.id(), Table.PRIMARY_INDEX_ID);
    appendColumns(writer, table, table.primaryKey(), row);
    return Key.wrap(writer.toByteArray());
  }

  /**
   * The key prefix of rows whose first primary-key columns are {@code values} (runtime values, one
   * for each of the first {@code values.length} primary-key columns, in key order): a row boundary
   * {@code 0x10 | tableId | 1 | c1 … cj}, as {@code ALTER TABLE … SPLIT AT VALUES} names one.
   */
  public static Key primaryKeyPrefix(Table table, Object[] values) {
    if (values.length == 0 || values.length > table.primaryKey().size()) {
      throw new IllegalArgumentException("a primary-key prefix of table " + table.name() + " has 1 to "
          + table.primaryKey().size() + " values, not " + values.length);
    }
    KeyWriter writer = KeySpace.indexPrefix(table.id(), Table.PRIMARY_INDEX_ID);
    for (int i = 0; i < values.length; i++) {
      IndexColumn indexColumn = table.primaryKey().get(i);
      writer.append(keyColumn(table, indexColumn), Values.toCodec(table.columnById(indexColumn.columnId()).type(),
          values[i]));
    }
    return Key.wrap(writer.toByteArray());
  }

  /** The value of {@code row}: every column that is not part of the primary key. */
  public static byte[] rowValue(Table table, Object[] row) {
    int[] positions =
        IntStream.range(0, table.columns().size())
            .filter(i -> !table.isPrimaryKeyColumn(table.columns().get(i).id()))
            .toArray();
    return RowCodec.encode(table, row, positions);
  }

  /** A whole row from its primary index entry. */
  public static Object[] decodeRow(Table table, Key key, byte[] value) {
    Object[] row = new Object[table.columns().size()];
    KeyReader reader = new KeyReader(key.unsafeBytes(), prefixLength(table, Table.PRIMARY_INDEX_ID));
    readColumns(reader, table, table.primaryKey(), row);
    RowCodec.decodeInto(table, value, row);
    return row;
  }

  /** The key of {@code index}'s entry for {@code row}. */
  public static Key indexKey(Table table, Index index, Object[] row) {
    KeyWriter writer = KeySpace.indexPrefix(table.id(), index.id());
    appendColumns(writer, table, index.columns(), row);
    boolean hasNull =
        index.columns().stream().anyMatch(c -> row[table.position(c.columnId())] == null);
    if (!index.unique() || hasNull) {
      appendColumns(writer, table, table.primaryKey(), row);
    }
    return Key.wrap(writer.toByteArray());
  }

  /** The value of {@code index}'s entry for {@code row}. */
  public static byte[] indexValue(Table table, Index index, Object[] row) {
    IntStream stored = index.storing().stream().mapToInt(table::position);
    if (index.unique()) {
      stored = IntStream.concat(IntStream.of(table.primaryKeyPositions()), stored);
    }
    return RowCodec.encode(table, row, stored.distinct().toArray());
  }

  /**
   * A row holding what {@code index}'s entry knows: its columns, the primary key and the STORING
   * columns; every other column is null.
   */
  public static Object[] decodeIndexEntry(Table table, Index index, Key key, byte[] value) {
    Object[] row = new Object[table.columns().size()];
    KeyReader reader = new KeyReader(key.unsafeBytes(), prefixLength(table, index.id()));
    readColumns(reader, table, index.columns(), row);
    if (!index.unique()) {
      readColumns(reader, table, table.primaryKey(), row);
    }
    RowCodec.decodeInto(table, value, row);
    return row;
  }

  /** Whether every column in {@code positions} can be read from {@code index}'s entries alone. */
  public static boolean covers(Table table, Index index, int[] positions) {
    for (int position : positions) {
      int columnId = table.columns().get(position).id();
      boolean inEntry =
          table.isPrimaryKeyColumn(columnId)
              || index.columns().stream().anyMatch(c -> c.columnId() == columnId)
              || index.storing().contains(columnId);
      if (!inEntry) {
        return false;
      }
    }
    return true;
  }


  private static void appendColumns(
      KeyWriter writer, Table table, List<IndexColumn> columns, Object[] row) {
    for (IndexColumn indexColumn : columns) {
      Column column = table.columnById(indexColumn.columnId());
      Object value = row[table.position(indexColumn.columnId())];
      writer.append(keyColumn(table, indexColumn), Values.toCodec(column.type(), value));
    }
  }

  private static void readColumns(
      KeyReader reader, Table table, List<IndexColumn> columns, Object[] row) {
    for (IndexColumn indexColumn : columns) {
      Column column = table.columnById(indexColumn.columnId());
      row[table.position(indexColumn.columnId())] =
          Values.fromCodec(column.type(), reader.read(keyColumn(table, indexColumn)));
    }
  }

  private static int prefixLength(Table table, int indexId) {
    return KeySpace.indexPrefix(table.id(), indexId).size();
  }
}
