package dev.meridian.sql.plan;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.SemiJoinRule;

/**
 * Calcite's rules that turn a join with an aggregate into a semi-join on the aggregate's input,
 * except for an aggregate without GROUP BY. Such an aggregate returns one row even when its input
 * is empty, so the semi-join — which keeps a left row only if the input has a matching row —
 * drops rows the join kept. It happens to {@code x OR y IN (SELECT …)} once the OR's second branch
 * simplifies away: the subquery's row count ({@code COUNT(*)}) was cross-joined and no longer
 * used, and an empty subquery emptied the whole result (index/between/1 lost 240 rows).
 */
final class SemiJoinRules {

  private SemiJoinRules() {}

  /** The rules {@link #REPLACEMENTS} stand in for. */
  static final List<RelOptRule> REPLACED = List.of(CoreRules.PROJECT_TO_SEMI_JOIN, CoreRules.JOIN_TO_SEMI_JOIN);

  /** Calcite's rules, refusing an aggregate without GROUP BY on the right. */
  static final List<RelOptRule> REPLACEMENTS = List.of(
      SemiJoinRule.ProjectToSemiJoinRule.ProjectToSemiJoinRuleConfig.DEFAULT
          .withOperandSupplier(b -> b.operand(Project.class).oneInput(b2 ->
              b2.operand(Join.class).predicate(SemiJoinRules::isJoinTypeSupported).inputs(
                  b3 -> b3.operand(RelNode.class).anyInputs(),
                  b4 -> b4.operand(Aggregate.class).predicate(SemiJoinRules::groups).anyInputs())))
          .as(SemiJoinRule.ProjectToSemiJoinRule.ProjectToSemiJoinRuleConfig.class)
          .toRule(),
      SemiJoinRule.JoinToSemiJoinRule.JoinToSemiJoinRuleConfig.DEFAULT
          .withOperandSupplier(b ->
              b.operand(Join.class).predicate(SemiJoinRules::isJoinTypeSupported).inputs(
                  b2 -> b2.operand(RelNode.class).anyInputs(),
                  b3 -> b3.operand(Aggregate.class).predicate(SemiJoinRules::groups).anyInputs()))
          .as(SemiJoinRule.JoinToSemiJoinRule.JoinToSemiJoinRuleConfig.class)
          .toRule());

  /** The join types Calcite's rules take. */
  private static boolean isJoinTypeSupported(Join join) {
    return join.getJoinType() == JoinRelType.INNER || join.getJoinType() == JoinRelType.LEFT;
  }

  /** An aggregate with GROUP BY returns no row for an empty input, which the semi-join relies on. */
  private static boolean groups(Aggregate aggregate) {
    return !aggregate.getGroupSet().isEmpty();
  }
}
