package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Table;

/**
 * What one DML statement does to one table: {@code operation} INSERT (an UPSERT when {@code
 * upsert}), UPDATE of the columns at {@code updatedPositions}, or DELETE.
 */
public record ModifySpec(Table table, Operation operation, boolean upsert, int[] updatedPositions) {

  public enum Operation {
    INSERT,
    UPDATE,
    DELETE
  }
}
