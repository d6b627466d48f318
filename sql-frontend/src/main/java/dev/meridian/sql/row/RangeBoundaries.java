package dev.meridian.sql.row;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Table;
import dev.meridian.storage.Key;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyReader;
import dev.meridian.storage.codec.SqlType;
import dev.meridian.txn.directory.HexKeyRenderer;
import dev.meridian.txn.directory.KeyRenderer;
import dev.meridian.txn.directory.PrimaryKeyShape;
import java.util.Optional;

/**
 * Range boundaries in SQL terms, from one catalog: how {@code SHOW RANGES} shows a start or end key
 * ({@link KeyRenderer}), and which keys end at a whole primary-key column ({@link
 * PrimaryKeyShape}, what the directory asks before it splits inside a table).
 *
 * <pre>
 *   key                                      shown as
 *   (empty: the start of the key space)      /Min
 *   0x01 (the system span's start)            /System
 *   0x10 (the table-data span's start)        /Table
 *   0x10 | t                                  /orders            (table t's name; /Table/7 when dropped)
 *   0x10 | t | 1 | c1 … cj                    /orders/(42, 'x')  (the first j primary-key values)
 *   0x10 | t | i                              /orders/orders_by_customer   (index i's name)
 *   (the end of the key space)                /Max
 *   anything else                             x'…'  ({@link HexKeyRenderer})
 * </pre>
 *
 * A key this catalog cannot explain is shown as its bytes, so a boundary is never shown wrongly,
 * only less helpfully (as {@link KeyDescriptions} does for conflicts).
 */
public final class RangeBoundaries implements KeyRenderer, PrimaryKeyShape {

  private static final KeyColumn TABLE_ID = KeyColumn.asc(SqlType.BIGINT);
  private static final KeyColumn INDEX_ID = KeyColumn.asc(SqlType.INTEGER);

  private final Catalog catalog;

  public RangeBoundaries(Catalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public String render(Key key) {
    byte[] bytes = key.unsafeBytes();
    if (bytes.length == 0) {
      return "/Min";
    }
    if (bytes.length == 1 && bytes[0] == KeySpace.SYSTEM) {
      return "/System";
    }
    if (bytes[0] != KeySpace.TABLE_DATA) {
      return HexKeyRenderer.INSTANCE.render(key);
    }
    if (bytes.length == 1) {
      return "/Table";
    }
    try {
      KeyReader reader = new KeyReader(bytes, 1);
      long tableId = (Long) reader.read(TABLE_ID);
      Optional<Table> table = table(tableId);
      String tableName = table.map(t -> "/" + t.name()).orElse("/Table/" + tableId);
      if (reader.atEnd()) {
        return tableName;
      }
      int indexId = (Integer) reader.read(INDEX_ID);
      if (table.isEmpty()) {
        return HexKeyRenderer.INSTANCE.render(key);
      }
      if (indexId != Table.PRIMARY_INDEX_ID) {
        Optional<Index> index = table.get().indexes().stream().filter(i -> i.id() == indexId).findFirst();
        return reader.atEnd() && index.isPresent() ? tableName + "/" + index.get().name()
            : HexKeyRenderer.INSTANCE.render(key);
      }
      StringBuilder values = new StringBuilder();
      for (IndexColumn column : table.get().primaryKey()) {
        if (reader.atEnd()) {
          break;
        }
        values.append(values.isEmpty() ? "" : ", ")
            .append(KeyDescriptions.literal(reader.read(RowKeys.keyColumn(table.get(), column))));
      }
      return reader.atEnd() && !values.isEmpty() ? tableName + "/(" + values + ")"
          : HexKeyRenderer.INSTANCE.render(key);
    } catch (IllegalArgumentException | ClassCastException | IndexOutOfBoundsException | NullPointerException e) {
      return HexKeyRenderer.INSTANCE.render(key);
    }
  }

  @Override
  public String renderEndOfKeySpace() {
    return "/Max";
  }

  @Override
  public boolean isWholeColumnPrefix(long tableId, byte[] key, int offset) {
    Optional<Table> table = table(tableId);
    if (table.isEmpty() || offset >= key.length) {
      return false;
    }
    try {
      KeyReader reader = new KeyReader(key, offset);
      for (IndexColumn column : table.get().primaryKey()) {
        reader.read(RowKeys.keyColumn(table.get(), column));
        if (reader.atEnd()) {
          return true;
        }
      }
      return false;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  private Optional<Table> table(long tableId) {
    return catalog.tables().values().stream().filter(t -> t.id() == tableId).findFirst();
  }
}
