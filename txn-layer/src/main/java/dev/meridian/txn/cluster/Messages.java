package dev.meridian.txn.cluster;

import dev.meridian.runtime.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * The messages of cluster formation and liveness, one record each. They travel over the cluster
 * endpoint ({@code --port}) as request and answer pairs: {@code init} from the operator's
 * {@code meridian init}, {@code join} from a node started with {@code --join}, and heartbeats
 * between registered members. Cluster ids are UUIDs as text; an empty cluster id means "none yet".
 */
public final class Messages {

  private Messages() {}

  /** A node asks to be registered; {@code clusterId} is empty unless its data directory already has one. */
  public record JoinRequest(String clusterId, Member joiner) {
    public JoinRequest {
      Objects.requireNonNull(clusterId, "clusterId");
      Objects.requireNonNull(joiner, "joiner");
    }
  }

  /** The answer to a {@link JoinRequest}. */
  public sealed interface JoinAnswer {}

  /** The asked node has no cluster yet; it remembers the joiner for the founding membership. */
  public record NotInitialized() implements JoinAnswer {}

  /**
   * Registered. {@code minimumEpoch} is one above the epoch the cluster last knew for this node
   * id, so that a node whose local epoch is behind (it lost nothing, but a peer declared it dead)
   * comes back above it.
   */
  public record Joined(String clusterId, List<Member> members, long minimumEpoch) implements JoinAnswer {
    public Joined {
      members = List.copyOf(members);
    }
  }

  /** Refused, for the reason given (another cluster's data directory, a node id already taken). */
  public record JoinRefused(String reason) implements JoinAnswer {}

  /** The answer to {@code meridian init}. */
  public sealed interface InitAnswer {}

  /** The cluster was created now, with these founding members. */
  public record Initialized(String clusterId, List<Member> founders) implements InitAnswer {
    public Initialized {
      founders = List.copyOf(founders);
    }
  }

  /** The node already belongs to a cluster; nothing changed. */
  public record AlreadyInitialized(String clusterId) implements InitAnswer {}

  /**
   * A node at an epoch, in the lists a heartbeat and its answer carry: in {@code unheard}, a member
   * the sender has not heard for the liveness timeout, last heard at {@code epoch} (its vote that the
   * member is dead); in {@code ended}, a member whose {@code epoch} is over because more than half
   * of the registered members voted so (it is live again only with a larger one).
   */
  public record NodeEpoch(NodeId node, long epoch) {
    public NodeEpoch {
      Objects.requireNonNull(node, "node");
      if (epoch < 1) {
        throw new IllegalArgumentException("an epoch is at least 1, got " + epoch);
      }
    }
  }

  /**
   * A member's heartbeat: itself (with its epoch), the membership it knows, the members it does not
   * hear and the epochs it knows to have ended ({@link NodeEpoch}).
   */
  public record Heartbeat(String clusterId, Member from, List<Member> members, List<NodeEpoch> unheard,
      List<NodeEpoch> ended) {
    public Heartbeat {
      members = List.copyOf(members);
      unheard = List.copyOf(unheard);
      ended = List.copyOf(ended);
    }
  }

  /** The answer to a {@link Heartbeat}. */
  public sealed interface HeartbeatAnswer {}

  /** Heard; the answering member, the membership it knows, and its own lists as in {@link Heartbeat}. */
  public record HeartbeatAck(Member responder, List<Member> members, List<NodeEpoch> unheard,
      List<NodeEpoch> ended) implements HeartbeatAnswer {
    public HeartbeatAck {
      members = List.copyOf(members);
      unheard = List.copyOf(unheard);
      ended = List.copyOf(ended);
    }
  }

  /**
   * The sender's {@code epoch} is over: more than half of the registered members did not hear it
   * (see {@code ClusterCore}); the sender must come back with a larger epoch before it counts as
   * live again.
   */
  public record DeclaredDead(long epoch) implements HeartbeatAnswer {}

  /** The answering node is not a member of the sender's cluster (another cluster, or none yet). */
  public record NotAMember(String reason) implements HeartbeatAnswer {}
}
