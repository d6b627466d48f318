package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.exec.DmlExecutor;
import dev.meridian.sql.exec.ModifySpec;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rex.RexNode;

/**
 * INSERT, UPSERT, UPDATE or DELETE of a Meridian table in the Enumerable engine: its input yields
 * the rows (for UPDATE, each old row followed by the new values of the updated columns) and the
 * generated code hands them to {@link DmlExecutor#modify}, which writes rows and index entries in
 * the statement's transaction and returns the row count.
 */
public final class MeridianTableModify extends TableModify implements EnumerableRel {

  private final boolean upsert;

  MeridianTableModify(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelOptTable table,
      Prepare.CatalogReader catalogReader,
      RelNode input,
      Operation operation,
      List<String> updateColumnList,
      List<RexNode> sourceExpressionList,
      boolean flattened,
      boolean upsert) {
    super(cluster, traits, table, catalogReader, input, operation, updateColumnList,
        sourceExpressionList, flattened);
    this.upsert = upsert;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new MeridianTableModify(getCluster(), traitSet, getTable(), getCatalogReader(),
        sole(inputs), getOperation(), getUpdateColumnList(), getSourceExpressionList(),
        isFlattened(), upsert);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).itemIf("upsert", true, upsert);
  }

  ModifySpec spec() {
    Table table = getTable().unwrap(MeridianTable.class).descriptor();
    ModifySpec.Operation operation = switch (getOperation()) {
      case INSERT -> ModifySpec.Operation.INSERT;
      case UPDATE -> ModifySpec.Operation.UPDATE;
      case DELETE -> ModifySpec.Operation.DELETE;
      default -> throw new UnsupportedOperationException(getOperation() + " is not supported");
    };
    int[] updated = getUpdateColumnList() == null ? new int[0]
        : getUpdateColumnList().stream()
            .mapToInt(name -> table.columns().indexOf(table.column(name).orElseThrow()))
            .toArray();
    return new ModifySpec(table, operation, upsert, updated);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
    BlockBuilder block = new BlockBuilder();
    Expression rows = block.append("rows", input.block);
    Expression spec = implementor.stash(spec(), ModifySpec.class);
    Expression count = Expressions.call(
        DmlExecutor.class, "modify", implementor.getRootExpression(), spec, rows);
    block.add(Expressions.return_(null, count));
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR);
    return implementor.result(physType, block.toBlock());
  }
}
