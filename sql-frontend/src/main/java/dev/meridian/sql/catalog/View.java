package dev.meridian.sql.catalog;

import java.util.List;

/** A view: its defining query as SQL text and optional column names. */
public record View(String name, String sql, List<String> columnNames) {

  public View {
    columnNames = List.copyOf(columnNames);
  }
}
