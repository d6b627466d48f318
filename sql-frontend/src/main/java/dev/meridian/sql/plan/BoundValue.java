package dev.meridian.sql.plan;

import org.apache.calcite.DataContext;

/**
 * A value bounding a key range: a constant known at plan time, or a statement parameter ({@code ?})
 * known at execution. Constants are in Calcite's runtime representation for the column's type.
 */
public sealed interface BoundValue {

  /** The runtime value when the statement executes with {@code context}'s parameters. */
  Object resolve(DataContext context);

  record Constant(Object value) implements BoundValue {
    @Override
    public Object resolve(DataContext context) {
      return value;
    }

    @Override
    public String toString() {
      return String.valueOf(value);
    }
  }

  record Parameter(int index) implements BoundValue {
    @Override
    public Object resolve(DataContext context) {
      return context.get("?" + index);
    }

    @Override
    public String toString() {
      return "?" + index;
    }
  }
}
