package dev.meridian.txn.types;

import dev.meridian.runtime.NodeId;
import java.util.Objects;

/** One replica of a range: the node that hosts it, that node's region, and its role in the group. */
public record ReplicaDescriptor(NodeId node, String region, ReplicaRole role) {

  public ReplicaDescriptor {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(role, "role");
  }
}
