package dev.meridian.sql.row;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Table;
import dev.meridian.storage.Key;
import dev.meridian.storage.codec.Bytes;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyReader;
import dev.meridian.storage.codec.SqlType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a key is, in SQL terms, for messages a user reads: "row (ID)=(42) of table ACCOUNTS",
 * "entry (EMAIL)=('a@b.c') of index USERS_BY_EMAIL on table USERS", "the catalog". A key this node's
 * catalog cannot explain (a table dropped since, a system key it does not know) is shown as the
 * key bytes, so the description is never wrong, only less helpful.
 */
public final class KeyDescriptions {

  private static final KeyColumn TABLE_ID = KeyColumn.asc(SqlType.BIGINT);
  private static final KeyColumn INDEX_ID = KeyColumn.asc(SqlType.INTEGER);

  private KeyDescriptions() {}

  public static String describe(Optional<Catalog> catalog, Key key) {
    byte[] bytes = key.unsafeBytes();
    if (bytes.length > 0 && bytes[0] == KeySpace.SYSTEM) {
      return "the catalog (a concurrent schema change)";
    }
    if (bytes.length == 0 || bytes[0] != KeySpace.TABLE_DATA || catalog.isEmpty()) {
      return "key " + key;
    }
    try {
      KeyReader reader = new KeyReader(bytes, 1);
      long tableId = (Long) reader.read(TABLE_ID);
      int indexId = (Integer) reader.read(INDEX_ID);
      Optional<Table> table = catalog.get().tables().values().stream().filter(t -> t.id() == tableId).findFirst();
      if (table.isEmpty()) {
        return "key " + key + " of a table that no longer exists (id " + tableId + ")";
      }
      Table t = table.get();
      if (indexId == Table.PRIMARY_INDEX_ID) {
        return "row " + columns(t, t.primaryKey(), reader) + " of table " + t.name();
      }
      Optional<Index> index = t.indexes().stream().filter(i -> i.id() == indexId).findFirst();
      if (index.isEmpty()) {
        return "key " + key + " of an index of table " + t.name() + " that no longer exists";
      }
      return "entry " + columns(t, index.get().columns(), reader) + " of index " + index.get().name()
          + " on table " + t.name();
    } catch (IllegalArgumentException | ClassCastException | IndexOutOfBoundsException e) {
      return "key " + key;
    }
  }

  /** {@code (A, B)=(1, 'x')} for the columns the reader is positioned at; the rest of a scan key is left out. */
  private static String columns(Table table, List<IndexColumn> columns, KeyReader reader) {
    StringBuilder names = new StringBuilder("(");
    StringBuilder values = new StringBuilder("(");
    for (IndexColumn column : columns) {
      if (reader.atEnd()) {
        break;
      }
      if (names.length() > 1) {
        names.append(", ");
        values.append(", ");
      }
      names.append(table.columnById(column.columnId()).name());
      values.append(literal(reader.read(RowKeys.keyColumn(table, column))));
    }
    return names.append(")=").append(values).append(")").toString();
  }

  /** A value as a SQL literal. */
  static String literal(Object value) {
    return switch (value) {
      case null -> "NULL";
      case String s -> "'" + s.replace("'", "''") + "'";
      case LocalDate d -> "DATE '" + d + "'";
      case LocalDateTime ts -> "TIMESTAMP '" + ts.toString().replace('T', ' ') + "'";
      case Bytes b -> "X'" + HexFormat.of().formatHex(b.toByteArray()) + "'";
      default -> String.valueOf(value);
    };
  }
}
