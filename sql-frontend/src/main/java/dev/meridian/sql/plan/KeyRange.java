package dev.meridian.sql.plan;

import java.util.List;

/**
 * One contiguous range of an index: equal values for its leading key columns, then optionally a
 * range on the next column (a null bound is open). Bounds are in value order; execution turns them
 * into key bounds, flipping them for descending columns.
 */
public record KeyRange(
    List<BoundValue> equalities,
    BoundValue lower,
    boolean lowerInclusive,
    BoundValue upper,
    boolean upperInclusive) {

  public KeyRange {
    equalities = List.copyOf(equalities);
  }

  public static KeyRange prefix(List<BoundValue> equalities) {
    return new KeyRange(equalities, null, false, null, false);
  }

  public boolean hasRange() {
    return lower != null || upper != null;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    out.append(equalities);
    if (hasRange()) {
      out.append(lowerInclusive ? '[' : '(')
          .append(lower == null ? "-∞" : lower)
          .append("..")
          .append(upper == null ? "+∞" : upper)
          .append(upperInclusive ? ']' : ')');
    }
    return out.toString();
  }
}
