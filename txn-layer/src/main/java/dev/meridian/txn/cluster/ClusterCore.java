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
import dev.meridian.txn.cluster.Messages.NodeEpoch;
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
 *       that its epoch ended: a node whose epoch ended is live again only with a larger epoch, so
 *       everyone can tell "the same run, slow" from "a new run". Leases will hang on epochs (a
 *       lease taken at epoch {@code e} is void once {@code e} ended), so an epoch must end only when
 *       that means something.</dd>
 *   <dt>live</dt><dd>heard from (a heartbeat, or an answer to ours) within
 *       {@link Config#livenessTimeoutMicros} on the observer's own monotonic clock; no two nodes'
 *       clocks are ever compared.</dd>
 *   <dt>unheard</dt><dd>heard once, then not for the liveness timeout: one observer's opinion,
 *       shown as {@link Liveness#DEAD} there and undone by hearing the node again at the same epoch.
 *       Each member lists the members it does not hear (with the epoch it last heard each) in its
 *       heartbeats and answers: its vote.</dd>
 *   <dt>ended</dt><dd>an epoch {@code e} of node {@code n} is over: more than half of the
 *       registered members did not hear {@code n} (this node counts itself and the members it hears
 *       whose latest vote, at most a liveness timeout old, names {@code n}); {@code e} is the largest
 *       epoch those votes last heard {@code n} at. Ended epochs travel in heartbeats too, and the
 *       answer to a heartbeat at an ended epoch is {@link DeclaredDead}.</dd>
 * </dl>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The cluster id is set once and never changes; the driver persists it (the node's identity)
 *       before it answers {@link Initialized} or acts on a {@link Ready#adoptClusterId}.</li>
 *   <li>This node's epoch never decreases; a larger one is persisted ({@link Ready#persistEpoch})
 *       before any message carrying it is sent.</li>
 *   <li>A peer whose epoch {@code e} ended is not heard again below epoch {@code e + 1}.</li>
 *   <li>A node's epoch rises only on a restart (a new incarnation) or when its epoch ended, which
 *       takes more than half of the registered members not hearing it. So one node that hears no
 *       one (paused past the timeout by a GC or SIGSTOP, or cut off from everyone) is one vote: it
 *       ends no other node's epoch, while the others, a majority, end its own, which then rises
 *       once. A two-node cluster has no majority without the unheard node, so there only restarts
 *       raise epochs.</li>
 *   <li>An epoch ends at most once, and only after some member heard it: a vote carries the epoch
 *       the voter last heard, so members that keep not hearing a node (an asymmetric partition)
 *       cannot end the larger epoch it came back with.</li>
 *   <li>A node dead to this node (unheard, or its epoch ended) has no vote here: only votes from
 *       members heard within the timeout, and at most a timeout old, count. And a node counts
 *       silence only while it runs itself: after a gap in its inputs longer than a heartbeat
 *       interval (it was paused) it neither declares a peer dead nor votes so until the peer has
 *       been silent a whole timeout since it woke. So neither one paused node nor a majority
 *       paused together ends the epoch of a node that kept running.</li>
 *   <li>This node is the only source of its own record: records about it from peers are ignored.</li>
 * </ul>
 *
 * <p>The model is CockroachDB's node liveness: there a node heartbeats its own liveness record,
 * with an expiration, in a replicated range, and another node may increment its epoch only once the
 * record expired, through a conditional write that a quorum of that range accepts; a node that was
 * paused finds the others' records unexpired and ends no one's epoch. Without replicated ranges
 * (M5 deliverable 2) the quorum here is counted from votes piggybacked on heartbeats, which gives
 * the same two properties (a paused node ends nothing; a node a majority lost gets a new epoch)
 * but not one decision point: two members may end the same epoch independently, which is
 * harmless, since they end the same epoch. The road not taken: raising a peer's epoch on the word
 * of one observer (what this core did first), which let one paused node raise every epoch in the
 * cluster and would have voided every lease.
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
   * @param livenessTimeoutMicros unheard this long, a live peer is dead to this node and this node
   *     votes so (several intervals, so that one lost heartbeat does not kill a node); it also
   *     bounds the age of a peer's vote that counts
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
    /**
     * Heard once, then not past the timeout here (this node's opinion, undone by hearing it again
     * at the same epoch), or its epoch ended ({@link MemberStatus#endedEpoch}).
     */
    DEAD,
    /** Registered, never heard by this node (since this node started). */
    UNKNOWN
  }

  /**
   * What a member looks like from here; {@code heardAgoMicros} is -1 if never heard, {@code
   * endedEpoch} is the largest of its epochs known to have ended (0 if none).
   */
  public record MemberStatus(Member member, Liveness liveness, long heardAgoMicros, long endedEpoch) {}

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
    /** The largest of its epochs known to have ended; 0 if none. */
    long endedEpoch;
    /** Its latest vote: the registered members it does not hear, at the epoch it last heard each. */
    Map<NodeId, Long> unheard = Map.of();
    /** When that vote arrived, on this node's clock; -1 if never. */
    long voteMicros = -1;
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
  /** The largest of this node's own epochs a peer said ended; raised above at the next chance. */
  private long selfEndedEpoch;
  /** The time of the latest input, and since when inputs came without a gap ({@link #awake}). */
  private long lastInputMicros = Long.MIN_VALUE;
  private long awakeSinceMicros = Long.MIN_VALUE;
  private String selfEndedBy = "";

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
    awake(nowMicros);
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
    awake(nowMicros);
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
    if (peer != null && peer.endedEpoch >= minimumEpoch) {
      minimumEpoch = peer.endedEpoch + 1;
    }
    Member registered = minimumEpoch == joiner.epoch() ? joiner : joiner.withEpoch(minimumEpoch);
    register(registered);
    heard(registered, nowMicros);
    return new Joined(clusterId, registry.all(), minimumEpoch);
  }

  /** A join target answered this node's {@link JoinRequest}. */
  public Ready onJoinAnswer(JoinAnswer answer, long nowMicros) {
    awake(nowMicros);
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
    awake(nowMicros);
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
    if (peer != null && peer.endedEpoch >= from.epoch()) {
      return new DeclaredDead(peer.endedEpoch);
    }
    heard(from, nowMicros);
    // An ended epoch of this node's own named here is raised above at the next tick: the answer
    // leaves now, and must not carry an epoch the driver has not persisted.
    takeVote(from.nodeId(), heartbeat.unheard(), heartbeat.ended(), nowMicros);
    return new HeartbeatAck(self, registry.all(), unheardHere(nowMicros), endedHere());
  }

  /** {@code to} answered one of this node's heartbeats. */
  public Ready onHeartbeatAnswer(NodeId to, HeartbeatAnswer answer, long nowMicros) {
    awake(nowMicros);
    switch (answer) {
      case HeartbeatAck ack -> {
        mergeFromPeer(ack.members());
        if (ack.responder().nodeId().equals(to) && registry.refusal(ack.responder()).isEmpty()) {
          register(ack.responder());
          Peer peer = peers.get(to);
          if (peer == null || peer.endedEpoch < ack.responder().epoch()) {
            heard(ack.responder(), nowMicros);
            takeVote(to, ack.unheard(), ack.ended(), nowMicros);
          }
        }
      }
      case DeclaredDead dead -> learnSelfEnded(dead.epoch(), to + " answered this node's heartbeat so");
      case NotAMember notAMember -> warnings.add(to + " refused this node's heartbeat: " + notAMember.reason());
    }
    raiseIfEnded();
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
    awake(nowMicros);
    if (clusterId != null) {
      sweep(nowMicros);
      raiseIfEnded();
    }
    Optional<JoinRequest> join = Optional.empty();
    if (phase != Phase.MEMBER && hasJoinTargets && nowMicros >= nextJoinMicros) {
      join = Optional.of(new JoinRequest(clusterId == null ? "" : clusterId, self));
      nextJoinMicros = nowMicros + config.joinRetryMicros();
    }
    List<OutgoingHeartbeat> heartbeats = new ArrayList<>();
    if (clusterId != null && nowMicros >= nextHeartbeatMicros) {
      List<Member> members = registry.all();
      Heartbeat heartbeat = new Heartbeat(clusterId, self, members, unheardHere(nowMicros), endedHere());
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
    out.add(new MemberStatus(self, Liveness.SELF, 0, 0));
    for (Member member : registry.all()) {
      if (member.nodeId().equals(self.nodeId())) {
        continue;
      }
      Peer peer = peers.get(member.nodeId());
      Liveness liveness = peer == null ? Liveness.UNKNOWN : peer.liveness;
      long ago = peer == null || peer.lastHeardMicros < 0 ? -1 : nowMicros - peer.lastHeardMicros;
      if (liveness == Liveness.LIVE && unheardFor(peer, nowMicros)) {
        liveness = Liveness.DEAD; // Not swept yet: report what the next tick will declare.
      }
      out.add(new MemberStatus(member, liveness, ago, peer == null ? 0 : peer.endedEpoch));
    }
    return out;
  }

  /** Registered ids bound to another store, met while merging peers' registries. */
  public long registryConflicts() {
    return registry.conflicts();
  }

  // ---- internals ----

  /**
   * Declares the peers unheard past the timeout dead here, then counts the votes on every member
   * and ends the epochs more than half of the registered members do not hear.
   */
  private void sweep(long nowMicros) {
    for (Map.Entry<NodeId, Peer> entry : peers.entrySet()) {
      Peer peer = entry.getValue();
      if (peer.liveness == Liveness.LIVE && unheardFor(peer, nowMicros)) {
        peer.liveness = Liveness.DEAD;
        changes.add(new LivenessChange(entry.getKey(), Liveness.LIVE, Liveness.DEAD, peer.heardEpoch,
            "unheard for " + (nowMicros - peer.lastHeardMicros) / 1000 + " ms"));
      }
    }
    int registered = registry.size();
    for (Member member : registry.all()) {
      NodeId node = member.nodeId();
      if (node.equals(self.nodeId())) {
        continue;
      }
      List<Long> votes = new ArrayList<>();
      Peer peer = peers.get(node);
      if (peer != null && unheardFor(peer, nowMicros)) {
        votes.add(peer.heardEpoch);
      }
      for (Map.Entry<NodeId, Peer> voter : peers.entrySet()) {
        Peer word = voter.getValue();
        if (!voter.getKey().equals(node) && word.liveness == Liveness.LIVE
            && nowMicros - word.voteMicros <= config.livenessTimeoutMicros() && word.unheard.containsKey(node)) {
          votes.add(word.unheard.get(node));
        }
      }
      OptionalLong ended = endedByMajority(registered, votes);
      if (ended.isPresent()) {
        end(node, ended.getAsLong(), "unheard by " + votes.size() + " of the " + registered + " members");
      }
    }
  }

  /**
   * The epoch that ends on {@code votes} (each the epoch one voter last heard the node at) among
   * {@code registered} members: the largest voted, once the voters are more than half of them.
   */
  static OptionalLong endedByMajority(int registered, List<Long> votes) {
    if (votes.isEmpty() || votes.size() * 2L <= registered) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(votes.stream().mapToLong(Long::longValue).max().getAsLong());
  }

  /** Heard once, and not for the liveness timeout: this node's vote that the peer is dead. */
  private boolean unheardFor(Peer peer, long nowMicros) {
    return peer.lastHeardMicros >= 0
        && nowMicros - Math.max(peer.lastHeardMicros, awakeSinceMicros) > config.livenessTimeoutMicros();
  }

  /**
   * Notes an input at {@code nowMicros}. A node that had none for longer than a heartbeat interval
   * (its driver ticks several times an interval) was not running: paused by a GC or SIGSTOP, or
   * starved. Its peers' silence during that time says nothing about them, so silence counts from
   * here on, never across the gap.
   */
  private void awake(long nowMicros) {
    if (lastInputMicros == Long.MIN_VALUE || nowMicros - lastInputMicros > config.heartbeatIntervalMicros()) {
      awakeSinceMicros = nowMicros;
    }
    lastInputMicros = Math.max(lastInputMicros, nowMicros);
  }

  /** Records that {@code node}'s {@code epoch} ended; a peer heard at a larger epoch since is unaffected. */
  private void end(NodeId node, long epoch, String why) {
    Peer peer = peers.computeIfAbsent(node, id -> new Peer());
    if (epoch <= peer.endedEpoch) {
      return;
    }
    peer.endedEpoch = epoch;
    if (peer.heardEpoch > epoch) {
      return;
    }
    Liveness before = peer.liveness;
    peer.liveness = Liveness.DEAD;
    changes.add(new LivenessChange(node, before, Liveness.DEAD, epoch, "epoch " + epoch + " ended: " + why));
  }

  /** A heard member's vote and the ended epochs it knows, from its heartbeat or its answer to ours. */
  private void takeVote(NodeId voter, List<NodeEpoch> unheard, List<NodeEpoch> ended, long nowMicros) {
    Peer peer = peers.get(voter);
    Map<NodeId, Long> vote = new HashMap<>();
    for (NodeEpoch entry : unheard) {
      // Bounded by the registry: only registered members are counted.
      if (!entry.node().equals(voter) && registry.get(entry.node()).isPresent()) {
        vote.merge(entry.node(), entry.epoch(), Math::max);
      }
    }
    peer.unheard = vote;
    peer.voteMicros = nowMicros;
    for (NodeEpoch entry : ended) {
      if (entry.node().equals(self.nodeId())) {
        learnSelfEnded(entry.epoch(), "so says " + voter);
      } else if (registry.get(entry.node()).isPresent()) {
        end(entry.node(), entry.epoch(), "so says " + voter);
      }
    }
  }

  private void learnSelfEnded(long epoch, String by) {
    if (epoch > selfEndedEpoch) {
      selfEndedEpoch = epoch;
      selfEndedBy = by;
    }
  }

  /** Takes an epoch above the one a peer said ended (persisted before anything carries it). */
  private void raiseIfEnded() {
    if (selfEndedEpoch >= self.epoch()) {
      raiseEpoch(selfEndedEpoch + 1);
      changes.add(new LivenessChange(self.nodeId(), Liveness.SELF, Liveness.SELF, self.epoch(),
          "epoch " + selfEndedEpoch + " ended: " + selfEndedBy));
    }
  }

  /** This node's vote: the members it heard once and has not for the liveness timeout. */
  private List<NodeEpoch> unheardHere(long nowMicros) {
    List<NodeEpoch> out = new ArrayList<>();
    for (Map.Entry<NodeId, Peer> entry : peers.entrySet()) {
      if (unheardFor(entry.getValue(), nowMicros)) {
        out.add(new NodeEpoch(entry.getKey(), entry.getValue().heardEpoch));
      }
    }
    return out;
  }

  /** The ended epochs that still matter: of members not registered at a larger epoch since. */
  private List<NodeEpoch> endedHere() {
    List<NodeEpoch> out = new ArrayList<>();
    for (Map.Entry<NodeId, Peer> entry : peers.entrySet()) {
      long ended = entry.getValue().endedEpoch;
      Optional<Member> member = registry.get(entry.getKey());
      if (ended > 0 && member.isPresent() && member.get().epoch() <= ended) {
        out.add(new NodeEpoch(entry.getKey(), ended));
      }
    }
    return out;
  }

  private void heard(Member member, long nowMicros) {
    if (member.nodeId().equals(self.nodeId())) {
      return;
    }
    Peer peer = peers.computeIfAbsent(member.nodeId(), id -> new Peer());
    Invariants.require(member.epoch() > peer.endedEpoch, "a peer was heard at an epoch that ended");
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
