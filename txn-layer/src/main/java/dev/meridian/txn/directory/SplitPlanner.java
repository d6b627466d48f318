package dev.meridian.txn.directory;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.directory.MetaLayout.MetaWrite;
import dev.meridian.txn.directory.SplitRefusedException.Reason;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Plans a split (DESIGN §7): the {@link RangeCommand.Split} for the range's own log and the two meta
 * entries that must be written with it in one transaction.
 *
 * <h2>Which keys may split a range</h2>
 *
 * A key {@code k} is a split key only if all of these hold, checked in this order:
 * <ol>
 *   <li>{@code k} is at most {@link DirectoryLimits#maxKeyBytes} long;
 *   <li>some range holds {@code k}, and {@code k} is not its start (that is already a boundary);
 *   <li>{@code k} is in the table-data span: the meta range stays one range (lookups are one level
 *       deep, so its descriptor must stay the one every node is configured with) and the system
 *       range stays one range (catalog transactions stay on the one-range fast path);
 *   <li>{@code k} is a <b>table boundary</b> {@code 0x10 | tableId} (what CREATE TABLE adds), or a
 *       <b>row boundary</b> {@code 0x10 | tableId | 1 | c1 … cj}: the primary index followed by
 *       {@code j >= 1} whole primary-key columns, as {@code ALTER TABLE … SPLIT AT VALUES (…)}
 *       writes them ({@link PrimaryKeyShape} tells whole columns from part of one).
 * </ol>
 *
 * <p>Why this rule for rows and their index entries. A row lives at {@code 0x10|t|1|pk} and its
 * index entries at {@code 0x10|t|i|…} with {@code i > 1}, after every row of the table; so no split
 * can keep every row next to its index entries once a table has two ranges, and correctness never
 * depends on it (a write that spans ranges commits by 2PC). What the rule keeps is the cost: with
 * boundaries only at table and row boundaries, all secondary indexes of a table stay in the
 * table's last range, so a single-row write touches at most two ranges (its row's and the last)
 * and exactly one when its row is in the last range. A split inside an index ({@code 0x10|t|i|…},
 * {@code i > 1}), or at an index prefix itself ({@code 0x10|t|2} would put every row on one side and
 * every index entry on the other), scatters index entries over more ranges and gains no parallelism
 * a primary-key split does not give; so both are refused, and SQL has no way to ask for them. A row
 * boundary with no columns ({@code 0x10|t|1}) would only cut off an empty range. Part of a column
 * is refused because the resulting boundary could not be shown as SQL values (SHOW RANGES) and is
 * never what SPLIT AT meant. Every row is one key-value pair, so any accepted key keeps each row
 * whole on one side.
 *
 * <h2>Generations</h2>
 *
 * Both halves get the split range's generation plus one, the right half under a new range id. That
 * keeps the invariant the {@link RangeCache} relies on: <em>a descriptor's generation exceeds the
 * generation of every descriptor that owned any of its keys before it</em> (a merge must take the
 * maximum of its inputs plus one), so of two overlapping descriptors the one with the higher
 * generation is the newer, whatever their ids.
 */
public final class SplitPlanner {

  private final DirectoryLimits limits;
  private final PrimaryKeyShape shape;

