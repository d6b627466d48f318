package dev.meridian.sql.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A table: its columns in declaration order, its primary key (never empty: a table declared without
 * one gets a hidden {@value #ROW_ID} column as its key) and its secondary indexes. Primary index id
 * is {@value #PRIMARY_INDEX_ID}; secondary indexes take ids from {@code nextIndexId}.
 */
public record Table(
    long id,
    String name,
    List<Column> columns,
    List<IndexColumn> primaryKey,
    List<Index> indexes,
    int nextColumnId,
    int nextIndexId) {

  public static final int PRIMARY_INDEX_ID = 1;

  /** Name of the hidden key column of tables declared without a primary key. */
  public static final String ROW_ID = "_rowid";

  public Table {
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
    indexes = List.copyOf(indexes);
    if (primaryKey.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " has no primary key");
    }
  }

  /** The position of the column with {@code columnId} in {@link #columns()}. */
  public int position(int columnId) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).id() == columnId) {
        return i;
      }
    }
    throw new IllegalArgumentException("table " + name + " has no column with id " + columnId);
  }

  public Optional<Column> column(String columnName) {
    return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
  }

  public Column columnById(int columnId) {
    return columns.get(position(columnId));
  }

  public Optional<Index> index(String indexName) {
    return indexes.stream().filter(i -> i.name().equals(indexName)).findFirst();
  }

  /** Positions (in {@link #columns()}) of the primary key columns, in key order. */
  public int[] primaryKeyPositions() {
    return primaryKey.stream().mapToInt(c -> position(c.columnId())).toArray();
  }

  public boolean isPrimaryKeyColumn(int columnId) {
    return primaryKey.stream().anyMatch(c -> c.columnId() == columnId);
  }

  public boolean hasHiddenRowId() {
    return columns.stream().anyMatch(Column::hidden);
  }

  /** A copy with {@code column} appended. */
  public Table withColumn(Column column) {
    List<Column> more = new ArrayList<>(columns);
    more.add(column);
    return new Table(id, name, more, primaryKey, indexes, Math.max(nextColumnId, column.id() + 1), nextIndexId);
  }

  /** A copy with {@code index} added. */
  public Table withIndex(Index index) {
    List<Index> more = new ArrayList<>(indexes);
    more.add(index);
    return new Table(id, name, columns, primaryKey, more, nextColumnId, Math.max(nextIndexId, index.id() + 1));
  }

  /** A copy without the index named {@code indexName}. */
  public Table withoutIndex(String indexName) {
    List<Index> fewer = new ArrayList<>(indexes);
    fewer.removeIf(i -> i.name().equals(indexName));
    return new Table(id, name, columns, primaryKey, fewer, nextColumnId, nextIndexId);
  }
}
