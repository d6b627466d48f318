package dev.meridian.storage.codec;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;

/**
 * The SQL order of values, which the key codec's byte order must equal: the specification the
 * codec's tests check it against, written without reference to bytes.
 *
 * <ul>
 *   <li>NULL sorts before every value (in an ascending column).
 *   <li>DOUBLE: numeric order; -0.0 equals 0.0; NaN equals NaN and sorts after +Infinity.
 *   <li>DECIMAL: numeric order ({@link BigDecimal#compareTo}), so 1.0 equals 1.00.
 *   <li>VARCHAR: Unicode code point order (binary collation), not {@link String#compareTo}'s UTF-16
 *       order.
 *   <li>VARBINARY: unsigned lexicographic.
 *   <li>Others: their natural order.
 * </ul>
 *
 * Values must already be of the type's {@link SqlType#javaType()}.
 */
public final class SqlValueOrder {

  private SqlValueOrder() {}

  /** The order of one type's values, NULL first. */
  public static Comparator<Object> of(SqlType type) {
    return (a, b) -> compare(type, a, b);
  }

  /**
   * The order of one column's values: {@link #of} for ascending, reversed (NULL last) for
   * descending.
   */
  public static Comparator<Object> of(KeyColumn column) {
    Comparator<Object> ascending = of(column.type());
    return column.order() == SortOrder.ASCENDING ? ascending : ascending.reversed();
  }

  /** The lexicographic order of rows of key values, each column in its own direction. */
  public static Comparator<List<?>> ofKey(List<KeyColumn> columns) {
    List<Comparator<Object>> orders = columns.stream().map(SqlValueOrder::of).toList();
    return (a, b) -> {
      for (int i = 0; i < orders.size(); i++) {
        int c = orders.get(i).compare(a.get(i), b.get(i));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  /** Negative, zero or positive as {@code a} sorts before, equal to or after {@code b}. */
  public static int compare(SqlType type, Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return switch (type) {
      case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
      case INTEGER -> Integer.compare((Integer) a, (Integer) b);
      case BIGINT -> Long.compare((Long) a, (Long) b);
      case DOUBLE -> compareDoubles((Double) a, (Double) b);
      case DECIMAL -> ((BigDecimal) a).compareTo((BigDecimal) b);
      case VARCHAR -> compareCodePoints((String) a, (String) b);
      case VARBINARY -> ((Bytes) a).compareTo((Bytes) b);
      case DATE -> ((LocalDate) a).compareTo((LocalDate) b);
      case TIMESTAMP -> ((LocalDateTime) a).compareTo((LocalDateTime) b);
    };
  }

  /** SQL order of doubles: {@link Double#compare} but with -0.0 equal to 0.0. */
  public static int compareDoubles(double a, double b) {
    // == is true for -0.0 vs 0.0 and false for NaN, whose ordering Double.compare already gets
    // right.
    return a == b ? 0 : Double.compare(a, b);
  }

  /** Lexicographic order of the strings' Unicode code points. */
  public static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
