package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.parser.MeridianSqlParser;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ColumnStrategy;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql2rel.InitializerContext;
import org.apache.calcite.sql2rel.NullInitializerExpressionFactory;

/**
 * The values INSERT gives columns it does not name: a column's DEFAULT expression (stored as SQL
 * text, parsed and validated here), NULL otherwise. The hidden row id gets NULL here and its real
 * value from the DML executor.
 */
final class ColumnDefaults extends NullInitializerExpressionFactory {

  private final Table table;

  ColumnDefaults(Table table) {
    this.table = table;
  }

  @Override
  public ColumnStrategy generationStrategy(RelOptTable relOptTable, int column) {
    Column declared = table.columns().get(column);
    if (declared.hidden() || declared.defaultSql() != null) {
      return ColumnStrategy.DEFAULT;
    }
    return super.generationStrategy(relOptTable, column);
  }

  @Override
  public RexNode newColumnDefaultValue(RelOptTable relOptTable, int column, InitializerContext context) {
    Column declared = table.columns().get(column);
    if (declared.defaultSql() == null) {
      return super.newColumnDefaultValue(relOptTable, column, context);
    }
    RelDataType type = relOptTable.getRowType().getFieldList().get(column).getType();
    SqlNode expression = SqlRewrites.rewrite(context.parseExpression(MeridianSqlParser.CONFIG, declared.defaultSql()));
    SqlNode validated = context.validateExpression(relOptTable.getRowType(), expression);
    RexNode value = context.convertExpression(validated);
    return context.getRexBuilder().makeCast(type, value, true, false);
  }
}
