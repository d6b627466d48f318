package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.parser.ddl.SqlAlterTableSplitAt;
import dev.meridian.sql.parser.ddl.SqlShowRanges;
import dev.meridian.sql.row.RangeBoundaries;
import dev.meridian.sql.row.RowKeys;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.RangeAdmin;
import dev.meridian.txn.directory.ShowRanges;
import dev.meridian.txn.directory.SplitRefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import dev.meridian.sql.ddl.DdlExecutor;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The statements about ranges (DESIGN §7), over the client's {@link RangeAdmin}:
 *
 * <ul>
 *   <li>{@code SHOW RANGES [FROM TABLE t]}: one row per range (of the table's span, {@link
 *       KeySpace#tableData}), columns {@link ShowRanges#COLUMNS}: the id as a BIGINT, the rest as
 *       text, boundaries in SQL terms ({@link RangeBoundaries}).
 *   <li>{@code ALTER TABLE t SPLIT AT VALUES (…), …}: each split point is a primary-key prefix (1 to
 *       all key columns, in key order), evaluated as a query casting each value to its column's type
 *       (so {@code '2024-01-01'} splits a DATE key and {@code ?} takes a parameter), and the range
 *       holding it splits there. A point that already starts a range is skipped, so the statement can
 *       be run again; it is not a transaction (each split is atomic on its own, and a failure leaves
 *       the earlier points split).
 *   <li>After {@code CREATE TABLE}: the new table gets a range of its own ({@link
 *       RangeAdmin#isolateTable}). A failure there does not fail the statement (the table exists
 *       and works; it shares a range until a later split), it is logged.
 * </ul>
 */
final class RangeStatements {

  private static final Logger LOG = Logger.getLogger(RangeStatements.class.getName());

  private RangeStatements() {}

  static StatementResult.Rows showRanges(SqlShowRanges show, Catalog catalog, RangeAdmin admin,
      RelDataTypeFactory types, StatementGuard guard) {
    KeySpan span = KeySpan.all();
    if (show.getTable() != null) {
      span = KeySpace.tableData(table(catalog, show.getTable()).id());
    }
    RangeBoundaries boundaries = new RangeBoundaries(catalog);
    List<Object[]> rows = new ArrayList<>();
    for (ShowRanges.RangeRow range : BlockingTxn.await(admin.ranges(span), guard)) {
      List<String> text = ShowRanges.render(range, boundaries);
      Object[] row = new Object[text.size()];
      row[0] = range.id().value();
      for (int i = 1; i < text.size(); i++) {
        row[i] = text.get(i);
      }
      if (range.leaseholder() == null) {
        row[text.size() - 1] = null; // rendered as the word NULL; the column is SQL NULL
      }
      rows.add(row);
    }
    RelDataTypeFactory.Builder rowType = types.builder();
    for (String column : ShowRanges.COLUMNS) {
      rowType.add(column.toUpperCase(java.util.Locale.ROOT),
          types.createTypeWithNullability(types.createSqlType(
              column.equals("range_id") ? SqlTypeName.BIGINT : SqlTypeName.VARCHAR), !column.equals("range_id")));
    }
    return new StatementResult.Rows(rowType.build(), rows.iterator(), () -> { });
  }

  /**
   * The query whose one row is the split points' values, each cast to its key column's type: {@code
   * SELECT CAST((v11) AS T1), CAST((v12) AS T2), …, CAST((v21) AS T1), …}.
   */
  static String splitValuesQuery(SqlAlterTableSplitAt split, Table table) {
    StringBuilder select = new StringBuilder("SELECT ");
    List<List<SqlNode>> points = split.getSplitPoints();
    for (List<SqlNode> point : points) {
      if (point.isEmpty() || point.size() > table.primaryKey().size()) {
        throw new SqlExecutionException("42601", "a split point of table " + table.name() + " lists 1 to "
            + table.primaryKey().size() + " values of its primary key " + primaryKeyNames(table) + ", not "
            + point.size());
      }
      for (int i = 0; i < point.size(); i++) {
        String type = table.columnById(table.primaryKey().get(i).columnId()).type().toSql();
        select.append(select.length() > 7 ? ", " : "").append("CAST((")
            .append(point.get(i).toSqlString(c -> c.withDialect(
                dev.meridian.sql.parser.MeridianSqlParser.DIALECT)).getSql())
            .append(") AS ").append(type).append(")");
      }
    }
    return select.toString();
  }

  /** The split keys of {@code split}, from {@link #splitValuesQuery}'s row. */
  static List<Key> splitKeys(SqlAlterTableSplitAt split, Table table, Object[] values) {
    List<Key> keys = new ArrayList<>();
    int next = 0;
    for (List<SqlNode> point : split.getSplitPoints()) {
      Object[] prefix = new Object[point.size()];
      for (int i = 0; i < prefix.length; i++) {
        prefix[i] = values[next++];
        if (prefix[i] == null) {
          throw new SqlExecutionException("22004", "a split point of table " + table.name()
              + " has a NULL value; primary-key values are never NULL");
        }
      }
      keys.add(RowKeys.primaryKeyPrefix(table, prefix));
    }
    return keys;
  }

  /** Splits at each key in order; one that already starts a range is skipped. */
  static void split(List<Key> keys, Catalog catalog, RangeAdmin admin, StatementGuard guard) {
    RangeBoundaries shape = new RangeBoundaries(catalog);
    for (Key key : keys) {
      try {
        BlockingTxn.await(admin.split(key, shape), guard);
      } catch (SplitRefusedException refused) {
        if (refused.reason() != SplitRefusedException.Reason.AT_EXISTING_BOUNDARY) {
          throw new SqlExecutionException(refused.sqlState(), "cannot split at " + shape.render(key) + ": "
              + refused.getMessage(), refused);
        }
      }
    }
  }

  /** After CREATE TABLE committed: a range of the table's own, or a warning in the log. */
  static void isolateNewTable(Table table, RangeAdmin admin, StatementGuard guard) {
    try {
      BlockingTxn.await(admin.isolateTable(table.id()), guard);
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      LOG.log(Level.WARNING, "table " + table.name() + " was created but shares a range with its neighbours: "
          + "its own range could not be split off (" + cause.getMessage() + "); ALTER TABLE " + table.name()
          + " SPLIT AT can split it later", cause);
    }
  }

  static Table table(Catalog catalog, SqlIdentifier identifier) {
    String name = DdlExecutor.objectName(identifier);
    return catalog.table(name).orElseThrow(() -> new SqlExecutionException("42P01",
        "relation " + name + " does not exist"));
  }

  private static List<String> primaryKeyNames(Table table) {
    return table.primaryKey().stream().map(c -> table.columnById(c.columnId()).name()).toList();
  }
}
