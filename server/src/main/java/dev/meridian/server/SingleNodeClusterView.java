package dev.meridian.server;

import dev.meridian.server.admin.ClusterView;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster as a node without the cluster layer sees it: itself, live, and its one local range,
 * which spans the whole key space with this node as its only voter and leaseholder. It is what a
 * node without a cluster endpoint ({@code --port}) serves; one with an endpoint serves {@link
 * MembershipView}'s view over its members instead, in the same JSON.
 */
final class SingleNodeClusterView implements ClusterView {

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
        node.nodeId(), null, null);
    return new Snapshot(FORMAT_VERSION, clusterId, node.nodeId(), List.of(node), List.of(range));
  }
}
