package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql2rel.InitializerExpressionFactory;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A Meridian table as Calcite sees it: its columns (hidden ones last, so that INSERT without a
 * column list fills the visible ones), its primary key as a unique key and sort order, and a scan
 * that planner rules refine into point lookups and key ranges.
 */
public final class MeridianTable extends AbstractTable implements TranslatableTable {

  /** Row count assumed for cost estimates; Meridian does not keep table statistics yet. */
  static final double ASSUMED_ROW_COUNT = 10_000;

  private final Table table;
  private final InitializerExpressionFactory defaults;

  /** @param defaults makes the DEFAULT values of the table's columns for INSERT */
  public MeridianTable(Table table, InitializerExpressionFactory defaults) {
    this.table = table;
    this.defaults = defaults;
  }

  public Table descriptor() {
    return table;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (Column column : table.columns()) {
      // The hidden row id is filled by Meridian, never by the user: nullable to Calcite. A VARCHAR(n)
      // shows as VARCHAR: Calcite's assignment cast would silently truncate a longer string, where SQL
      // requires an error (22001), which the DML executor raises.
      ColumnType type = column.type().kind() == ColumnType.Kind.VARCHAR
          ? ColumnType.of(ColumnType.Kind.VARCHAR) : column.type();
      builder.add(column.name(), type.toRelDataType(typeFactory, column.nullable() || column.hidden()));
    }
    return builder.build();
  }

  @Override
  public Statistic getStatistic() {
    ImmutableBitSet key = ImmutableBitSet.of(table.primaryKeyPositions());
    return Statistics.of(ASSUMED_ROW_COUNT, List.of(key), List.of(primaryKeyCollation(table)));
  }

  /** The order of the primary index: the primary key columns in their declared directions. */
  static RelCollation primaryKeyCollation(Table table) {
    return collationOf(table, table.primaryKey());
  }

  static RelCollation collationOf(Table table, List<IndexColumn> columns) {
    List<RelFieldCollation> fields = new ArrayList<>();
    for (IndexColumn column : columns) {
      fields.add(new RelFieldCollation(
          table.position(column.columnId()),
          column.descending() ? RelFieldCollation.Direction.DESCENDING : RelFieldCollation.Direction.ASCENDING,
          column.descending() ? RelFieldCollation.NullDirection.LAST : RelFieldCollation.NullDirection.FIRST));
    }
    return RelCollations.of(fields);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return MeridianTableScan.create(context.getCluster(), relOptTable, this);
  }

  @Override
  public <C> C unwrap(Class<C> type) {
    if (type == InitializerExpressionFactory.class) {
      return type.cast(defaults);
    }
    return super.unwrap(type);
  }
}
