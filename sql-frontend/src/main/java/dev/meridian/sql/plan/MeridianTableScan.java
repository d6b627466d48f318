package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.exec.ScanSpec;
import dev.meridian.sql.row.RowKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * A read of one Meridian table through one index: the whole index or some key ranges of it, only
 * some columns, at most some rows, forward or in reverse. It delivers rows in the index's order, and
 * says so in its collation trait, so that the planner drops sorts the key order already gives.
 */
public final class MeridianTableScan extends TableScan implements MeridianRel {

  private final MeridianTable meridianTable;
  private final AccessPath path;
  private final int[] projection;
  private final long limit;
  private final boolean reverse;

  private MeridianTableScan(
      RelOptCluster cluster,
      RelTraitSet traits,
      RelOptTable table,
      MeridianTable meridianTable,
      AccessPath path,
      int[] projection,
      long limit,
      boolean reverse) {
    super(cluster, traits, List.of(), table);
    this.meridianTable = meridianTable;
    this.path = path;
    this.projection = projection;
    this.limit = limit;
    this.reverse = reverse;
  }

  /** A full scan of the primary index, returning every column. */
  static MeridianTableScan create(RelOptCluster cluster, RelOptTable table, MeridianTable meridianTable) {
    Table descriptor = meridianTable.descriptor();
    int[] all = IntStream.range(0, descriptor.columns().size()).toArray();
    return make(cluster, table, meridianTable,
        AccessPath.fullScan(Table.PRIMARY_INDEX_ID, "PRIMARY"), all, -1, false);
  }

  private static MeridianTableScan make(
      RelOptCluster cluster,
      RelOptTable table,
      MeridianTable meridianTable,
      AccessPath path,
      int[] projection,
      long limit,
      boolean reverse) {
    RelCollation collation = collation(meridianTable.descriptor(), path, projection, reverse);
    RelTraitSet traits =
        cluster.traitSetOf(MeridianRel.CONVENTION).replaceIf(RelCollationTraitDef.INSTANCE, () -> collation);
    return new MeridianTableScan(cluster, traits, table, meridianTable, path, projection, limit, reverse);
  }

  MeridianTableScan withPath(AccessPath newPath) {
    return make(getCluster(), getTable(), meridianTable, newPath, projection, limit, reverse);
  }

  MeridianTableScan withProjection(int[] newProjection) {
    return make(getCluster(), getTable(), meridianTable, path, newProjection, limit, reverse);
  }

  MeridianTableScan withLimit(long newLimit, boolean newReverse) {
    return make(getCluster(), getTable(), meridianTable, path, projection, newLimit, newReverse);
  }

  public Table descriptor() {
    return meridianTable.descriptor();
  }

  public AccessPath path() {
    return path;
  }

  int[] projection() {
    return projection;
  }

  long limit() {
    return limit;
  }

  boolean reverse() {
    return reverse;
  }

  public ScanSpec spec() {
    return new ScanSpec(descriptor(), path, projection.clone(), limit, reverse);
  }

  /** The key columns of the index the path reads, in index order (entries carry the primary key after). */
  static List<IndexColumn> indexOrder(Table table, AccessPath path) {
    if (path.indexId() == Table.PRIMARY_INDEX_ID) {
      return table.primaryKey();
    }
    Index index = table.indexes().stream().filter(i -> i.id() == path.indexId()).findFirst().orElseThrow();
    List<IndexColumn> order = new ArrayList<>(index.columns());
    if (!index.unique()) {
      order.addAll(table.primaryKey());
    }
    return order;
  }

  /**
   * The order rows come out in, over the projected fields: the index order, reversed for a reverse
   * scan, cut at the first key column the projection leaves out.
   */
  private static RelCollation collation(Table table, AccessPath path, int[] projection, boolean reverse) {
    List<RelFieldCollation> fields = new ArrayList<>();
    for (RelFieldCollation field : MeridianTable.collationOf(table, indexOrder(table, path)).getFieldCollations()) {
      int projected = indexOf(projection, field.getFieldIndex());
      if (projected < 0) {
        break;
      }
      RelFieldCollation mapped = field.withFieldIndex(projected);
      fields.add(reverse ? reversed(mapped) : mapped);
    }
    return RelCollations.of(fields);
  }

  /** The same field in the opposite order; NULLs move to the other end too. */
  static RelFieldCollation reversed(RelFieldCollation field) {
    RelFieldCollation.NullDirection nulls =
        field.nullDirection == RelFieldCollation.NullDirection.FIRST
            ? RelFieldCollation.NullDirection.LAST
            : RelFieldCollation.NullDirection.FIRST;
    return field.withDirection(field.getDirection().reverse()).withNullDirection(nulls);
  }

  private static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public RelDataType deriveRowType() {
    List<RelDataTypeField> fields = table.getRowType().getFieldList();
    var builder = getCluster().getTypeFactory().builder();
    for (int position : projection) {
      builder.add(fields.get(position));
    }
    return builder.build();
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    double rows = MeridianTable.ASSUMED_ROW_COUNT;
    if (path.pointLookup()) {
      rows = path.ranges().size();
    } else if (!path.isFullScan()) {
      rows = Math.max(1, rows * selectivity());
    }
    return limit >= 0 ? Math.min(rows, limit) : rows;
  }

  private double selectivity() {
    double perRange = 1.0;
    for (int i = 0; i < path.ranges().get(0).equalities().size(); i++) {
      perRange *= 0.05;
    }
    if (path.ranges().get(0).hasRange()) {
      perRange *= 0.25;
    }
    return Math.min(1.0, perRange * path.ranges().size());
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double rows = estimateRowCount(mq);
    // Reading a secondary index and then each row costs about twice a primary read per row.
    boolean lookups = path.indexId() != Table.PRIMARY_INDEX_ID && !covers();
    double perRow = (lookups ? 3.0 : 1.0) * (0.5 + 0.5 * projection.length / Math.max(1, descriptor().columns().size()));
    return planner.getCostFactory().makeCost(rows, rows * perRow, rows * perRow);
  }

  /** Whether a secondary index scan can answer from the index entries alone. */
  boolean covers() {
    if (path.indexId() == Table.PRIMARY_INDEX_ID) {
      return true;
    }
    Index index = descriptor().indexes().stream().filter(i -> i.id() == path.indexId()).findFirst().orElseThrow();
    return RowKeys.covers(descriptor(), index, projection);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    List<String> columns = IntStream.of(projection)
        .mapToObj(p -> descriptor().columns().get(p).name()).collect(Collectors.toList());
    return super.explainTerms(pw)
        .item("access", path.describe())
        .itemIf("lookup", "primary index", !covers())
        .item("columns", columns)
        .itemIf("limit", limit, limit >= 0)
        .itemIf("reverse", true, reverse);
  }
}
