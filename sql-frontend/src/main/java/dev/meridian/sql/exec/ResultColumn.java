package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a result column comes from, for {@code ResultSetMetaData}: the schema, table and column
 * it reads unchanged, and that column's declared type (which keeps a VARCHAR's length: the
 * planner sees every VARCHAR column as unbounded, see MeridianTable). All null for a computed
 * column; {@code declared} null also for a column of a view or a system table.
 */
public record ResultColumn(String schema, String table, String column, ColumnType declared) {

  /** A column computed by the statement. */
  public static final ResultColumn COMPUTED = new ResultColumn(null, null, null, null);

  /**
   * One entry per result field, from the validator's field origins (each {@code [schema, table,
   * column]}, or null for a computed field), resolved against {@code catalog}.
   */
  static List<ResultColumn> of(Catalog catalog, List<List<String>> origins) {
    List<ResultColumn> columns = new ArrayList<>(origins.size());
    for (List<String> origin : origins) {
      if (origin == null || origin.size() < 3) {
        columns.add(COMPUTED);
        continue;
      }
      String schema = origin.get(origin.size() - 3);
      String tableName = origin.get(origin.size() - 2);
      String columnName = origin.get(origin.size() - 1);
      Table table = dev.meridian.sql.plan.MeridianSchema.NAME.equals(schema) ? catalog.tables().get(tableName) : null;
      ColumnType declared = null;
      if (table != null) {
        for (Column column : table.columns()) {
          if (column.name().equals(columnName)) {
            declared = column.type();
          }
        }
      }
      columns.add(new ResultColumn(schema, tableName, columnName, declared));
    }
    return columns;
  }
}
