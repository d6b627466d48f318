package dev.meridian.txn.directory;

import static dev.meridian.txn.directory.TestKeys.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.directory.SplitPlanner.SplitPlan;
import dev.meridian.txn.directory.SplitRefusedException.Reason;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitPlannerTest {

  private static final List<ReplicaDescriptor> REPLICAS =
      List.of(new ReplicaDescriptor(new NodeId(1), "us", ReplicaRole.VOTER));
  private final SplitPlanner planner = new SplitPlanner(DirectoryLimits.defaults(), TestKeys.SHAPE);

  @Test
  void aPlanSplitsOneRangeIntoTwoWithRaisedGenerationsAndTwoMetaEntries() {
    List<RangeDescriptor> ranges = ClusterKeySpace.bootstrap(REPLICAS);
    SplitPlan plan = planner.plan(ranges, parse("t5"), new RangeId(4));
    assertThat(plan.original().id()).isEqualTo(ClusterKeySpace.TABLES);
    assertThat(plan.command().range()).isEqualTo(ClusterKeySpace.TABLES);
    assertThat(plan.command().generation()).isZero();
    assertThat(plan.command().splitKey()).isEqualTo(parse("t5"));
    assertThat(plan.command().newRange()).isEqualTo(new RangeId(4));
    assertThat(plan.left().span()).isEqualTo(new KeySpan(ClusterKeySpace.TABLE_DATA_SPAN.start(), parse("t5")));
    assertThat(plan.right().span()).isEqualTo(new KeySpan(parse("t5"), null));
    assertThat(plan.left().generation()).isEqualTo(1);
    assertThat(plan.right().generation()).isEqualTo(1);
    assertThat(plan.right().replicas()).isEqualTo(REPLICAS);
    assertThat(plan.metaWrites()).extracting(MetaLayout.MetaWrite::key)
        .containsExactly(MetaLayout.entryKey(parse("t5")), MetaLayout.END_OF_KEY_SPACE);
    assertThat(DescriptorCodec.decode(plan.metaWrites().get(1).value(), DirectoryLimits.defaults()))
        .isEqualTo(plan.right());
  }

  @Test
  void createTableSplitsAtTheTablesStartAndEndUnlessTheyAreBoundaries() {
    List<RangeDescriptor> ranges = new ArrayList<>(ClusterKeySpace.bootstrap(REPLICAS));
    List<Key> first = ClusterKeySpace.splitsForNewTable(5, ClusterKeySpace.boundaries(ranges));
    assertThat(first).containsExactly(parse("t5"), parse("t6"));
    long nextId = 4;
    for (Key split : first) {
      SplitPlan plan = planner.plan(ranges, split, new RangeId(nextId++));
      ranges.remove(plan.original());
      ranges.add(plan.left());
      ranges.add(plan.right());
    }
    assertThat(ClusterKeySpace.splitsForNewTable(6, ClusterKeySpace.boundaries(ranges)))
        .containsExactly(parse("t7"));
    assertThat(ClusterKeySpace.splitsForNewTable(5, ClusterKeySpace.boundaries(ranges))).isEmpty();
    assertThat(ClusterKeySpace.splitsForNewTable(Long.MAX_VALUE, ClusterKeySpace.boundaries(ranges)))
        .containsExactly(ClusterKeySpace.tablePrefix(Long.MAX_VALUE));
  }

  @Test
  void refusesEveryKeyTheRuleForbidsAndAcceptsWholePrimaryKeyColumns() {
    List<RangeDescriptor> ranges = ClusterKeySpace.bootstrap(REPLICAS);
    // Establish a table range first so boundary refusals have something to hit.
    SplitPlan plan = planner.plan(ranges, parse("t5"), new RangeId(4));
    List<RangeDescriptor> split = new ArrayList<>(ranges);
    split.remove(plan.original());
    split.add(plan.left());
    split.add(plan.right());
    expect(split, parse("t5"), Reason.AT_EXISTING_BOUNDARY, "42710");
    expect(split, ClusterKeySpace.TABLE_DATA_SPAN.start(), Reason.AT_EXISTING_BOUNDARY, "42710");
    expect(split, parse("sys"), Reason.AT_EXISTING_BOUNDARY, "42710");
    expect(split, Key.of(new byte[] {1, 'C', 'T'}), Reason.SYSTEM_SPAN, "0A000");
    expect(split, Key.utf8("\u0000m"), Reason.SYSTEM_SPAN, "0A000");
    expect(split, Key.of(new byte[] {0x11}), Reason.OUTSIDE_TABLE_DATA, "22023");
    expect(split, Key.of(new byte[] {0x10, 0x07}), Reason.OUTSIDE_TABLE_DATA, "22023");
    expect(split, parse("t5/2"), Reason.INSIDE_SECONDARY_INDEX, "22023");
    expect(split, parse("t5/2/10"), Reason.INSIDE_SECONDARY_INDEX, "22023");
    expect(split, parse("t5/1"), Reason.EMPTY_ROW_PREFIX, "22023");
    Key partial = Key.of(java.util.Arrays.copyOf(parse("t5/1/10").unsafeBytes(), parse("t5/1/10").length() - 3));
    expect(split, partial, Reason.NOT_A_ROW_BOUNDARY, "22023");
    expect(split, Key.of(new byte[DirectoryLimits.defaults().maxKeyBytes() + 1]), Reason.KEY_TOO_LONG, "54000");
    List<RangeDescriptor> withGap = new ArrayList<>(split);
    withGap.remove(plan.right());
    expect(withGap, parse("t5/1/10"), Reason.OUTSIDE_ANY_RANGE, "XX000");
    // And what the rule allows: whole primary-key columns, one or several.
    assertThat(planner.plan(split, parse("t5/1/10"), new RangeId(9)).right().span().start())
        .isEqualTo(parse("t5/1/10"));
    assertThat(planner.plan(split, parse("t5/1/10/-3"), new RangeId(9)).left().span().end())
        .isEqualTo(parse("t5/1/10/-3"));
    assertThatThrownBy(() -> planner.plan(split, parse("t5/1/10"), new RangeId(4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
    assertThatThrownBy(() -> planner.plan(split, parse("t5/1/10"), new RangeId(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void expect(List<RangeDescriptor> ranges, Key key, Reason reason, String sqlState) {
    assertThatThrownBy(() -> planner.plan(ranges, key, new RangeId(40)))
        .as("split at %s", key)
        .isInstanceOfSatisfying(SplitRefusedException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.sqlState()).isEqualTo(sqlState);
          assertThat(e.splitKey()).isEqualTo(key);
        });
  }
}
