package dev.meridian.txn;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.directory.ClusterKeySpace;
import dev.meridian.txn.directory.PrimaryKeyShape;
import dev.meridian.txn.directory.ShowRanges;
import dev.meridian.txn.directory.SplitRefusedException;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * What SQL asks of the key space's ranges besides reading and writing them (DESIGN §7): {@code SHOW
 * RANGES}, {@code ALTER TABLE … SPLIT AT}, and a range of its own for each new table. The seam
 * beside {@link TransactionClient}: a node's one local range ({@link LocalRangeAdmin}) or the
 * cluster's directory (the gateway's). Thread-safe; futures may complete on any thread.
 */
public interface RangeAdmin {

  /**
   * The ranges that overlap {@code span}, in key order, each with its leaseholder when known (from
   * the directory, read strongly: a split that completed before the call is seen).
   */
  CompletableFuture<List<ShowRanges.RangeRow>> ranges(KeySpan span);

  /**
   * Splits the range holding {@code splitKey} at it; completes once the directory names both halves.
   * Fails with {@link SplitRefusedException} for a key that may not split a range (see {@code
   * directory.SplitPlanner}; {@code shape} tells whole primary-key columns from part of one; a key
   * that already starts a range is {@code AT_EXISTING_BOUNDARY}; a node's one local range refuses
   * every split, {@code NO_SPLITS_HERE}), and with {@link TxnException}s as transactions do when the
   * directory cannot be updated (e.g. {@link TxnUnavailableException}).
   */
  CompletableFuture<Void> split(Key splitKey, PrimaryKeyShape shape);

  /**
   * Gives table {@code tableId} a range of its own (its span, {@code ClusterKeySpace.tableSpan},
   * becomes exactly one range) by the splits {@code ClusterKeySpace.splitsForNewTable} names: at
   * most two, each at a table boundary (so no primary-key shape is consulted). Where ranges never
   * split (one local range) there is nothing to do and it completes at once.
   */
  default CompletableFuture<Void> isolateTable(long tableId) {
    PrimaryKeyShape tableBoundariesOnly = (table, key, offset) -> false;
    return ranges(ClusterKeySpace.tableSpan(tableId)).thenCompose(rows -> {
      NavigableSet<Key> starts = new TreeSet<>();
      rows.forEach(row -> starts.add(row.start()));
      CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
      for (Key key : ClusterKeySpace.splitsForNewTable(tableId, starts)) {
        done = done.thenCompose(v -> split(key, tableBoundariesOnly));
      }
      return done;
    });
  }
}
