package dev.meridian.sql.plan;

import dev.meridian.sql.exec.ScanExecutor;
import dev.meridian.sql.exec.ScanSpec;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The boundary between a {@link MeridianTableScan} and Calcite's Enumerable engine: the generated
 * code calls {@link ScanExecutor#scan} with the scan's {@link ScanSpec}, stashed as a constant.
 */
final class MeridianToEnumerableConverter extends ConverterImpl implements EnumerableRel {

  MeridianToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new MeridianToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return super.computeSelfCost(planner, mq).multiplyBy(0.1);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    MeridianTableScan scan = (MeridianTableScan) getInput();
    // One-column rows are bare values (SCALAR), as every Enumerable operator produces them; the
    // executor follows the same convention, so set operations and joins can mix our rows with theirs.
    PhysType physType =
        PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
    BlockBuilder block = new BlockBuilder();
    Expression spec = implementor.stash(scan.spec(), ScanSpec.class);
    Expression rows = Expressions.call(
        ScanExecutor.class, "scan", implementor.getRootExpression(), spec);
    block.add(Expressions.return_(null, rows));
    return implementor.result(physType, block.toBlock());
  }
}
