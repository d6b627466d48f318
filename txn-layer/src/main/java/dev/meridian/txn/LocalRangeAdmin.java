package dev.meridian.txn;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.directory.PrimaryKeyShape;
import dev.meridian.txn.directory.ShowRanges;
import dev.meridian.txn.directory.SplitRefusedException;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link RangeAdmin} of a node with one local range ({@link TxnClient}): range 1 holds the
 * whole key space, its one replica and leaseholder is this node, and it never splits (a node
 * started without {@code --port} has no directory to record a split in).
 */
public final class LocalRangeAdmin implements RangeAdmin {

  /** The id SHOW RANGES gives the node's one range. */
  static final RangeId LOCAL_RANGE = new RangeId(1);

  private final NodeId node;
  private final String region;

  public LocalRangeAdmin(NodeId node, String region) {
    this.node = node;
    this.region = region;
  }

  @Override
  public CompletableFuture<List<ShowRanges.RangeRow>> ranges(KeySpan span) {
    return CompletableFuture.completedFuture(List.of(new ShowRanges.RangeRow(LOCAL_RANGE, Key.EMPTY, null,
        List.of(new ReplicaDescriptor(node, region, ReplicaRole.VOTER)), node)));
  }

  @Override
  public CompletableFuture<Void> split(Key splitKey, PrimaryKeyShape shape) {
    return CompletableFuture.failedFuture(new SplitRefusedException(SplitRefusedException.Reason.NO_SPLITS_HERE,
        splitKey, "this node has one local range, which never splits; ranges split on a cluster node"
            + " (meridian start --port P)"));
  }

  @Override
  public CompletableFuture<Void> isolateTable(long tableId) {
    return CompletableFuture.completedFuture(null);
  }
}
