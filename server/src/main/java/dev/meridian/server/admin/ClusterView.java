package dev.meridian.server.admin;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a node knows about its cluster, for operators: the console's {@code /api/cluster}, {@code
 * meridian status} and anything else that reads the admin API. The shape is the cluster's, not one
 * node's, so that a multi-node cluster fills the same fields: a list of nodes (each with its
 * liveness as the answering node sees it) and a list of ranges (each with its replicas and
 * leaseholder). A single-node cluster answers with itself and its one range ({@code
 * SingleNodeClusterView}); a node of a formed cluster with its membership's members and the ranges
 * its meta range lists ({@link PeerClusterView} through {@code MembershipView} and {@code
 * RangeNode}).
 *
 * <p>Invariants: every {@link Node#nodeId} appears once; every replica, leaseholder and {@link
 * Range#localTo} names a node of the list; a node whose facts could not be fetched is listed with
 * liveness {@link Liveness#UNREACHABLE} (or {@link Liveness#DEAD} where the cluster declared it so),
 * no stats and the reason (never left out, so an operator sees what is missing).
 */
public interface ClusterView {

  /** The view as of now; must not block longer than a bounded fetch from peers. */
  Snapshot snapshot();

  /** How the answering node sees a node. */
  enum Liveness {
    /** Answers, heartbeats current. */
    LIVE,
    /** Heartbeats late, not yet declared dead. */
    SUSPECT,
    /** Declared dead by the cluster's liveness. */
    DEAD,
    /** Its facts could not be fetched just now (the answering node's view, not the cluster's). */
    UNREACHABLE;

    /** {@code live}, {@code unreachable}: how the JSON spells it. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A node's one local range over the whole key space: there is no directory to number it, so it is range 1. */
  long LOCAL_RANGE_ID = 1;

  /** Format version of the JSON; bump it when a field changes meaning (adding one does not). */
  int FORMAT_VERSION = 1;

  /**
   * The whole answer of {@code /api/cluster}. {@code servedBy} is the node that answered; {@code
   * regions} is derived from {@code nodes} (sorted by name, node ids ascending).
   */
  record Snapshot(int formatVersion, String clusterId, int servedBy, List<Node> nodes, List<Range> ranges) {

    public Snapshot {
      nodes = List.copyOf(nodes);
      ranges = List.copyOf(ranges);
      java.util.Set<Integer> ids = new java.util.HashSet<>();
      for (Node node : nodes) {
        if (!ids.add(node.nodeId())) {
          throw new IllegalArgumentException("node " + node.nodeId() + " is listed twice");
        }
      }
      for (Range range : ranges) {
        for (Replica replica : range.replicas()) {
          if (!ids.contains(replica.nodeId())) {
            throw new IllegalArgumentException("range " + range.rangeId() + " has a replica on unlisted node "
                + replica.nodeId());
          }
        }
        if (range.leaseholder() != null && !ids.contains(range.leaseholder())) {
          throw new IllegalArgumentException("range " + range.rangeId() + " has unlisted leaseholder "
              + range.leaseholder());
        }
        if (range.localTo() != null && !ids.contains(range.localTo())) {
          throw new IllegalArgumentException("range " + range.rangeId() + " is local to unlisted node "
              + range.localTo());
        }
      }
    }

    @com.fasterxml.jackson.annotation.JsonProperty(value = "regions",
        access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public List<Region> regions() {
      Map<String, List<Integer>> byRegion = new TreeMap<>();
      for (Node node : nodes) {
        byRegion.computeIfAbsent(node.region(), r -> new java.util.ArrayList<>()).add(node.nodeId());
      }
      return byRegion.entrySet().stream()
          .map(e -> new Region(e.getKey(), e.getValue().stream().sorted().toList()))
          .toList();
    }
  }

  record Region(String name, List<Integer> nodeIds) {}

  /**
   * One node. {@code clock} is {@code trusted} or the reason it is fenced; {@code serving} is what
   * its {@code /health} says; {@code epoch} is the node's epoch as the cluster's membership records
   * it (one more on every restart and every return from dead; null where there is no membership).
   * Fields other than id, region, liveness, epoch and reason are null when its facts could not be
   * fetched.
   */
  record Node(int nodeId, String region, String zone, Liveness liveness, Boolean serving, String clock,
      Long epsilonMicros, String version, String sqlUrl, String adminUrl, Long uptimeMillis, String reason,
      NodeStats stats, Long epoch) {

    /** A node listed by the cluster whose own facts could not be fetched: why, in {@code reason}. */
    public static Node unreachable(int nodeId, String region, String zone, String adminUrl, String reason) {
      return new Node(nodeId, region, zone, Liveness.UNREACHABLE, null, null, null, null, null, adminUrl, null,
          reason, null, null);
    }

    /** This node as the cluster's membership sees it: its liveness verdict, epoch and the reason for it. */
    public Node asSeen(Liveness verdict, Long clusterEpoch, String verdictReason) {
      return new Node(nodeId, region, zone, verdict, serving, clock, epsilonMicros, version, sqlUrl, adminUrl,
          uptimeMillis, verdictReason, stats, clusterEpoch);
    }
  }

  /**
   * A node's work since it started; the console turns successive answers into rates and windowed
   * percentiles. Counters only grow while the node runs (a restart resets them; uptime tells).
   */
  record NodeStats(long statementsTotal, long commitsTotal, long rollbacksTotal, long conflictsTotal,
      long errorsTotal, LatencyHistogram.Snapshot statementSeconds, LatencyHistogram.Snapshot commitWaitSeconds) {}

  /**
   * One range: {@code [startKey, endKey)} in hex ({@code ""} for the ends of the key space), its
   * replicas, the node holding its lease (null while none does), and its closed timestamp's lag
   * behind now (null until closed timestamps exist, M7). {@code localTo} names the node whose own,
   * unreplicated range this is: until ranges are replicated every node of a cluster keeps its data
   * in one local range over the whole key space, numbered 1 on that node, so a cluster lists one
   * such range per node and the same range id more than once (null for a range of a range
   * directory, whose id is the cluster's).
   */
  record Range(long rangeId, String startKey, String endKey, List<Replica> replicas, Integer leaseholder,
      Long closedTimestampLagMicros, Integer localTo) {

    public Range {
      replicas = List.copyOf(replicas);
    }

    /**
     * {@code node}'s own local range: the whole key space, {@code node} its only voter, and its
     * leaseholder while {@code node} is live and answered (null otherwise: no node serves that data).
     */
    public static Range localTo(Node node) {
      return new Range(LOCAL_RANGE_ID, "", "", List.of(new Replica(node.nodeId(), node.region(), "voter")),
          node.liveness() == Liveness.LIVE && node.stats() != null ? node.nodeId() : null, null, node.nodeId());
    }
  }

  /** {@code role} is {@code voter} or {@code learner} (a non-voting read replica). */
  record Replica(int nodeId, String region, String role) {}
}
