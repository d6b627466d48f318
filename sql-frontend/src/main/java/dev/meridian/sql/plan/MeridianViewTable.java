package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.View;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A view: planning a query over it plans the view's SQL in its place (as Calcite's own view tables
 * do), renamed to the view's declared columns.
 */
final class MeridianViewTable extends AbstractTable implements TranslatableTable {

  private final View view;
  private final Function<View, RelDataType> rowTypeOf;
  private RelDataType rowType;

  MeridianViewTable(View view, Function<View, RelDataType> rowTypeOf) {
    this.view = view;
    this.rowTypeOf = rowTypeOf;
  }

  @Override
  public synchronized RelDataType getRowType(RelDataTypeFactory typeFactory) {
    if (rowType == null) {
      rowType = rowTypeOf.apply(view);
    }
    return rowType;
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    RelRoot root = context.expandView(relOptTable.getRowType(), view.sql(),
        List.of(MeridianSchema.NAME), List.of(MeridianSchema.NAME, view.name()));
    return RelOptUtil.createCastRel(root.project(), relOptTable.getRowType(), true);
  }
}
