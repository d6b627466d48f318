package dev.meridian.storage.codec;

import java.util.Objects;

/** One column of an encoded key: its SQL type and the direction it sorts in. */
public record KeyColumn(SqlType type, SortOrder order) {

  public KeyColumn {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(order, "order");
  }

  public static KeyColumn asc(SqlType type) {
    return new KeyColumn(type, SortOrder.ASCENDING);
  }

  public static KeyColumn desc(SqlType type) {
    return new KeyColumn(type, SortOrder.DESCENDING);
  }

  /** As written in SQL, e.g. {@code VARCHAR DESC}: the form error messages use. */
  @Override
  public String toString() {
    return type + " " + order.sql();
  }
}
