package dev.meridian.server;

import dev.meridian.server.admin.ClusterView;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster as a node without the cluster layer sees it: itself, live, and its one local range,
 * which spans the whole key space with this node as its only voter and leaseholder. The cluster
 * layer (M5) replaces this with a view over its membership (liveness from heartbeats, each peer's
 * {@code /api/node}) and its range directory; the JSON and everything that reads it stay.
 */
final class SingleNodeClusterView implements ClusterView {

  /** The one range of a single node: there is no directory to number it, so it is range 1. */
  static final long LOCAL_RANGE_ID = 1;

  private final String clusterId;
  private final Supplier<Node> self;

  SingleNodeClusterView(String clusterId, Supplier<Node> self) {
    this.clusterId = clusterId;
    this.self = self;
  }

  @Override
  public Snapshot snapshot() {
    Node node = self.get();
    Range range = new Range(LOCAL_RANGE_ID, "", "", List.of(new Replica(node.nodeId(), node.region(), "voter")),
        node.nodeId(), null);
    return new Snapshot(FORMAT_VERSION, clusterId, node.nodeId(), List.of(node), List.of(range));
  }
}
