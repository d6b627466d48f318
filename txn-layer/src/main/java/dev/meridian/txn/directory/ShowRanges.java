package dev.meridian.txn.directory;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The part of {@code SHOW RANGES [FROM TABLE t]} that needs no SQL (DESIGN §7): the rows, from the
 * meta range's descriptors and what is known of leaseholders, and their rendering as text columns.
 * sql-frontend reads the descriptors (a scan of {@link MetaLayout#ENTRIES}), passes the table's span
 * ({@link ClusterKeySpace#tableSpan}) for {@code FROM TABLE}, and its {@link KeyRenderer}.
 */
public final class ShowRanges {

  /** The column names, in the order {@link #render} produces them. */
  public static final List<String> COLUMNS =
      List.of("range_id", "start_key", "end_key", "replicas", "replica_regions", "lease_holder");

  /**
   * One range as SHOW RANGES lists it.
   *
   * @param end null when the range runs to the end of the key space
   * @param leaseholder null when not known
   */
  public record RangeRow(
      RangeId id, Key start, Key end, List<ReplicaDescriptor> replicas, NodeId leaseholder) {
    public RangeRow {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(start, "start");
      replicas = List.copyOf(replicas);
    }
  }

  private ShowRanges() {}

  /**
   * The rows of the ranges that overlap {@code filter} (every range for {@link KeySpan#all()}), in
   * key order, each with the leaseholder {@code leaseholders} knows (or null).
   */
  public static List<RangeRow> rows(
      Collection<RangeDescriptor> descriptors, Function<RangeId, NodeId> leaseholders, KeySpan filter) {
    List<RangeRow> rows = new ArrayList<>();
    descriptors.stream()
        .filter(d -> d.span().overlaps(filter))
        .sorted(Comparator.comparing(d -> d.span().start()))
        .forEach(d -> rows.add(new RangeRow(
            d.id(), d.span().start(), d.span().end(), d.replicas(), leaseholders.apply(d.id()))));
    return rows;
  }

  /**
   * One row as text, in {@link #COLUMNS} order. Replicas are listed by node id ({@code n1}; a read
   * replica as {@code n4 (non-voter)}, a learner as {@code n5 (learner)}), their regions in the same
   * order; an unknown leaseholder is {@code NULL}.
   */
  public static List<String> render(RangeRow row, KeyRenderer keys) {
    String replicas = row.replicas().stream().map(ShowRanges::replica).collect(Collectors.joining(", "));
    String regions = row.replicas().stream().map(ReplicaDescriptor::region).collect(Collectors.joining(", "));
    return List.of(
        Long.toString(row.id().value()),
        keys.render(row.start()),
        row.end() == null ? keys.renderEndOfKeySpace() : keys.render(row.end()),
        "{" + replicas + "}",
        "{" + regions + "}",
        row.leaseholder() == null ? "NULL" : row.leaseholder().toString());
  }

  private static String replica(ReplicaDescriptor replica) {
    return replica.node() + (replica.role() == ReplicaRole.VOTER ? ""
        : " (" + replica.role().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
  }
}
