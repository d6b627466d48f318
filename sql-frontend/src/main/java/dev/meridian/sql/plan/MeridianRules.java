package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTrait;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mapping;
import org.apache.calcite.util.mapping.MappingType;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Planner rules that push work into {@link MeridianTableScan}s (DESIGN.md §8): filters on key
 * columns become point lookups and key ranges (the rest stays a filter), projections narrow the
 * columns decoded, limits stop the scan early, and an ORDER BY opposite to an index's order reads
 * the index in reverse; plus the rules that hand scans and DML to the Enumerable engine.
 */
public final class MeridianRules {

  private MeridianRules() {}

  public static List<RelOptRule> all() {
    return List.of(
        FilterIntoScanRule.INSTANCE,
        ProjectIntoScanRule.INSTANCE,
        SortIntoScanRule.INSTANCE,
        TO_ENUMERABLE,
        TABLE_MODIFY);
  }

  /** Filter over a full scan → one alternative per index the filter can use. */
  static final class FilterIntoScanRule extends RelOptRule {
    static final FilterIntoScanRule INSTANCE = new FilterIntoScanRule();

    private FilterIntoScanRule() {
      super(operand(LogicalFilter.class, operandJ(MeridianTableScan.class, null,
          scan -> scan.path().isFullScan() && scan.limit() < 0
              && scan.projection().length == scan.descriptor().columns().size(), any())),
          "MeridianFilterIntoScan");
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      LogicalFilter filter = call.rel(0);
      MeridianTableScan scan = call.rel(1);
      Table table = scan.descriptor();
      List<Optional<AccessPathAnalyzer.Choice>> choices = new ArrayList<>();
      choices.add(AccessPathAnalyzer.analyze(table, Table.PRIMARY_INDEX_ID, "PRIMARY", table.primaryKey(),
          true, filter.getCondition(), filter.getCluster().getRexBuilder()));
      for (Index index : table.indexes()) {
        choices.add(AccessPathAnalyzer.analyze(table, index.id(), index.name(), index.columns(),
            false, filter.getCondition(), filter.getCluster().getRexBuilder()));
      }
      for (Optional<AccessPathAnalyzer.Choice> choice : choices) {
        if (choice.isEmpty()) {
          continue;
        }
        RelNode narrowed = scan.withPath(choice.get().path());
        RexNode remainder = choice.get().remainder();
        // The remaining filter keeps the order of the index it now reads, not the order the
        // original filter had over the primary index: with the latter, the planner took the
        // filter's rows for primary-key order and dropped an ORDER BY's sort.
        call.transformTo(remainder == null || remainder.isAlwaysTrue()
            ? narrowed
            : filter.copy(filter.getTraitSet().replace((RelTrait) narrowed.getTraitSet().getCollation()),
                narrowed, remainder));
      }
    }
  }

  /** Project over a scan → the scan decodes only the columns the projection uses. */
  static final class ProjectIntoScanRule extends RelOptRule {
    static final ProjectIntoScanRule INSTANCE = new ProjectIntoScanRule();

    private ProjectIntoScanRule() {
      super(operand(LogicalProject.class, operand(MeridianTableScan.class, any())),
          "MeridianProjectIntoScan");
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      LogicalProject project = call.rel(0);
      MeridianTableScan scan = call.rel(1);
      ImmutableBitSet used = RelOptUtil.InputFinder.bits(project.getProjects(), null);
      int fieldCount = scan.getRowType().getFieldCount();
      if (used.cardinality() == fieldCount) {
        return;
      }
      int[] newProjection = new int[used.cardinality()];
      Mapping mapping = Mappings.create(MappingType.INVERSE_SURJECTION, fieldCount, used.cardinality());
      int next = 0;
      for (int field : used) {
        newProjection[next] = scan.projection()[field];
        mapping.set(field, next);
        next++;
      }
      MeridianTableScan narrowed = scan.withProjection(newProjection);
      List<RexNode> remapped = new ArrayList<>();
      RexPermuteInputsShuttle shuttle = RexPermuteInputsShuttle.of(mapping);
      for (RexNode expression : project.getProjects()) {
        remapped.add(expression.accept(shuttle));
      }
      call.transformTo(project.copy(project.getTraitSet(), narrowed, remapped, project.getRowType()));
    }
  }

