package dev.meridian.server;

import dev.meridian.sql.exec.SqlEngine;
import dev.meridian.txn.range.RangeLeader;
import java.util.Set;

/**
 * What {@link NodeServer} serves SQL from: a {@link LocalNode} (one local range, a node started
 * without {@code --port}) or a {@link RangeNode} (replicas of a cluster's ranges and a gateway to all
 * of them).
 */
interface DataNode extends AutoCloseable {

  /** Whose node this is: cluster, node id, region and zone. */
  NodeIdentity identity();

  /** The SQL engine over this node's transaction client. */
  SqlEngine sqlEngine();

  /** The bugs planted in this node ({@code --plant-bug}); a cluster node takes none. */
  default Set<RangeLeader.PlantedBug> plantedBugs() {
    return Set.of();
  }

  @Override
  void close();
}
