package dev.meridian.txn.cluster;

import dev.meridian.runtime.NodeId;
import java.util.Objects;

/**
 * What the cluster knows about one registered node: its id, the data directory it runs on (its
 * store), where it runs, where it listens, and its current incarnation.
 *
 * <p>Invariants: a node id is bound to one store for good (a second data directory claiming the id
 * is a duplicate and is refused: it would mint the same transaction and row ids); {@code epoch}
 * only grows ({@link MemberRegistry} keeps the record with the larger {@code (epoch, generation)});
 * {@code generation} grows when the node changes its own record within an epoch (it learns the
 * address of an endpoint it bound after registering).
 *
 * @param storeId the UUID chosen when the data directory was first used, as text
 * @param epoch the node's incarnation: 1 on its first start, one more on every restart and every
 *     time it learns that its epoch ended (more than half of the members did not hear it; see
 *     {@link ClusterCore})
 * @param generation the version of this record within the epoch
 */
public record Member(NodeId nodeId, String storeId, String region, String zone, Addresses addresses, long epoch,
    long generation) {

  /**
   * Where the node listens, each {@code host:port}; an empty string for an endpoint not bound yet.
   *
   * @param cluster the cluster endpoint (join, init, heartbeats): the node's {@code --port}
   */
  public record Addresses(String cluster, String sql, String admin) {
    public Addresses {
      Objects.requireNonNull(cluster, "cluster");
      Objects.requireNonNull(sql, "sql");
      Objects.requireNonNull(admin, "admin");
    }
  }

  public Member {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(addresses, "addresses");
    if (storeId.isEmpty()) {
      throw new IllegalArgumentException("a member needs a store id");
    }
    if (epoch < 1 || generation < 0) {
      throw new IllegalArgumentException("epoch must be >= 1 and generation >= 0, got " + epoch + "/" + generation);
    }
  }

  /** Whether this record is a later version of the same node's record than {@code other}. */
  boolean supersedes(Member other) {
    return epoch > other.epoch || (epoch == other.epoch && generation > other.generation);
  }

  Member withEpoch(long newEpoch) {
    return new Member(nodeId, storeId, region, zone, addresses, newEpoch, 0);
  }

  Member withAddresses(Addresses newAddresses) {
    return new Member(nodeId, storeId, region, zone, newAddresses, epoch, generation + 1);
  }

  /** {@code n2 (store 1b2c…, at 127.0.0.1:7171)}, for messages that name a node. */
  String describe() {
    return nodeId + " (data directory " + storeId + ", at " + (addresses.cluster().isEmpty() ? "?" : addresses.cluster())
        + ")";
  }
}
