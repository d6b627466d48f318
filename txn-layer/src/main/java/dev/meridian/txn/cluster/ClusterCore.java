package dev.meridian.txn.cluster;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.Messages.AlreadyInitialized;
import dev.meridian.txn.cluster.Messages.DeclaredDead;
import dev.meridian.txn.cluster.Messages.Heartbeat;
import dev.meridian.txn.cluster.Messages.HeartbeatAck;
import dev.meridian.txn.cluster.Messages.HeartbeatAnswer;
import dev.meridian.txn.cluster.Messages.InitAnswer;
import dev.meridian.txn.cluster.Messages.Initialized;
import dev.meridian.txn.cluster.Messages.JoinAnswer;
import dev.meridian.txn.cluster.Messages.JoinRefused;
import dev.meridian.txn.cluster.Messages.JoinRequest;
import dev.meridian.txn.cluster.Messages.Joined;
import dev.meridian.txn.cluster.Messages.NotAMember;
import dev.meridian.txn.cluster.Messages.NotInitialized;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One node's view of cluster formation and node liveness, as an I/O-free state machine: the driver
 * (server's {@code ClusterNode}) feeds it requests, answers and {@link #tick ticks} with the time,
 * and carries out the {@link Ready} it returns. It reads no clock, opens no socket and starts no
 * thread, so a test (or the simulator) drives it step by step.
 *
 * <h2>Glossary</h2>
 * <dl>
 *   <dt>init</dt><dd>the operator's one-time bootstrap: the node asked creates the cluster id and
 *       records the founding members (itself and the nodes without a cluster that asked it to
 *       join in the last {@link Config#pendingJoinerTtlMicros}).</dd>
 *   <dt>join</dt><dd>a node's request to be registered; a node waits for init by asking its join
 *       targets until one of them has a cluster.</dd>
 *   <dt>epoch</dt><dd>a node's incarnation number. It grows when the node restarts (the driver
 *       persists one more than the stored epoch before the core sees it) and when the node learns
 *       that a peer declared it dead ({@link DeclaredDead}): a node declared dead is live again only
 *       with a larger epoch, so everyone can tell "the same run, slow" from "a new run".</dd>
 *   <dt>live</dt><dd>heard from (a heartbeat, or an answer to ours) within
 *       {@link Config#livenessTimeoutMicros} on the observer's own monotonic clock; no two nodes'
 *       clocks are ever compared.</dd>
 * </dl>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The cluster id is set once and never changes; the driver persists it (the node's identity)
 *       before it answers {@link Initialized} or acts on a {@link Ready#adoptClusterId}.</li>
 *   <li>This node's epoch never decreases; a larger one is persisted ({@link Ready#persistEpoch})
 *       before any message carrying it is sent.</li>
 *   <li>A peer declared dead at epoch {@code e} is not heard again below epoch {@code e + 1}.</li>
 *   <li>This node is the only source of its own record: records about it from peers are ignored.</li>
 * </ul>
 *
 * <p>Every member heartbeats every other registered member (clusters are small; gossip can replace
 * the full mesh when they are not) and piggybacks its registry, so registrations spread without a
 * message of their own.
 */
public final class ClusterCore {

  /**
   * Timing and bounds.
   *
   * @param heartbeatIntervalMicros how often a member heartbeats each other member
   * @param livenessTimeoutMicros unheard this long, a live peer is declared dead (several intervals,
   *     so that one lost heartbeat does not kill a node)
   * @param joinRetryMicros how often a node waiting for init, or rejoining, asks its join targets
   * @param pendingJoinerTtlMicros how long a waiting node remembers a joiner for the founding
   *     membership (a live joiner asks again every {@code joinRetryMicros})
   * @param maxPendingJoiners the bound of that memory; beyond it the oldest is forgotten
   */
  public record Config(long heartbeatIntervalMicros, long livenessTimeoutMicros, long joinRetryMicros,
      long pendingJoinerTtlMicros, int maxPendingJoiners) {
    public Config {
      Invariants.require(heartbeatIntervalMicros > 0, "heartbeat interval must be positive");
      Invariants.require(livenessTimeoutMicros > heartbeatIntervalMicros,
          "the liveness timeout must exceed the heartbeat interval");
      Invariants.require(joinRetryMicros > 0, "join retry must be positive");
      Invariants.require(pendingJoinerTtlMicros > joinRetryMicros, "pending joiners must outlive one retry");
      Invariants.require(maxPendingJoiners > 0, "max pending joiners must be positive");
    }

    /** 500 ms heartbeats, dead after 3 s unheard, joins every 500 ms, joiners remembered 10 s, 64 of them. */
    public static Config defaults() {
      return new Config(500_000, 3_000_000, 500_000, 10_000_000, 64);
    }
  }

  /** Where this node is in formation. */
  public enum Phase {
    /** No cluster id: asking the join targets, accepting init. */
    WAITING_FOR_INIT,
    /** A cluster id from the data directory, not yet registered again through a join target. */
    REJOINING,
    /** Registered: founded the cluster, was accepted by a join, or is a single-node cluster. */
    MEMBER
  }

  /** A peer's liveness as this node sees it. */
  public enum Liveness {
    /** This node itself. */
    SELF,
    LIVE,
    /** Was live, then unheard past the timeout. */
    DEAD,
    /** Registered, never heard by this node (since this node started). */
    UNKNOWN
  }

  /** What a member looks like from here; {@code heardAgoMicros} is -1 if never heard. */
  public record MemberStatus(Member member, Liveness liveness, long heardAgoMicros) {}

  /** A change of a peer's liveness, for the log and metrics. */
  public record LivenessChange(NodeId node, Liveness from, Liveness to, long epoch, String why) {}

  /** A heartbeat to send to {@code to} at its cluster address. */
  public record OutgoingHeartbeat(Member to, Heartbeat heartbeat) {}

  /**
   * What the driver must do, in this order: persist the cluster id ({@code adoptClusterId}, as the
   * node's identity), then the epoch; only then send the join request to every join target and the
   * heartbeats. {@code refusal} is a join target's refusal: the node must not serve. {@code
   * persistMembers} is the whole registry when it changed, for the driver to keep so that a restart
   * (of this node or of the whole cluster) starts from it: a cache that makes restarts find their
   * peers without a join and keeps taken node ids taken, which the driver may write after sending.
   */
  public record Ready(Optional<String> adoptClusterId, OptionalLong persistEpoch, Optional<JoinRequest> join,
      List<OutgoingHeartbeat> heartbeats, List<LivenessChange> changes, Optional<String> refusal,
      List<String> warnings, Optional<List<Member>> persistMembers) {
    public Ready {
      heartbeats = List.copyOf(heartbeats);
      changes = List.copyOf(changes);
      warnings = List.copyOf(warnings);
      persistMembers = persistMembers.map(List::copyOf);
    }

    public boolean isEmpty() {
      return adoptClusterId.isEmpty() && persistEpoch.isEmpty() && join.isEmpty() && heartbeats.isEmpty()
          && changes.isEmpty() && refusal.isEmpty() && warnings.isEmpty() && persistMembers.isEmpty();
    }
  }

  private static final class Peer {
    Liveness liveness = Liveness.UNKNOWN;
    long lastHeardMicros = -1;
    long heardEpoch;
    /** The epoch it had when declared dead; 0 if never. */
    long deadAtEpoch;
  }

  private record Pending(Member joiner, long seenMicros) {}

  private final Config config;
  private final boolean hasJoinTargets;
  private final MemberRegistry registry = new MemberRegistry();
  private final Map<NodeId, Peer> peers = new HashMap<>();
  private final LinkedHashMap<NodeId, Pending> pending = new LinkedHashMap<>();
  private String clusterId;
  private Member self;
  private Phase phase;
  private long nextHeartbeatMicros = Long.MIN_VALUE;
  private long nextJoinMicros = Long.MIN_VALUE;

  // Outputs gathered since the last Ready.
  private String adoptedClusterId;
  private boolean registryChanged;
  private long epochToPersist;
  private final List<LivenessChange> changes = new ArrayList<>();
  private String refusal;
  private final List<String> warnings = new ArrayList<>();

  private ClusterCore(Config config, Member self, String clusterId, List<Member> known, boolean hasJoinTargets) {
    this.config = config;
    this.self = self;
    this.clusterId = clusterId;
    this.hasJoinTargets = hasJoinTargets;
    if (clusterId == null) {
      Invariants.require(hasJoinTargets, "a node without a cluster id must have join targets");
      this.phase = Phase.WAITING_FOR_INIT;
    } else {
      this.phase = hasJoinTargets ? Phase.REJOINING : Phase.MEMBER;
      register(self);
      mergeFromPeer(known);
    }
  }

  /**
   * A node on a data directory without a cluster id, started with join targets: it waits for
   * init. {@code self} carries the epoch the driver has already persisted.
   */
  public static ClusterCore waitingForInit(Member self, Config config) {
    return new ClusterCore(config, self, null, List.of(), true);
  }

  /**
   * A node whose data directory names {@code clusterId}: a member at once, and with join targets
   * it also registers again through them (its addresses may have changed; a join target refuses a
   * directory of another cluster or a node id taken by another directory).
   */
  public static ClusterCore ofCluster(String clusterId, Member self, boolean hasJoinTargets, Config config) {
    return ofCluster(clusterId, self, List.of(), hasJoinTargets, config);
  }

  /**
   * As {@link #ofCluster(String, Member, boolean, Config)}, starting from the registry the driver
   * kept ({@link Ready#persistMembers}): the node heartbeats those members at once, and keeps
   * their node ids bound to their stores. They count as {@link Liveness#UNKNOWN} until heard.
   */
  public static ClusterCore ofCluster(String clusterId, Member self, List<Member> known, boolean hasJoinTargets,
      Config config) {
    Invariants.require(!clusterId.isEmpty(), "a cluster id must not be empty");
    return new ClusterCore(config, self, clusterId, known, hasJoinTargets);
  }

  // ---- inputs ----

  /**
   * {@code meridian init}. On {@link Initialized} the driver persists the cluster id before it
   * answers. {@code proposedClusterId} is a fresh UUID from the driver, used only if this node has
   * no cluster yet.
   */
  public InitAnswer init(String proposedClusterId, long nowMicros) {
    if (clusterId != null) {
      return new AlreadyInitialized(clusterId);
    }
    Invariants.require(!proposedClusterId.isEmpty(), "a proposed cluster id must not be empty");
    clusterId = proposedClusterId;
    phase = Phase.MEMBER;
    register(self);
    expirePending(nowMicros);
    for (Pending joiner : pending.values()) {
      if (registry.refusal(joiner.joiner()).isEmpty()) {
        register(joiner.joiner());
        heard(joiner.joiner(), joiner.seenMicros());
      }
    }
    pending.clear();
    return new Initialized(clusterId, registry.all());
  }

  /**
   * Another node asks to join (or, while this node waits, to be a founder: only a node that has no
   * cluster yet is remembered for that). This node asking itself is answered {@link NotInitialized}
   * and changes nothing.
   */
  public JoinAnswer onJoin(JoinRequest request, long nowMicros) {
    Member joiner = request.joiner();
    if (clusterId == null) {
      // Only a node without a cluster can found this one: a node whose directory names a cluster
      // (rejoining through this node) belongs to that cluster, and an init here would list it as a
      // founder of a cluster it will refuse to join.
      if (!joiner.nodeId().equals(self.nodeId()) && request.clusterId().isEmpty()) {
        expirePending(nowMicros);
        pending.remove(joiner.nodeId());
        if (pending.size() >= config.maxPendingJoiners()) {
          Iterator<NodeId> oldest = pending.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
        pending.put(joiner.nodeId(), new Pending(joiner, nowMicros));
      }
      return new NotInitialized();
    }
    if (!request.clusterId().isEmpty() && !request.clusterId().equals(clusterId)) {
      return new JoinRefused("the data directory of node " + joiner.nodeId().value() + " belongs to cluster "
          + request.clusterId() + ", but node " + self.nodeId().value() + " at " + self.addresses().cluster()
          + " belongs to cluster " + clusterId + ". Start the node with a data directory of cluster " + clusterId
          + " (or an empty one), or join it to its own cluster");
    }
    Optional<String> taken = registry.refusal(joiner);
    if (taken.isPresent()) {
      return new JoinRefused(taken.get());
    }
    if (joiner.nodeId().equals(self.nodeId())) {
      // This node asking itself (its own address in --join under another spelling, which the
      // driver cannot tell apart): a registration through oneself checks nothing, so it must not
      // end a rejoin. Answered as a waiting node answers itself; the asker keeps asking the others.
      return new NotInitialized();
    }
    long minimumEpoch = joiner.epoch();
    Optional<Member> known = registry.get(joiner.nodeId());
    // The same epoch from the same store is the same run asking again (a restart persists a larger
    // one); a smaller one means the cluster saw a later run of this node than its directory says.
    if (known.isPresent() && known.get().epoch() > minimumEpoch) {
      minimumEpoch = known.get().epoch() + 1;
    }
    Peer peer = peers.get(joiner.nodeId());
    if (peer != null && peer.deadAtEpoch >= minimumEpoch) {
      minimumEpoch = peer.deadAtEpoch + 1;
    }
    Member registered = minimumEpoch == joiner.epoch() ? joiner : joiner.withEpoch(minimumEpoch);
    register(registered);
    heard(registered, nowMicros);
    return new Joined(clusterId, registry.all(), minimumEpoch);
  }

  /** A join target answered this node's {@link JoinRequest}. */
  public Ready onJoinAnswer(JoinAnswer answer, long nowMicros) {
    switch (answer) {
      case NotInitialized ignored -> { }
      case JoinRefused refused -> refusal = refused.reason();
      case Joined joined -> {
        if (clusterId == null) {
          clusterId = joined.clusterId();
          adoptedClusterId = clusterId;
          register(self);
        } else if (!clusterId.equals(joined.clusterId())) {
          // Only a target of another cluster that failed to refuse would say this; refuse ourselves.
          refusal = "join target answered for cluster " + joined.clusterId() + " but this node belongs to cluster "
              + clusterId;
          return ready();
        }
        if (self.epoch() < joined.minimumEpoch()) {
          raiseEpoch(joined.minimumEpoch());
        }
        phase = Phase.MEMBER;
        mergeFromPeer(joined.members());
      }
    }
    return ready();
  }

  /** A heartbeat from a peer. */
  public HeartbeatAnswer onHeartbeat(Heartbeat heartbeat, long nowMicros) {
    if (clusterId == null) {
      return new NotAMember("node " + self.nodeId().value() + " is waiting for init and belongs to no cluster yet");
    }
    if (!heartbeat.clusterId().equals(clusterId)) {
      return new NotAMember("node " + self.nodeId().value() + " belongs to cluster " + clusterId + ", not "
          + heartbeat.clusterId());
    }
    Member from = heartbeat.from();
    Optional<String> taken = registry.refusal(from);
    if (taken.isPresent()) {
      return new NotAMember(taken.get());
    }
    mergeFromPeer(heartbeat.members());
    register(from);
    Peer peer = peers.get(from.nodeId());
    if (peer != null && peer.deadAtEpoch >= from.epoch()) {
      return new DeclaredDead(peer.deadAtEpoch);
    }
    heard(from, nowMicros);
    return new HeartbeatAck(self, registry.all());
  }

  /** {@code to} answered one of this node's heartbeats. */
  public Ready onHeartbeatAnswer(NodeId to, HeartbeatAnswer answer, long nowMicros) {
    switch (answer) {
      case HeartbeatAck ack -> {
        mergeFromPeer(ack.members());
        if (ack.responder().nodeId().equals(to) && registry.refusal(ack.responder()).isEmpty()) {
          register(ack.responder());
          Peer peer = peers.get(to);
          if (peer == null || peer.deadAtEpoch < ack.responder().epoch()) {
            heard(ack.responder(), nowMicros);
          }
        }
      }
      case DeclaredDead dead -> {
        if (self.epoch() <= dead.epoch()) {
          raiseEpoch(dead.epoch() + 1);
          changes.add(new LivenessChange(self.nodeId(), Liveness.SELF, Liveness.SELF, self.epoch(),
              to + " had declared this node dead at epoch " + dead.epoch()));
        }
      }
      case NotAMember notAMember -> warnings.add(to + " refused this node's heartbeat: " + notAMember.reason());
    }
    return ready();
  }

  /** This node bound an endpoint after registering: its record changes (a new generation). */
  public Ready updateAddresses(Member.Addresses addresses) {
    self = self.withAddresses(addresses);
    if (clusterId != null) {
      register(self);
    }
    return ready();
  }

  /** Time passes: declares silent peers dead, and says which join requests and heartbeats are due. */
  public Ready tick(long nowMicros) {
    if (clusterId != null) {
      sweep(nowMicros);
    }
    Optional<JoinRequest> join = Optional.empty();
    if (phase != Phase.MEMBER && hasJoinTargets && nowMicros >= nextJoinMicros) {
      join = Optional.of(new JoinRequest(clusterId == null ? "" : clusterId, self));
      nextJoinMicros = nowMicros + config.joinRetryMicros();
    }
    List<OutgoingHeartbeat> heartbeats = new ArrayList<>();
    if (clusterId != null && nowMicros >= nextHeartbeatMicros) {
      List<Member> members = registry.all();
      Heartbeat heartbeat = new Heartbeat(clusterId, self, members);
      for (Member member : members) {
        if (!member.nodeId().equals(self.nodeId()) && !member.addresses().cluster().isEmpty()) {
          heartbeats.add(new OutgoingHeartbeat(member, heartbeat));
        }
      }
      nextHeartbeatMicros = nowMicros + config.heartbeatIntervalMicros();
    }
    Ready ready = ready();
    return new Ready(ready.adoptClusterId(), ready.persistEpoch(), join, heartbeats, ready.changes(),
        ready.refusal(), ready.warnings(), ready.persistMembers());
  }

  // ---- views ----

  public Optional<String> clusterId() {
    return Optional.ofNullable(clusterId);
  }

  public Phase phase() {
    return phase;
  }

  public Member self() {
    return self;
  }

  /** Every registered member (this node first, then by id) and its liveness from here. */
  public List<MemberStatus> members(long nowMicros) {
    List<MemberStatus> out = new ArrayList<>();
    out.add(new MemberStatus(self, Liveness.SELF, 0));
    for (Member member : registry.all()) {
      if (member.nodeId().equals(self.nodeId())) {
        continue;
      }
      Peer peer = peers.get(member.nodeId());
      Liveness liveness = peer == null ? Liveness.UNKNOWN : peer.liveness;
      long ago = peer == null || peer.lastHeardMicros < 0 ? -1 : nowMicros - peer.lastHeardMicros;
      if (liveness == Liveness.LIVE && ago > config.livenessTimeoutMicros()) {
        liveness = Liveness.DEAD; // Not swept yet: report what the next tick will declare.
      }
      out.add(new MemberStatus(member, liveness, ago));
    }
    return out;
  }

  /** Registered ids bound to another store, met while merging peers' registries. */
  public long registryConflicts() {
    return registry.conflicts();
  }

  // ---- internals ----

  private void sweep(long nowMicros) {
    for (Map.Entry<NodeId, Peer> entry : peers.entrySet()) {
      Peer peer = entry.getValue();
      if (peer.liveness == Liveness.LIVE && nowMicros - peer.lastHeardMicros > config.livenessTimeoutMicros()) {
        peer.liveness = Liveness.DEAD;
        peer.deadAtEpoch = Math.max(peer.deadAtEpoch, peer.heardEpoch);
        changes.add(new LivenessChange(entry.getKey(), Liveness.LIVE, Liveness.DEAD, peer.heardEpoch,
            "unheard for " + (nowMicros - peer.lastHeardMicros) / 1000 + " ms"));
      }
    }
  }

  private void heard(Member member, long nowMicros) {
    if (member.nodeId().equals(self.nodeId())) {
      return;
    }
    Peer peer = peers.computeIfAbsent(member.nodeId(), id -> new Peer());
    Invariants.require(member.epoch() > peer.deadAtEpoch, "a peer declared dead was heard at its old epoch");
    Liveness before = peer.liveness;
    long epochBefore = peer.heardEpoch;
    peer.lastHeardMicros = Math.max(peer.lastHeardMicros, nowMicros);
    peer.heardEpoch = Math.max(peer.heardEpoch, member.epoch());
    peer.liveness = Liveness.LIVE;
    if (before != Liveness.LIVE) {
      changes.add(new LivenessChange(member.nodeId(), before, Liveness.LIVE, peer.heardEpoch, "heard"));
    } else if (peer.heardEpoch > epochBefore) {
      changes.add(new LivenessChange(member.nodeId(), Liveness.LIVE, Liveness.LIVE, peer.heardEpoch,
          "restarted (epoch " + epochBefore + " -> " + peer.heardEpoch + ")"));
    }
  }

  private void mergeFromPeer(List<Member> members) {
    for (Member member : members) {
      if (member.nodeId().equals(self.nodeId())) {
        if (!member.storeId().equals(self.storeId())) {
          warnings.add("a peer has node id " + self.nodeId().value() + " registered for another data directory: "
              + member.describe());
        }
        continue;
      }
      register(member);
    }
  }

  private void raiseEpoch(long epoch) {
    Invariants.require(epoch > self.epoch(), "a node's epoch never decreases");
    self = self.withEpoch(epoch);
    if (clusterId != null) {
      register(self);
    }
    epochToPersist = epoch;
  }

  private void register(Member member) {
    if (registry.merge(member)) {
      registryChanged = true;
    }
  }

  private void expirePending(long nowMicros) {
    pending.values().removeIf(p -> nowMicros - p.seenMicros() > config.pendingJoinerTtlMicros());
  }

  private Ready ready() {
    Ready ready = new Ready(Optional.ofNullable(adoptedClusterId),
        epochToPersist == 0 ? OptionalLong.empty() : OptionalLong.of(epochToPersist), Optional.empty(), List.of(),
        changes, Optional.ofNullable(refusal), warnings,
        registryChanged && clusterId != null ? Optional.of(registry.all()) : Optional.empty());
    registryChanged = false;
    adoptedClusterId = null;
    epochToPersist = 0;
    changes.clear();
    refusal = null;
    warnings.clear();
    return ready;
  }
}
