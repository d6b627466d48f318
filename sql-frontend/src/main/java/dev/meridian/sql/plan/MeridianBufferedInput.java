package dev.meridian.sql.plan;

import dev.meridian.sql.exec.ReplayableRows;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableNestedLoopJoin;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.EnumerableValues;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.SingleRel;

/**
 * Reads its input once and replays it ({@link ReplayableRows}). Calcite's nested-loop join
 * enumerates its right input again for every left row; a join's right input never depends on the
 * left row (only a correlate's does), so reading it once gives the same rows. Without it, an
 * {@code x IN (SELECT …)} under an OR — which becomes a nested-loop join with the subquery's row
 * count — re-ran the subquery's scan for each outer row: seconds for a 1,000-row table.
 */
final class MeridianBufferedInput extends SingleRel implements EnumerableRel {

  private MeridianBufferedInput(RelTraitSet traits, RelNode input) {
    super(input.getCluster(), traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new MeridianBufferedInput(traitSet, sole(inputs));
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
    BlockBuilder block = new BlockBuilder();
    Expression rows = block.append("rows", input.block);
    block.add(Expressions.return_(null, Expressions.call(ReplayableRows.class, "of", rows, implementor.getRootExpression())));
    return implementor.result(input.physType, block.toBlock());
  }

  /** {@code plan} with the right input of every nested-loop join buffered. */
  static RelNode bufferNestedLoopInners(RelNode plan) {
    return plan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        if (visited instanceof EnumerableNestedLoopJoin join
            && !(join.getRight() instanceof MeridianBufferedInput)
            && !(join.getRight() instanceof EnumerableValues)) {
          return join.copy(join.getTraitSet(),
              List.of(join.getLeft(), new MeridianBufferedInput(join.getRight().getTraitSet(), join.getRight())));
        }
        return visited;
      }
    });
  }
}