  /**
   * Sort over a scan: a LIMIT whose order the scan already gives stops the scan early, and an
   * ORDER BY opposite to the scan's order reads the index in reverse. The Sort stays on top (for
   * OFFSET and the exact count); the planner drops it where the scan's order satisfies it.
   */
  static final class SortIntoScanRule extends RelOptRule {
    static final SortIntoScanRule INSTANCE = new SortIntoScanRule();

    private SortIntoScanRule() {
      super(operand(Sort.class, operandJ(MeridianTableScan.class, null,
          scan -> scan.limit() < 0 && !scan.reverse(), any())), "MeridianSortIntoScan");
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      Sort sort = call.rel(0);
      MeridianTableScan scan = call.rel(1);
      RelCollation wanted = sort.getCollation();
      RelCollation given = scan.getTraitSet().getCollation();
      boolean forward = wanted.getFieldCollations().isEmpty() || given.satisfies(wanted);
      boolean reverse = !forward && reversed(given).satisfies(wanted);
      if (!forward && !reverse) {
        return;
      }
      long limit = -1;
      if (sort.fetch instanceof RexLiteral fetch) {
        long offset = sort.offset instanceof RexLiteral o ? o.getValueAs(Long.class) : 0;
        limit = fetch.getValueAs(Long.class) + offset;
      } else if (sort.fetch != null || !reverse) {
        return; // a parameter LIMIT, or nothing to gain
      }
      MeridianTableScan pushed = scan.withLimit(limit, reverse);
      call.transformTo(sort.copy(sort.getTraitSet(), pushed, wanted, sort.offset, sort.fetch));
    }

    private static RelCollation reversed(RelCollation collation) {
      List<RelFieldCollation> fields = new ArrayList<>();
      for (RelFieldCollation field : collation.getFieldCollations()) {
        fields.add(MeridianTableScan.reversed(field));
      }
      return RelCollations.of(fields);
    }
  }

  /** Hands Meridian scans to the Enumerable engine. */
  static final ConverterRule TO_ENUMERABLE =
      ConverterRule.Config.INSTANCE
          .withConversion(RelNode.class, MeridianRel.CONVENTION, EnumerableConvention.INSTANCE,
              "MeridianToEnumerableRule")
          .withRuleFactory(ToEnumerableRule::new)
          .toRule(ToEnumerableRule.class);

  static final class ToEnumerableRule extends ConverterRule {
    ToEnumerableRule(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      return new MeridianToEnumerableConverter(
          rel.getCluster(), rel.getTraitSet().replace(EnumerableConvention.INSTANCE), rel);
    }
  }

  /** Turns INSERT/UPSERT/UPDATE/DELETE of a Meridian table into {@link MeridianTableModify}. */
  static final ConverterRule TABLE_MODIFY =
      ConverterRule.Config.INSTANCE
          .withConversion(LogicalTableModify.class,
              modify -> modify.getTable().unwrap(MeridianTable.class) != null,
              Convention.NONE, EnumerableConvention.INSTANCE, "MeridianTableModifyRule")
          .withRuleFactory(TableModifyRule::new)
          .toRule(TableModifyRule.class);

  static final class TableModifyRule extends ConverterRule {
    TableModifyRule(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      TableModify modify = (TableModify) rel;
      RelNode input = convert(modify.getInput(),
          modify.getInput().getTraitSet().replace(EnumerableConvention.INSTANCE));
      boolean upsert = rel.getCluster().getPlanner().getContext().maybeUnwrap(UpsertFlag.class)
          .map(UpsertFlag::upsert).orElse(false);
      return new MeridianTableModify(rel.getCluster(),
          modify.getTraitSet().replace(EnumerableConvention.INSTANCE), modify.getTable(),
          modify.getCatalogReader(), input, modify.getOperation(), modify.getUpdateColumnList(),
          modify.getSourceExpressionList(), modify.isFlattened(), upsert);
    }
  }

  /** Planner context entry: the statement being planned is an UPSERT. */
  public record UpsertFlag(boolean upsert) {}
}
