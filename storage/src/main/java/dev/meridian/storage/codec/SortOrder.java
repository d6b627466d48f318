package dev.meridian.storage.codec;

/** The direction a key column sorts in. */
public enum SortOrder {
  ASCENDING("ASC"),
  /** Reverses the column's whole order, NULL included: in a descending column NULL sorts last. */
  DESCENDING("DESC");

  private final String sql;

  SortOrder(String sql) {
    this.sql = sql;
  }

  /** The SQL keyword, {@code ASC} or {@code DESC}. */
  public String sql() {
    return sql;
  }
}