  public SplitPlanner(DirectoryLimits limits, PrimaryKeyShape shape) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.shape = Objects.requireNonNull(shape, "shape");
  }

  /**
   * What splitting at {@code splitKey} needs.
   *
   * @param current the descriptors as read from the meta range in the splitting transaction (at
   *     least the one holding {@code splitKey})
   * @param newRange the id for the right half, freshly allocated from {@link
   *     ClusterKeySpace#nextRangeIdKey()} and not the id of any range in {@code current}
   * @throws SplitRefusedException if {@code splitKey} may not split a range (see the class comment)
   */
  public SplitPlan plan(Collection<RangeDescriptor> current, Key splitKey, RangeId newRange) {
    checkKeyLength(splitKey);
    RangeDescriptor range = null;
    for (RangeDescriptor descriptor : current) {
      if (descriptor.id().equals(newRange)) {
        throw new IllegalArgumentException("range id " + newRange + " is already " + descriptor);
      }
      if (descriptor.contains(splitKey)) {
        range = descriptor;
      }
    }
    if (newRange.value() < ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID) {
      throw new IllegalArgumentException("range id " + newRange + " belongs to a bootstrap range");
    }
    if (range == null) {
      throw new SplitRefusedException(Reason.OUTSIDE_ANY_RANGE, splitKey,
          "no range holds " + splitKey + ": the directory does not cover the key space");
    }
    if (range.span().start().equals(splitKey)) {
      throw new SplitRefusedException(Reason.AT_EXISTING_BOUNDARY, splitKey,
          splitKey + " already starts range " + range.id());
    }
    checkSplitKey(splitKey);
    KeySpan span = range.span();
    long generation = range.generation() + 1;
    RangeDescriptor left = new RangeDescriptor(
        range.id(), new KeySpan(span.start(), splitKey), range.replicas(), generation);
    RangeDescriptor right = new RangeDescriptor(
        newRange, new KeySpan(splitKey, span.end()), range.replicas(), generation);
    RangeCommand.Split command =
        new RangeCommand.Split(range.id(), range.generation(), splitKey, newRange);
    return new SplitPlan(range, command, left, right,
        List.of(MetaLayout.entry(left), MetaLayout.entry(right)));
  }

  /**
   * Checks rules 1, 3 and 4 of the class comment, those that need no descriptor: what a gateway asks
   * before it sends a split (the leaseholder checks rule 2 against the range it holds).
   *
   * @throws SplitRefusedException if {@code splitKey} may never split a range
   */
  public void requireSplitKey(Key splitKey) {
    checkKeyLength(splitKey);
    checkSplitKey(splitKey);
  }

  private void checkKeyLength(Key splitKey) {
    if (splitKey.length() > limits.maxKeyBytes()) {
      throw new SplitRefusedException(Reason.KEY_TOO_LONG, splitKey,
          "split key of " + splitKey.length() + " bytes is longer than the limit of "
              + limits.maxKeyBytes() + "; split at a shorter primary-key prefix");
    }
  }

  private void checkSplitKey(Key splitKey) {
    if (!ClusterKeySpace.TABLE_DATA_SPAN.contains(splitKey)) {
      throw new SplitRefusedException(Reason.SYSTEM_SPAN, splitKey,
          splitKey + " is in the meta or system span, which is never split");
    }
    ClusterKeySpace.TableKey parsed = ClusterKeySpace.parseTableKey(splitKey);
    if (parsed == null) {
      throw new SplitRefusedException(Reason.OUTSIDE_TABLE_DATA, splitKey,
          splitKey + " is not a table key (0x10 | table id | index id | columns)");
    }
    if (parsed.indexId() == null) {
      return;
    }
    if (parsed.indexId() != ClusterKeySpace.PRIMARY_INDEX_ID) {
      throw new SplitRefusedException(Reason.INSIDE_SECONDARY_INDEX, splitKey,
          splitKey + " is in index " + parsed.indexId() + " of table " + parsed.tableId()
              + "; split a table only at primary-key values, so its indexes stay in its last range");
    }
    if (parsed.columnsOffset() == splitKey.length()) {
      throw new SplitRefusedException(Reason.EMPTY_ROW_PREFIX, splitKey,
          splitKey + " is the start of table " + parsed.tableId()
              + "'s rows with no key values; it would only cut off an empty range");
    }
    if (!shape.isWholeColumnPrefix(parsed.tableId(), splitKey.unsafeBytes(), parsed.columnsOffset())) {
      throw new SplitRefusedException(Reason.NOT_A_ROW_BOUNDARY, splitKey,
          splitKey + " does not end at a whole primary-key column of table " + parsed.tableId());
    }
  }

  /**
   * A planned split.
   *
   * @param original the descriptor the plan was made against: the transaction that writes {@code
   *     metaWrites} must find exactly it (same generation) at {@code MetaLayout.entryKey(original)},
   *     or abort and re-plan, so two concurrent splits of one range cannot both win
   * @param command the command to propose to the range's own log; it applies only at {@code
   *     original.generation()}
   * @param left the range's descriptor after the split ({@code [start, splitKey)}, generation + 1)
   * @param right the new range's descriptor ({@code [splitKey, end)}, same generation as {@code left})
   * @param metaWrites left's entry at {@code entryKey(splitKey)} and right's at the original entry
   *     key (which now names right, since right keeps the original end); both in one transaction
   */
  public record SplitPlan(
      RangeDescriptor original,
      RangeCommand.Split command,
      RangeDescriptor left,
      RangeDescriptor right,
      List<MetaWrite> metaWrites) {
    public SplitPlan {
      metaWrites = List.copyOf(metaWrites);
    }
  }
}
