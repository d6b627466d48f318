package dev.meridian.sql.catalog;

import java.util.List;

/**
 * A secondary index. {@code storing} names extra columns kept in the index entry so that queries
 * reading only indexed and stored columns need not visit the row.
 */
public record Index(
    int id, String name, boolean unique, List<IndexColumn> columns, List<Integer> storing) {

  public Index {
    columns = List.copyOf(columns);
    storing = List.copyOf(storing);
  }
}
