package dev.meridian.paxos.replica;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.messages.Message.Accept;
import dev.meridian.paxos.messages.Message.Accepted;
import dev.meridian.paxos.messages.Message.Heartbeat;
import dev.meridian.paxos.messages.Message.HeartbeatAck;
import dev.meridian.paxos.messages.Message.InstallSnapshot;
import dev.meridian.paxos.messages.Message.PreVote;
import dev.meridian.paxos.messages.Message.PreVoteReply;
import dev.meridian.paxos.messages.Message.Prepare;
import dev.meridian.paxos.messages.Message.Promise;
import dev.meridian.paxos.messages.Message.Reject;
import dev.meridian.paxos.messages.Message.RejectReason;
import dev.meridian.paxos.messages.Message.TimeoutNow;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One replica of one Multi-Paxos group, as a synchronous state machine with no I/O, threads or clock
 * reads of its own (the {@code RawNode} of etcd raft, DESIGN.md §5). Inputs: {@link #step}, {@link
 * #tick}, {@link #propose}, {@link #proposeConfChange}, {@link #transferLeadership}, {@link
 * #compact}. Output: {@link #ready()}, whose contract (persist, then send, then apply) is on {@link
 * Ready}. Time reaches it only as ticks (election and heartbeat timers) and as readings of the {@link
 * TrueTime} it is given (leases). Not thread-safe: one event loop owns it.
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>slot
 *   <dd>A position in the log; the group chooses one value per slot.
 *   <dt>ballot
 *   <dd>{@code (round, node)}; a leader acts under one ballot. Acceptors promise ballots (phase 1) and
 *       accept entries at ballots (phase 2).
 *   <dt>chosen / commit point
 *   <dd>A value is chosen at a slot once a majority of voters accepted it at one ballot. The commit
 *       point is the highest slot such that every slot up to it is known chosen.
 *   <dt>match
 *   <dd>For an acceptor and a leader's ballot b: the highest slot such that the acceptor accepted
 *       every slot above its commit point, up to it, at b (and knows everything up to its commit
 *       point is chosen). A leader commits up to the quorum's match.
 *   <dt>lease vote / grant
 *   <dd>An acceptor granting the leader of ballot b a lease until {@code end}: until TrueTime is
 *       after {@code end} it promises no other ballot and grants no other lease.
 *   <dt>lease
 *   <dd>The leader's: the {@link Quorum#quorumValue quorum value} of the grants it received. It may
 *       serve strong reads and assign timestamps while {@code TT.now().latest < leaseEnd}.
 *   <dt>active
 *   <dd>A leader whose phase 1 succeeded and whose TrueTime says every lease vote reported in its
 *       promises has passed. Only an active leader sends Accepts, takes proposals and holds a lease.
 * </dl>
 *
 * <h2>Protocol</h2>
 *
 * <ul>
 *   <li><b>Election.</b> A voter that hears from no leader for its randomized election timeout sends
 *       {@link PreVote}s; voters grant only if they too lost the leader and hold no lease vote for
 *       another ballot. With a majority it runs phase 1 once, for every slot past its commit point, at
 *       a ballot one round above any it has seen. Acceptors promise unless they promised higher or
 *       hold a lease vote for another ballot, and answer with the entries they accepted past the
 *       candidate's commit point and their lease vote.
 *   <li><b>Recovery.</b> With promises from a majority of every membership that may be in force, the
 *       candidate leads: for each open slot up to the highest reported it re-proposes the value
 *       accepted at the highest ballot, and a no-op where none was; all under its own ballot. It then
 *       waits until TrueTime is after every lease vote reported (except that of a leader that handed
 *       it leadership), and becomes active.
 *   <li><b>Replication.</b> Proposals are appended to the leader's log and sent in batches, pipelined
 *       up to {@link Options#maxInflightEntries} per follower. Accepts and heartbeats carry the commit
 *       point; an acceptor learns slot s is chosen when s is at most the leader's commit point and it
 *       accepted s at the leader's ballot.
 *   <li><b>Leases.</b> Every Accept and Heartbeat asks for a lease grant; the leader grants itself one
 *       at each heartbeat, and counts it, like a follower's, only once it is durable (in {@link
 *       #advance}). Since promises and grants exclude each other while a vote is live, and a new
 *       leader waits out the votes its promise quorum reports, leases of two ballots never overlap.
 *       An acceptor persists its vote a lease duration beyond the grant it makes, so renewing a live
 *       lease writes to disk about once a lease duration rather than at every heartbeat; it promises,
 *       refuses and reports only the granted end, and after a restart honours the durable one.
 *   <li><b>Fenced clocks.</b> While TrueTime throws {@link ClockUnavailableException} (the node's
 *       clock is untrustworthy, DESIGN.md §4) the replica grants and extends no lease (its acceptor
 *       refuses to grant, and treats every live vote as still binding), a leader steps down at its
 *       next tick (so it holds no lease and stops collecting followers' grants), and a follower does
 *       not campaign. It still promises, accepts and acknowledges: those need no clock.
 *   <li><b>Idle groups.</b> An idle leader still heartbeats every {@link Options#heartbeatTicks}: the
 *       heartbeats renew its lease, without which it could serve no strong read, and keep followers
 *       from campaigning. An idle group's only traffic is then one small Heartbeat/Ack pair per
 *       follower per interval, which the node driver coalesces with every other group's for the same
 *       node pair ({@link dev.meridian.paxos.messages.HeartbeatBatch}); no log entry is written when
 *       nothing is proposed. (Full quiescence, stopping heartbeats and follower timers, needs node
 *       liveness to detect a dead leader; TODO(later).)
 *   <li><b>Membership.</b> One {@link ConfChange} at a time through the log, in force once
 *       committed; while one is pending, commits and leases need a majority of both memberships.
 *   <li><b>Snapshots.</b> {@link #compact} replaces the applied prefix of the log with a snapshot
 *       from the driver; a follower that needs a compacted slot gets {@link InstallSnapshot}.
 * </ul>
 *
 * <h2>Invariants checked here</h2>
 *
 * A slot at or below the commit point never receives a different value; an acceptor never grants a
 * lease to one ballot while a vote for another is live; the applied point never passes the commit
 * point; compaction never passes the applied point.
 */
public final class PaxosReplica {

  /** Most command bytes in one Accept (one entry may be larger on its own). */
  static final int MAX_ACCEPT_BATCH_BYTES = 1 << 20;

  private static final class Progress {
    long next;
    long match;
    /** The follower's match as of its previous heartbeat ack (-1: none yet). */
    long matchAtLastHeartbeatAck = -1;

    Progress(long next, long match) {
      this.next = next;
      this.match = match;
    }
  }

  private final GroupId group;
  private final NodeId self;
  private final Options options;
  private final TrueTime trueTime;
  private final RandomSource random;

  // Durable acceptor state (see HardState, Ready).
  private Ballot promised;
  /**
   * The durable lease vote: its end runs up to one lease duration ahead of any lease actually
   * granted, so that an acceptor extending a live lease at every heartbeat writes only about once a
   * lease duration (an idle group's disk goes quiet) — at the price that a restarted acceptor honours
   * the longer, durable end.
   */
  private LeaseVote leaseVote;
  /**
   * The end of the latest lease actually granted to {@code leaseVote}'s ballot: what this acceptor
   * promised ({@code <= leaseVote.endMicros()}), what it refuses other ballots until and reports in
   * promises. Not durable: a restarted replica takes the durable end.
   */
  private long grantedEndMicros;
  private long commit;
  private final TreeMap<Long, Entry> log = new TreeMap<>();
  private Snapshot snapshot;

  // Volatile state.
  private long applied;
  private long handedOut;
  /** Membership in force from each key slot on, committed memberships only. */
  private final TreeMap<Long, Membership> configs = new TreeMap<>();
  private long configAppliedThrough;
  private Role role = Role.FOLLOWER;
  private NodeId leaderHint;
  private long highestRound;
  private int electionElapsed;
  private int electionTimeout;
  private int heartbeatElapsed;
  private Ballot matchBallot = Ballot.ZERO;
  private long matchSlot;

  private Ballot preVoteBallot = Ballot.ZERO;
  private final Set<NodeId> preVotes = new HashSet<>();

  private Ballot myBallot = Ballot.ZERO;
  private Ballot transferFrom = Ballot.ZERO;
  private final Map<NodeId, Promise> promises = new HashMap<>();
  private final Set<NodeId> prepared = new HashSet<>();

  private final Map<NodeId, Progress> progress = new TreeMap<>();
  private boolean active;
  private long priorLeaseEndMicros;
  private long recoveryEnd;
  private final Map<NodeId, Long> grants = new HashMap<>();
  /** The lease vote as last persisted (what a crash leaves). */
  private LeaseVote durableVote;
  /** A lease this leader granted itself whose vote is not durable yet (0: none). */
  private long pendingOwnGrantMicros;
  private long leaseEndMicros;
  private NodeId transferTarget;
  private int transferElapsed;
  private final Set<NodeId> recentlyActive = new HashSet<>();
  private int checkQuorumElapsed;

  // What the next Ready carries.
  private final List<Envelope> outbox = new ArrayList<>();
  private final TreeMap<Long, Entry> unpersisted = new TreeMap<>();
  private boolean hardStateDirty;
  private Snapshot snapshotToPersist;
  private Long compactThrough;
  private Snapshot snapshotToApply;
  private boolean readyOutstanding;

  /**
   * A replica restarting from {@code state} (or starting fresh: {@link DurableState#bootstrap}). It
   * starts as a follower whatever it was before: leadership is never durable.
   */
  public PaxosReplica(
      GroupId group,
      NodeId self,
      Options options,
      TrueTime trueTime,
      RandomSource random,
      DurableState state) {
    this.group = group;
    this.self = self;
    this.options = options;
    this.trueTime = trueTime;
    this.random = random;
    this.promised = state.hardState().promised();
    this.leaseVote = state.hardState().leaseVote();
    this.grantedEndMicros = leaseVote.endMicros();
    this.durableVote = leaseVote;
    this.commit = state.hardState().commit().value();
    this.snapshot = state.snapshot();
    long snapshotSlot = snapshot.lastSlot().value();
    for (Entry entry : state.entries()) {
      if (entry.slot().value() > snapshotSlot) {
        log.put(entry.slot().value(), entry);
      }
    }
    this.applied = state.applied().value();
    if (applied < snapshotSlot) {
      // The snapshot was persisted but the state machine never installed it (crash in between).
      snapshotToApply = snapshot;
    }
    this.handedOut = Math.max(applied, snapshotSlot);
    Invariants.require(commit >= snapshotSlot, "persisted commit point is below the snapshot");
    Invariants.require(applied <= commit, "state machine applied past the persisted commit point");
    configs.put(snapshotSlot, snapshot.membership());
    configAppliedThrough = snapshotSlot;
    applyConfigsThroughCommit();
    highestRound = promised.round();
    resetElectionTimer();
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs

  /** One tick of logical time: drives election timeouts, heartbeats and the leader's quorum check. */
  public void tick() {
    if (role == Role.LEADER) {
      if (!clockTrusted()) {
        // A fenced clock can neither renew the lease nor use it: step down, so that the followers'
        // grants lapse and a node whose clock is trustworthy takes over, instead of this leader
        // keeping the group leased (by followers' grants) and unusable.
        becomeFollower();
        return;
      }
      tryActivate();
      if (++heartbeatElapsed >= options.heartbeatTicks()) {
        heartbeatElapsed = 0;
        broadcastHeartbeats();
      }
      if (++checkQuorumElapsed >= options.electionTicks()) {
        checkQuorumElapsed = 0;
        recentlyActive.add(self);
        if (!Quorum.isQuorum(pendingConfigs(), recentlyActive)) {
          // A leader cut off from a majority stops claiming leadership; its lease lapses anyway.
          becomeFollower();
          return;
        }
        recentlyActive.clear();
      }
      if (transferTarget != null && ++transferElapsed >= options.electionTicks()) {
        transferTarget = null;
      }
      return;
    }
    if (++electionElapsed >= electionTimeout) {
      if (!clockTrusted()) {
        // A node that could not hold a lease does not campaign for one. Its timer stays expired, so
        // it keeps granting pre-votes to others (it does not hear a leader) and campaigns at the
        // first tick after its clock is trusted again.
        return;
      }
      startPreVote();
    }
  }

  /** Handles a message from {@code from}. */
  public void step(NodeId from, Message message) {
    if (!message.group().equals(group)) {
      throw new IllegalArgumentException(message + " is for " + message.group() + ", not " + group);
    }
    switch (message) {
      case PreVote m -> handlePreVote(from, m);
      case PreVoteReply m -> handlePreVoteReply(from, m);
      case Prepare m -> handlePrepare(from, m);
      case Promise m -> handlePromise(from, m);
      case Accept m -> handleAccept(from, m);
      case Accepted m ->
          handleAck(from, m.ballot(), m.match().value(), m.lastReceived().value(), m.leaseGrantEndMicros(), false);
      case Reject m -> handleReject(m);
      case Heartbeat m -> handleHeartbeat(from, m);
      case HeartbeatAck m ->
          handleAck(from, m.ballot(), m.match().value(), m.match().value(), m.leaseGrantEndMicros(), true);
      case InstallSnapshot m -> handleInstallSnapshot(from, m);
      case TimeoutNow m -> handleTimeoutNow(m);
      case Message.SnapshotChunk m ->
          throw new IllegalArgumentException("the driver streams snapshot data; a replica never steps " + m);
      case Message.SnapshotChunkAck m ->
          throw new IllegalArgumentException("the driver streams snapshot data; a replica never steps " + m);
    }
    tryActivate();
  }

  /** Proposes a command; only an active leader takes it. */
  public ProposeResult propose(byte[] command) {
    ProposeResult refusal = refuseProposal();
    if (refusal != null) {
      return refusal;
    }
    Slot slot = Slot.of(lastSlot() + 1);
    appendAsLeader(Entry.command(slot, myBallot, command));
    return new ProposeResult.Proposed(slot);
  }

  /**
   * Proposes one membership step. Refused while another is pending, before the entries recovered at
   * election are committed, for a learner that has not caught up with the commit point, and for
   * removing the leader itself (transfer leadership first).
   */
  public ProposeResult proposeConfChange(ConfChange change) {
    ProposeResult refusal = refuseProposal();
    if (refusal != null) {
      return refusal;
    }
    if (commit < recoveryEnd) {
      return new ProposeResult.NotReady("entries recovered at election are not committed yet");
    }
    List<Membership> pending = pendingConfigs();
    if (pending.size() > 1) {
      return new ProposeResult.NotReady("another membership change is in progress");
    }
    String why = pending.getFirst().rejects(change);
    if (why != null) {
      return new ProposeResult.Rejected(why);
    }
    if (change.type() == ConfChange.Type.REMOVE_VOTER && change.node().equals(self)) {
      return new ProposeResult.Rejected("transfer leadership before removing the leader");
    }
    if (change.type() == ConfChange.Type.PROMOTE) {
      Progress learner = progress.get(change.node());
      if (learner == null || learner.match < commit) {
        return new ProposeResult.NotReady(change.node() + " has not caught up with the commit point");
      }
    }
    Slot slot = Slot.of(lastSlot() + 1);
    appendAsLeader(Entry.confChange(slot, myBallot, change));
    return new ProposeResult.Proposed(slot);
  }

  /**
   * Hands leadership to voter {@code target}: the leader stops taking proposals, brings the target up
   * to date, then gives up its lease, steps down and sends {@link TimeoutNow}; the target campaigns at
   * once, and acceptors may promise it despite their lease votes for this leader. Abandoned if not
   * done within an election timeout.
   */
  public ProposeResult transferLeadership(NodeId target) {
    if (role != Role.LEADER) {
      return new ProposeResult.NotLeader(leaderHint);
    }
    if (target.equals(self)) {
      return new ProposeResult.Rejected("already the leader");
    }
    if (!committedConfig().isVoter(target)) {
      return new ProposeResult.Rejected(target + " is not a voter");
    }
    if (!active) {
      return new ProposeResult.NotReady("waiting until the previous leader's lease has passed");
    }
    transferTarget = target;
    transferElapsed = 0;
    Progress targetProgress = progress.get(target);
    if (targetProgress != null && targetProgress.match >= lastSlot()) {
      sendTimeoutNow();
    }
    return new ProposeResult.TransferStarted(target);
  }

  /**
   * Replaces the log up to {@code upTo} (which the state machine has applied) with {@code
   * snapshotData}, the driver's snapshot of the state machine as of that slot. No-op if a snapshot
   * already covers it.
   */
  public void compact(Slot upTo, byte[] snapshotData) {
    long upToSlot = upTo.value();
    if (upToSlot <= snapshot.lastSlot().value()) {
      return;
    }
    if (upToSlot > applied) {
      throw new IllegalArgumentException(
          "cannot compact to " + upTo + ": only " + applied + " is applied");
    }
    Invariants.require(upToSlot <= commit, "compaction would drop uncommitted entries");
    snapshot = new Snapshot(upTo, membershipAt(upToSlot), snapshotData.clone());
    snapshotToPersist = snapshot;
    compactThrough = upToSlot;
    log.headMap(upToSlot, true).clear();
    unpersisted.headMap(upToSlot, true).clear();
    Long floor = configs.floorKey(upToSlot);
    configs.headMap(floor, false).clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /** Whether {@link #ready()} would return a non-empty Ready. */
  public boolean hasReady() {
    return !outbox.isEmpty()
        || !unpersisted.isEmpty()
        || hardStateDirty
        || snapshotToPersist != null
        || compactThrough != null
        || snapshotToApply != null
        || commit > handedOut
        || hasAcceptsToSend();
  }

  /**
   * Collects what the driver must do now (see {@link Ready} for the order); pending Accepts to every
   * follower are batched here. Call {@link #advance} once done, before the next {@code ready()}.
   */
  public Ready ready() {
    Invariants.require(!readyOutstanding, "ready() called again before advance()");
    if (role == Role.LEADER && active) {
      for (NodeId peer : progress.keySet()) {
        sendAccepts(peer);
      }
    }
    List<Entry> committed = new ArrayList<>();
    long upTo = Math.min(commit, handedOut + options.maxApplyBatch());
    for (long s = handedOut + 1; s <= upTo; s++) {
      Entry entry = log.get(s);
      Invariants.require(entry != null, "committed slot %d is missing from the log", s);
      committed.add(entry);
    }
    handedOut = Math.max(handedOut, upTo);
    Ready ready =
        new Ready(
            snapshotToPersist,
            compactThrough == null ? null : Slot.of(compactThrough),
            new ArrayList<>(unpersisted.values()),
            hardStateDirty ? new HardState(promised, leaseVote, Slot.of(commit)) : null,
            outbox,
            snapshotToApply,
            committed);
    outbox.clear();
    unpersisted.clear();
    hardStateDirty = false;
    snapshotToPersist = null;
    compactThrough = null;
    snapshotToApply = null;
    readyOutstanding = true;
    return ready;
  }

  /** The driver persisted, sent and applied {@code ready}. */
  public void advance(Ready ready) {
    Invariants.require(readyOutstanding, "advance() without an outstanding ready()");
    readyOutstanding = false;
    if (ready.snapshotToApply() != null) {
      applied = Math.max(applied, ready.snapshotToApply().lastSlot().value());
    }
    if (!ready.committedEntries().isEmpty()) {
      applied = Math.max(applied, ready.committedEntries().getLast().slot().value());
    }
    Invariants.require(applied <= commit, "applied past the commit point");
    if (ready.hardState() != null) {
      durableVote = ready.hardState().leaseVote();
    }
    if (pendingOwnGrantMicros > 0) {
      creditOwnGrant(pendingOwnGrantMicros);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  /**
   * Whether this replica is the leaseholder at {@code now}: an active leader whose lease ends after
   * {@code now.latest}. Only then may it serve strong reads or assign timestamps, and only timestamps
   * below {@link #leaseEnd()}.
   */
  public boolean hasLease(TTInterval now) {
    return role == Role.LEADER && active && now.latestMicros() < leaseEndMicros;
  }

  /** End of this leader's lease in TrueTime microseconds, 0 if it holds none. */
  public long leaseEnd() {
    return role == Role.LEADER && active ? leaseEndMicros : 0;
  }

  public Role role() {
    return role;
  }

  public boolean isActiveLeader() {
    return role == Role.LEADER && active;
  }

  /** The ballot this replica leads (or campaigns) under, meaningful for LEADER and CANDIDATE. */
  public Ballot ballot() {
    return myBallot;
  }

  /**
   * The ballot that handed leadership to this one with {@code TimeoutNow}, whose lease this leader did
   * not wait out; {@link Ballot#ZERO} when it was elected (and waited out every earlier lease).
   * Meaningful for LEADER and CANDIDATE.
   */
  public Ballot transferredFrom() {
    return transferFrom;
  }

  public NodeId self() {
    return self;
  }

  public GroupId group() {
    return group;
  }

  public Status status() {
    return new Status(
        self,
        role,
        promised,
        role == Role.LEADER ? self : leaderHint,
        role == Role.LEADER && active,
        Slot.of(commit),
        Slot.of(applied),
        Slot.of(lastSlot()),
        snapshot.lastSlot(),
        leaseEnd(),
        committedConfig());
  }

  /**
   * The committed membership in force at {@code slot}, which must lie between this replica's snapshot
   * and its commit point: what a snapshot of the state machine as of {@code slot} carries.
   */
  public Membership membershipAt(Slot slot) {
    long s = slot.value();
    if (s < snapshot.lastSlot().value() || s > commit) {
      throw new IllegalArgumentException(
          "membership at " + slot + " is unknown here: snapshot " + snapshot.lastSlot() + ", commit " + commit);
    }
    return membershipAt(s);
  }

  /** The entry this replica holds for {@code slot}, or null (compacted, or never accepted). */
  public Entry entryAt(Slot slot) {
    return log.get(slot.value());
  }

  // ---------------------------------------------------------------------------------------------
  // Elections

  private void startPreVote() {
    resetElectionTimer();
    if (!committedConfig().isVoter(self)) {
      return;
    }
    Ballot candidate = Ballot.of(nextRound(), self);
    if (leaseHeldAgainst(candidate, Ballot.ZERO)) {
      // Our own acceptor is still bound to a leader: campaigning could not win.
      return;
    }
    if (role != Role.FOLLOWER) {
      becomeFollower();
    }
    role = Role.PRE_CANDIDATE;
    leaderHint = null;
    preVoteBallot = candidate;
    preVotes.clear();
    preVotes.add(self);
    for (NodeId voter : committedConfig().voters()) {
      if (!voter.equals(self)) {
        send(voter, new PreVote(group, candidate));
      }
    }
    if (Quorum.isQuorum(List.of(committedConfig()), preVotes)) {
      campaign(Ballot.ZERO);
    }
  }

  private void handlePreVote(NodeId from, PreVote m) {
    boolean hearsLeader =
        role == Role.LEADER
            || (role == Role.FOLLOWER
                && leaderHint != null
                && electionElapsed < options.electionTicks());
    boolean granted =
        !hearsLeader
            && m.ballot().isAbove(promised)
            && committedConfig().isVoter(from)
            && !leaseHeldAgainst(m.ballot(), Ballot.ZERO);
    send(from, new PreVoteReply(group, m.ballot(), granted, promised));
  }

  private void handlePreVoteReply(NodeId from, PreVoteReply m) {
    highestRound = Math.max(highestRound, m.promised().round());
    if (role != Role.PRE_CANDIDATE || !m.ballot().equals(preVoteBallot) || !m.granted()) {
      return;
    }
    preVotes.add(from);
    if (Quorum.isQuorum(List.of(committedConfig()), preVotes)) {
      campaign(Ballot.ZERO);
    }
  }

  private void campaign(Ballot handedOverBy) {
    becomeFollower();
    role = Role.CANDIDATE;
    myBallot = Ballot.of(nextRound(), self);
    highestRound = myBallot.round();
    transferFrom = handedOverBy;
    Message own = acceptPrepare(self, new Prepare(group, myBallot, Slot.of(commit + 1), handedOverBy));
    if (!(own instanceof Promise ownPromise)) {
      becomeFollower();
      return;
    }
    promises.put(self, ownPromise);
    prepared.add(self);
    checkPromises();
  }

  private void handlePrepare(NodeId from, Prepare m) {
    boolean wasOther = role != Role.FOLLOWER;
    Message reply = acceptPrepare(from, m);
    if (reply instanceof Promise) {
      if (wasOther) {
        becomeFollower();
      }
      leaderHint = null;
      electionElapsed = 0;
    }
    send(from, reply);
  }

  /** The acceptor's half of phase 1; shared by remote candidates and our own campaign. */
  private Message acceptPrepare(NodeId from, Prepare m) {
    if (m.ballot().isBelow(promised)) {
      return new Reject(group, m.ballot(), RejectReason.HIGHER_BALLOT, promised, 0);
    }
    LeaseVote prior = grantedVote();
    if (m.ballot().isAbove(promised)) {
      if (leaseHeldAgainst(m.ballot(), m.transferFrom())) {
        return new Reject(group, m.ballot(), RejectReason.LEASE_HELD, promised, grantedEndMicros);
      }
      promised = m.ballot();
      hardStateDirty = true;
      if (!m.transferFrom().isZero() && leaseVote.ballot().equals(m.transferFrom())) {
        // The old leader gave its lease up before handing over; our vote for it is void.
        leaseVote = new LeaseVote(m.ballot(), 0);
        grantedEndMicros = 0;
      }
    }
    highestRound = Math.max(highestRound, promised.round());
    boolean behind = snapshot.lastSlot().value() >= m.fromSlot().value();
    if (behind) {
      send(from, new InstallSnapshot(group, m.ballot(), snapshot, Slot.of(commit)));
    }
    List<Entry> accepted =
        behind ? List.of() : new ArrayList<>(log.tailMap(m.fromSlot().value(), true).values());
    return new Promise(group, m.ballot(), accepted, Slot.of(commit), prior, behind);
  }

  private void handlePromise(NodeId from, Promise m) {
    if (role != Role.CANDIDATE || !m.ballot().equals(myBallot) || m.behind()) {
      return;
    }
    promises.put(from, m);
    checkPromises();
  }

  /** Asks every voter of every membership the recovered log implies, and leads once a quorum of each promised. */
  private void checkPromises() {
    TreeMap<Long, Entry> recovered = recoveredEntries();
    List<Membership> configs = configsAfter(committedConfig(), recovered);
    if (!configs.getLast().isVoter(self)) {
      becomeFollower();
      return;
    }
    for (Membership config : configs) {
      for (NodeId voter : config.voters()) {
        if (prepared.add(voter)) {
          send(voter, new Prepare(group, myBallot, Slot.of(commit + 1), transferFrom));
        }
      }
    }
    if (Quorum.isQuorum(configs, promises.keySet())) {
      becomeLeader(recovered);
    }
  }

  /** For each open slot, the entry accepted at the highest ballot among our log and the promises. */
  private TreeMap<Long, Entry> recoveredEntries() {
    TreeMap<Long, Entry> best = new TreeMap<>();
    for (Entry entry : log.tailMap(commit, false).values()) {
      best.put(entry.slot().value(), entry);
    }
    for (Promise promise : promises.values()) {
      for (Entry entry : promise.accepted()) {
        long s = entry.slot().value();
        if (s <= commit) {
          continue;
        }
        Entry current = best.get(s);
        if (current == null || entry.ballot().isAbove(current.ballot())) {
          best.put(s, entry);
        }
      }
    }
    return best;
  }

  private void becomeLeader(TreeMap<Long, Entry> recovered) {
    role = Role.LEADER;
    leaderHint = self;
    active = false;
    long maxSlot = Math.max(commit, recovered.isEmpty() ? 0 : recovered.lastKey());
    for (long s = commit + 1; s <= maxSlot; s++) {
      Entry best = recovered.get(s);
      Entry entry = best == null ? Entry.noop(Slot.of(s), myBallot) : best.withBallot(myBallot);
      log.put(s, entry);
      unpersisted.put(s, entry);
    }
    recoveryEnd = maxSlot;
    priorLeaseEndMicros = 0;
    for (Promise promise : promises.values()) {
      LeaseVote prior = promise.priorLease();
      if (!prior.isNone()
          && !prior.ballot().equals(myBallot)
          && !prior.ballot().equals(transferFrom)) {
        priorLeaseEndMicros = Math.max(priorLeaseEndMicros, prior.endMicros());
      }
    }
    progress.clear();
    syncProgress();
    for (Progress p : progress.values()) {
      p.next = commit + 1;
    }
    for (Map.Entry<NodeId, Promise> e : promises.entrySet()) {
      Progress p = progress.get(e.getKey());
      if (p != null) {
        p.match = Math.min(e.getValue().commit().value(), maxSlot);
        p.next = Math.max(p.next, p.match + 1);
      }
    }
    grants.clear();
    pendingOwnGrantMicros = 0;
    leaseEndMicros = 0;
    transferTarget = null;
    recentlyActive.clear();
    checkQuorumElapsed = 0;
    heartbeatElapsed = 0;
    promises.clear();
    prepared.clear();
    maybeCommit();
    tryActivate();
  }

  /** Becomes active once TrueTime is past every lease vote the promise quorum reported. */
  private void tryActivate() {
    if (role != Role.LEADER || active) {
      return;
    }
    if (priorLeaseEndMicros > 0 && !trueTimeAfter(priorLeaseEndMicros)) {
      return;
    }
    active = true;
    broadcastHeartbeats();
  }

  private void handleTimeoutNow(TimeoutNow m) {
    if (role == Role.LEADER || !m.ballot().equals(promised) || !committedConfig().isVoter(self)) {
      return;
    }
    campaign(m.ballot());
  }

  private void sendTimeoutNow() {
    Ballot handingOver = myBallot;
    NodeId target = transferTarget;
    // Give up the lease and leadership for good before the target can act: this ballot never
    // leads again, which is what lets acceptors release their votes for it.
    becomeFollower();
    leaderHint = target;
    send(target, new TimeoutNow(group, handingOver));
  }

  private void handleReject(Reject m) {
    highestRound = Math.max(highestRound, m.promised().round());
    boolean mine = (role == Role.CANDIDATE || role == Role.LEADER) && m.ballot().equals(myBallot);
    if (mine && m.reason() == RejectReason.HIGHER_BALLOT && m.promised().isAbove(myBallot)) {
      becomeFollower();
    }
    // LEASE_HELD: other acceptors may still promise; otherwise the election times out and retries.
  }

  private void becomeFollower() {
    role = Role.FOLLOWER;
    active = false;
    progress.clear();
    grants.clear();
    pendingOwnGrantMicros = 0;
    leaseEndMicros = 0;
    transferTarget = null;
    transferFrom = Ballot.ZERO;
    promises.clear();
    prepared.clear();
    preVotes.clear();
    leaderHint = null;
    resetElectionTimer();
  }

  private void resetElectionTimer() {
    electionElapsed = 0;
    electionTimeout = options.electionTicks() + random.nextInt(options.electionTicks());
  }

  private long nextRound() {
    return Math.max(highestRound, promised.round()) + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Replication: acceptor side

  /**
   * Accepts {@code b} as the leader's ballot if it is at least the promised one (raising the
   * promise), else rejects it. Resets the election timer.
   */
  private boolean followLeader(NodeId from, Ballot b) {
    if (b.isBelow(promised)) {
      send(from, new Reject(group, b, RejectReason.HIGHER_BALLOT, promised, 0));
      return false;
    }
    if (b.isAbove(promised)) {
      promised = b;
      hardStateDirty = true;
      highestRound = Math.max(highestRound, b.round());
    }
    if (role != Role.FOLLOWER) {
      becomeFollower();
    }
    leaderHint = b.node();
    electionElapsed = 0;
    return true;
  }

  private void handleAccept(NodeId from, Accept m) {
    if (!followLeader(from, m.ballot())) {
      return;
    }
    long maxReceived = 0;
    for (Entry entry : m.entries()) {
      long s = entry.slot().value();
      Invariants.require(entry.ballot().equals(m.ballot()), "Accept carries an entry of another ballot");
      maxReceived = Math.max(maxReceived, s);
      Entry mine = log.get(s);
      if (s <= commit) {
        Invariants.require(
            mine == null || mine.sameValue(entry),
            "slot %d is chosen as %s but leader %s sent %s", s, mine, m.ballot(), entry);
        continue;
      }
      if (!entry.equals(mine)) {
        log.put(s, entry);
        unpersisted.put(s, entry);
      }
    }
    advanceFollowerCommit(m.ballot(), m.commit().value());
    long match = acceptedThrough(m.ballot());
    long grant = grantLease(m.ballot());
    send(from, new Accepted(group, m.ballot(), Slot.of(match), Slot.of(Math.max(match, maxReceived)), grant));
  }

  private void handleHeartbeat(NodeId from, Heartbeat m) {
    if (!followLeader(from, m.ballot())) {
      return;
    }
    advanceFollowerCommit(m.ballot(), m.commit().value());
    long grant = grantLease(m.ballot());
    send(from, new HeartbeatAck(group, m.ballot(), Slot.of(acceptedThrough(m.ballot())), grant));
  }

  private void handleInstallSnapshot(NodeId from, InstallSnapshot m) {
    // A promising acceptor that compacted what we need sends its snapshot under our own ballot.
    boolean fromAcceptor = role == Role.CANDIDATE && m.ballot().equals(myBallot);
    if (!fromAcceptor && !followLeader(from, m.ballot())) {
      return;
    }
    installSnapshot(m.snapshot());
    if (fromAcceptor) {
      return;
    }
    advanceFollowerCommit(m.ballot(), m.commit().value());
    long match = acceptedThrough(m.ballot());
    long grant = grantLease(m.ballot());
    send(from, new Accepted(group, m.ballot(), Slot.of(match), Slot.of(match), grant));
  }

  private void installSnapshot(Snapshot incoming) {
    long last = incoming.lastSlot().value();
    if (last < commit || (last == commit && !adoptsMembership(incoming))) {
      return;
    }
    boolean newState = last > commit;
    snapshot = incoming;
    snapshotToPersist = incoming;
    if (newState) {
      snapshotToApply = incoming;
    }
    compactThrough = last;
    // Entries above the snapshot stay: they are acceptances this acceptor must not forget.
    log.headMap(last, true).clear();
    unpersisted.headMap(last, true).clear();
    commit = last;
    hardStateDirty = true;
    handedOut = Math.max(handedOut, last);
    configs.clear();
    configs.put(last, incoming.membership());
    configAppliedThrough = last;
    matchBallot = Ballot.ZERO;
  }

  /**
   * Whether {@code incoming} brings a joining replica (started knowing no membership, nothing
   * committed) the membership its log replays on: a leader sends a new member its snapshot first,
   * even an empty one at slot 0.
   */
  private boolean adoptsMembership(Snapshot incoming) {
    Membership known = committedConfig();
    return known.voters().isEmpty()
        && known.learners().isEmpty()
        && !incoming.membership().voters().isEmpty();
  }

  /** This acceptor's match for ballot {@code b} (see the glossary). */
  private long acceptedThrough(Ballot b) {
    if (!b.equals(matchBallot)) {
      matchBallot = b;
      matchSlot = commit;
    }
    matchSlot = Math.max(matchSlot, commit);
    while (true) {
      Entry next = log.get(matchSlot + 1);
      if (next == null || !next.ballot().equals(b)) {
        return matchSlot;
      }
      matchSlot++;
    }
  }

  private void advanceFollowerCommit(Ballot b, long leaderCommit) {
    // Slots accepted at the leader's ballot and at most its commit point hold the chosen value:
    // the leader proposes one value per slot, and only chosen ones below its commit point.
    long target = Math.min(leaderCommit, acceptedThrough(b));
    if (target > commit) {
      commit = target;
      hardStateDirty = true;
      applyConfigsThroughCommit();
    }
  }

  /** Grants (or extends) a lease to ballot {@code b}; returns its end, or 0 if we may not. */
  private long grantLease(Ballot b) {
    if (leaseHeldAgainst(b, Ballot.ZERO)) {
      return 0;
    }
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      return 0; // Fail closed: no clock, no lease.
    }
    Invariants.require(!leaseVote.ballot().isAbove(b), "lease vote for a ballot above the leader's");
    long end = now.latestMicros() + options.leaseDurationMicros();
    boolean sameBallot = leaseVote.ballot().equals(b);
    if (sameBallot) {
      end = Math.max(end, grantedEndMicros);
    }
    if (!sameBallot || leaseVote.endMicros() < end) {
      // The durable vote must cover the grant; write it a lease duration ahead, so the grants of
      // the next lease duration need no write.
      leaseVote = new LeaseVote(b, end + options.leaseDurationMicros());
      hardStateDirty = true;
    }
    grantedEndMicros = end;
    return end;
  }

  /** The lease vote as granted (what this acceptor promised), for promises and refusals. */
  private LeaseVote grantedVote() {
    return leaseVote.isNone() ? leaseVote : new LeaseVote(leaseVote.ballot(), grantedEndMicros);
  }

  /**
   * Whether our lease vote binds us to a ballot other than {@code b} (and other than {@code
   * releasedBy}, a leader that gave its lease up) and TrueTime is not yet after its end.
   */
  private boolean leaseHeldAgainst(Ballot b, Ballot releasedBy) {
    if (leaseVote.isNone() || leaseVote.ballot().equals(b)) {
      return false;
    }
    if (!releasedBy.isZero() && leaseVote.ballot().equals(releasedBy)) {
      return false;
    }
    return !trueTimeAfter(grantedEndMicros);
  }

  /** Whether TrueTime answers at all: false while the node's clock is fenced (fail closed). */
  private boolean clockTrusted() {
    try {
      trueTime.now();
      return true;
    } catch (ClockUnavailableException e) {
      return false;
    }
  }

  private boolean trueTimeAfter(long micros) {
    try {
      return trueTime.after(micros);
    } catch (ClockUnavailableException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Replication: leader side

  private ProposeResult refuseProposal() {
    if (role != Role.LEADER) {
      return new ProposeResult.NotLeader(leaderHint);
    }
    if (!active) {
      return new ProposeResult.NotReady("waiting until the previous leader's lease has passed");
    }
    if (transferTarget != null) {
      return new ProposeResult.NotReady("transferring leadership to " + transferTarget);
    }
    return null;
  }

  private void appendAsLeader(Entry entry) {
    log.put(entry.slot().value(), entry);
    unpersisted.put(entry.slot().value(), entry);
    if (entry.kind() == EntryKind.CONF_CHANGE) {
      syncProgress();
    }
    maybeCommit();
  }

  private boolean hasAcceptsToSend() {
    if (role != Role.LEADER || !active) {
      return false;
    }
    long last = lastSlot();
    for (Progress p : progress.values()) {
      if (p.next <= last && p.next - p.match - 1 < options.maxInflightEntries()) {
        return true;
      }
    }
    return false;
  }

  /** Sends {@code peer} the entries it has not been sent, in batches, within the inflight window. */
  private void sendAccepts(NodeId peer) {
    Progress p = progress.get(peer);
    long last = lastSlot();
    while (p.next <= last && p.next - p.match - 1 < options.maxInflightEntries()) {
      if (p.next <= snapshot.lastSlot().value()) {
        send(peer, new InstallSnapshot(group, myBallot, snapshot, Slot.of(commit)));
        p.next = snapshot.lastSlot().value() + 1;
        continue;
      }
      long end = Math.min(last, p.next + options.maxBatchEntries() - 1);
      end = Math.min(end, p.match + options.maxInflightEntries());
      List<Entry> batch = new ArrayList<>();
      long batchBytes = 0;
      for (long s = p.next; s <= end; s++) {
        Entry entry = log.get(s);
        Invariants.require(entry != null, "leader is missing slot %d below its last slot", s);
        if (!batch.isEmpty() && batchBytes + entry.data().length > MAX_ACCEPT_BATCH_BYTES) {
          end = s - 1; // The rest goes in the next batch: one message must fit the transport.
          break;
        }
        batch.add(entry.withBallot(myBallot));
        batchBytes += entry.data().length;
      }
      send(peer, new Accept(group, myBallot, batch, Slot.of(commit)));
      p.next = end + 1;
    }
  }

  private void broadcastHeartbeats() {
    for (NodeId peer : progress.keySet()) {
      send(peer, new Heartbeat(group, myBallot, Slot.of(commit)));
    }
    if (active) {
      creditOwnGrant(grantLease(myBallot));
    }
  }

  /**
   * Counts a lease we granted ourselves toward our lease, as far as our durable vote covers it (the
   * rest once it does, in {@link #advance}): after a crash we must still honour every vote that
   * helped make a lease, or a restarted us could help another leader while this lease lasts. Only
   * the granted end counts, never the durable vote's longer horizon: our acceptor promised no more,
   * and a new leader's wait is bounded by what we report, which is the grant.
   */
  private void creditOwnGrant(long grantEndMicros) {
    if (role != Role.LEADER || !active || grantEndMicros <= 0 || !durableVote.ballot().equals(myBallot)) {
      pendingOwnGrantMicros = role == Role.LEADER && active ? grantEndMicros : 0;
      return;
    }
    long credited = Math.min(grantEndMicros, durableVote.endMicros());
    grants.merge(self, credited, Math::max);
    recomputeLease();
    pendingOwnGrantMicros = credited < grantEndMicros ? grantEndMicros : 0;
  }

  private void handleAck(
      NodeId from, Ballot b, long match, long lastReceived, long grant, boolean heartbeat) {
    if (role != Role.LEADER || !b.equals(myBallot)) {
      return;
    }
    Progress p = progress.get(from);
    if (p == null) {
      return;
    }
    Invariants.require(match <= lastSlot(), "%s reports match %d beyond the leader's last slot", from, match);
    recentlyActive.add(from);
    p.match = Math.max(p.match, match);
    // A follower behind us whose first heartbeat ack we see, or that made no progress over a whole
    // heartbeat interval, lost a batch (a follower still catching up only lags, and resending its
    // window at every heartbeat would just repeat it).
    boolean stalled = heartbeat && p.match < lastSlot()
        && (p.matchAtLastHeartbeatAck < 0 || p.match == p.matchAtLastHeartbeatAck);
    if (heartbeat) {
      p.matchAtLastHeartbeatAck = p.match;
    }
    if (match < lastReceived || p.next <= p.match || stalled) {
      // A batch was lost (or is slow): send again from the first slot the follower lacks. A
      // follower with nothing at all may be a joining replica: it gets the snapshot first.
      p.next = p.match == 0 ? 0 : p.match + 1;
    }
    if (grant > 0 && active) {
      grants.merge(from, grant, Math::max);
      recomputeLease();
    }
    maybeCommit();
    if (from.equals(transferTarget) && p.match >= lastSlot()) {
      sendTimeoutNow();
    }
  }

  private void recomputeLease() {
    long quorumEnd = Quorum.quorumValue(pendingConfigs(), n -> grants.getOrDefault(n, 0L));
    if (quorumEnd > leaseEndMicros) {
      leaseEndMicros = quorumEnd;
    }
  }

  private void maybeCommit() {
    long last = lastSlot();
    long quorumMatch =
        Quorum.quorumValue(
            pendingConfigs(),
            n -> n.equals(self) ? last : progress.containsKey(n) ? progress.get(n).match : 0);
    if (quorumMatch > commit) {
      commit = quorumMatch;
      hardStateDirty = true;
      applyConfigsThroughCommit();
    }
  }

  /**
   * Keeps a progress record for every member of every membership that may be in force. A member
   * new to this leader starts at next = 0: it is sent the snapshot first (see adoptsMembership).
   */
  private void syncProgress() {
    if (role != Role.LEADER) {
      return;
    }
    Set<NodeId> members = new LinkedHashSet<>();
    for (Membership config : pendingConfigs()) {
      members.addAll(config.members());
    }
    members.remove(self);
    progress.keySet().retainAll(members);
    for (NodeId member : members) {
      progress.computeIfAbsent(member, m -> new Progress(0, 0));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Membership

  private Membership committedConfig() {
    return configs.lastEntry().getValue();
  }

  private Membership membershipAt(long slot) {
    return configs.floorEntry(slot).getValue();
  }

  /** The committed membership, then one more for each conf change in our log above the commit point. */
  private List<Membership> pendingConfigs() {
    return configsAfter(committedConfig(), log.tailMap(commit, false));
  }

  private static List<Membership> configsAfter(Membership start, Map<Long, Entry> entries) {
    List<Membership> result = new ArrayList<>();
    result.add(start);
    for (Entry entry : entries.values()) {
      if (entry.kind() == EntryKind.CONF_CHANGE) {
        Membership current = result.getLast();
        ConfChange change = entry.confChange();
        if (current.rejects(change) == null) {
          result.add(current.apply(change));
        }
      }
    }
    return result;
  }

  private void applyConfigsThroughCommit() {
    boolean changed = false;
    while (configAppliedThrough < commit) {
      long s = ++configAppliedThrough;
      Entry entry = log.get(s);
      Invariants.require(entry != null, "committed slot %d is missing from the log", s);
      if (entry.kind() == EntryKind.CONF_CHANGE) {
        ConfChange change = entry.confChange();
        // Every replica skips a change that does not fit in the same way, so they stay in step.
        if (committedConfig().rejects(change) == null) {
          configs.put(s, committedConfig().apply(change));
          changed = true;
        }
      }
    }
    if (changed) {
      syncProgress();
    }
  }

  private long lastSlot() {
    return log.isEmpty() ? snapshot.lastSlot().value() : Math.max(log.lastKey(), snapshot.lastSlot().value());
  }

  private void send(NodeId to, Message message) {
    outbox.add(new Envelope(self, to, message));
  }

  @Override
  public String toString() {
    return self + "/" + group + " " + status();
  }
}
