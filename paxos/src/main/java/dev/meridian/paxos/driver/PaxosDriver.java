package dev.meridian.paxos.driver;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Options;
import dev.meridian.paxos.replica.PaxosReplica;
import dev.meridian.paxos.replica.ProposeResult;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.mvcc.StorageBusyException;
import dev.meridian.truetime.TrueTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs every {@link PaxosReplica} a node hosts on one event loop and connects them to durable storage,
 * the network and their state machines (DESIGN.md §5). For each replica it follows {@link Ready}'s
 * contract: persist (through {@link PaxosStorage}, whose synced writes are shared by all groups), then
 * send, then apply, then {@code advance}; a group takes its next Ready only after the previous one's
 * write is durable, so its messages never reveal state a crash could lose.
 *
 * <p>Heartbeats of all groups produced in one turn of the loop go out as one {@link HeartbeatBatch}
 * per destination node. One timer ticks every replica.
 *
 * <p>Proposals: {@link #propose} completes with the slot once the command is applied on this node;
 * it fails with {@link ProposalException} when this node does not lead (with a hint), when the leader
 * is not ready, when too many proposals of the group are in flight (the bound that keeps a leader's
 * memory finite under overload), or when another value took the slot (a new leader chose it; the
 * command was not applied). A proposal whose outcome cannot be known here — its slot swallowed by a
 * snapshot install, or the driver stopped (shutdown, disk failure) while it was in flight — fails
 * saying so and is not {@link ProposalException#retryable() retryable}: it may still be chosen.
 * Commands over {@link #MAX_COMMAND_BYTES} are refused. Callers bound their wait with a timeout of
 * their own. Matching an applied entry to its proposal is by slot and bytes: two identical commands
 * are indistinguishable, so callers that care make commands unique (a proposal id).
 *
 * <p>Thread-safety: the public methods may be called from any thread; all state is touched on the
 * loop. A failed synced write is fatal for the node (a failed fsync leaves the disk in an unknown
 * state): the driver stops, fails every pending proposal and reports to the fatal handler.
 */
public final class PaxosDriver implements AutoCloseable {

  /**
   * Where envelopes leave the node; implementations never block and never throw: a message they
   * cannot send (queue full, too large, peer unknown) is dropped, which the protocol tolerates.
   */
  public interface Network {
    void send(Envelope envelope);

    void send(HeartbeatBatch batch);
  }

  /**
   * The replicated state machine of one group. {@link #apply} sees committed commands in slot order,
   * each once per incarnation of the process (a restarted node rebuilds its state from the last
   * snapshot and the log); {@link #snapshot} returns the state as of the last applied command.
   */
  public interface StateMachine {
    void apply(Entry command);

    byte[] snapshot();

    void install(byte[] snapshotData);
  }

  /**
   * Why a proposal did not (or may not) take effect. When {@link #retryable()}, it certainly did not,
   * and callers may try again.
   */
  public static final class ProposalException extends RuntimeException {
    private final NodeId leaderHint;
    private final boolean retryable;

    ProposalException(String message, NodeId leaderHint, boolean retryable) {
      super(message, null, false, false);
      this.leaderHint = leaderHint;
      this.retryable = retryable;
    }

    /** The node this one believes leads the group, or null. */
    public NodeId leaderHint() {
      return leaderHint;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  /**
   * @param tickNanos period of the replicas' logical tick
   * @param maxPendingProposals most proposals of one group proposed here and not yet applied
   * @param compactEveryEntries compact a group's log once this many entries are applied past its
   *     last snapshot (0: never)
   * @param busyRetryNanos delay before retrying a write the storage refused as busy
   */
  public record Config(
      long tickNanos, int maxPendingProposals, long compactEveryEntries, long busyRetryNanos) {
    public Config {
      if (tickNanos <= 0 || maxPendingProposals < 1 || compactEveryEntries < 0 || busyRetryNanos <= 0) {
        throw new IllegalArgumentException("bad driver config " + this);
      }
    }
  }

  /** Largest command {@link #propose} takes: it must fit a transport message with room to spare. */
  public static final int MAX_COMMAND_BYTES = 1 << 20;

  private record Pending(byte[] command, CompletableFuture<Slot> future) {}

  private final class Hosted {
    final GroupId group;
    final PaxosReplica replica;
    final StateMachine stateMachine;
    final TreeMap<Long, Pending> pending = new TreeMap<>();
    /** A write that must be durable before the Ready's messages leave is in flight. */
    boolean writing;
    /** The hard state of the latest write handed to storage (durable before any later write). */
    HardState lastHardStateSubmitted;

    Hosted(GroupId group, PaxosReplica replica, StateMachine stateMachine) {
      this.group = group;
      this.replica = replica;
      this.stateMachine = stateMachine;
    }
  }

  private final NodeId self;
  private final Scheduler loop;
  private final TrueTime trueTime;
  private final PaxosStorage storage;
  private final Network network;
  private final RandomSource random;
  private final Config config;
  private final Consumer<Throwable> fatalHandler;
  private final Map<GroupId, Hosted> groups = new LinkedHashMap<>();
  /** Groups whose {@link #host} is loading or bootstrapping them. */
  private final Set<GroupId> starting = new HashSet<>();
  private final List<Envelope> heartbeats = new ArrayList<>();
  private final DriverCounters counters = new DriverCounters();
  private boolean heartbeatFlushScheduled;
  private Cancellable ticker;
  private Throwable failure;
  private boolean closed;

  public PaxosDriver(
      NodeId self,
      Scheduler loop,
      TrueTime trueTime,
      PaxosStorage storage,
      Network network,
      RandomSource random,
      Config config,
      Consumer<Throwable> fatalHandler) {
    this.self = self;
    this.loop = loop;
    this.trueTime = trueTime;
    this.storage = storage;
    this.network = network;
    this.random = random;
    this.config = config;
    this.fatalHandler = fatalHandler;
    loop.execute(this::scheduleTick);
  }

  public NodeId self() {
    return self;
  }

  /**
   * Hosts a replica of {@code group}: restarted from what {@link PaxosStorage} holds for it, or else
   * a brand-new one whose initial voters are {@code initialVoters} (persisted first, so that a
   * restart finds them), or, with {@code initialVoters} null, one joining an existing group, which
   * learns the membership from the leader. The state machine starts empty; the replica hands it the
   * snapshot and the committed log to rebuild. Completes once the replica runs.
   */
  public CompletableFuture<Void> host(
      GroupId group, Options options, Membership initialVoters, StateMachine stateMachine) {
    // Reserved on the loop first, so that a second host() of the group fails before it could
    // bootstrap over the first one's durable state.
    return onLoop(() -> {
          if (groups.containsKey(group) || !starting.add(group)) {
            throw new IllegalStateException("group " + group + " is already hosted here");
          }
          return storage.load(group);
        })
        .thenCompose(stored -> {
          if (stored.isPresent() || initialVoters == null) {
            return CompletableFuture.completedFuture(stored.orElseGet(DurableState::joining));
          }
          return bootstrap(group, initialVoters).thenApply(v -> DurableState.bootstrap(initialVoters));
        })
        .thenCompose(state -> onLoop(() -> {
          // The state machine is volatile: it rebuilds from the snapshot, so nothing counts as applied.
          DurableState restart =
              new DurableState(state.hardState(), state.snapshot(), state.entries(), Slot.NONE);
          PaxosReplica replica = new PaxosReplica(group, self, options, trueTime, random.fork(), restart);
          Hosted hosted = new Hosted(group, replica, stateMachine);
          hosted.lastHardStateSubmitted = state.hardState();
          groups.put(group, hosted);
          pump(hosted);
          return (Void) null;
        }))
        .whenComplete((ignored, error) -> loop.execute(() -> starting.remove(group)));
  }

  /** Persists a new group's starting point, retrying while storage is busy (as for every write). */
  private CompletableFuture<Void> bootstrap(GroupId group, Membership voters) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    loop.execute(() -> tryBootstrap(group, voters, written));
    return written;
  }

  private void tryBootstrap(GroupId group, Membership voters, CompletableFuture<Void> written) {
    try {
      storage.bootstrap(group, voters).whenComplete((ignored, error) -> {
        if (error != null) {
          written.completeExceptionally(error);
        } else {
          written.complete(null);
        }
      });
    } catch (StorageBusyException busy) {
      counters.persistsRetriedBusy++;
      loop.schedule(config.busyRetryNanos(), () -> tryBootstrap(group, voters, written));
    }
  }

  /** Proposes {@code command} to {@code group}'s replica here; see the class comment. */
  public CompletableFuture<Slot> propose(GroupId group, byte[] command) {
    byte[] copy = command.clone();
    CompletableFuture<Slot> result = new CompletableFuture<>();
    loop.execute(() -> {
      Hosted hosted = checkedGroup(group, result);
      if (hosted == null) {
        return;
      }
      if (copy.length > MAX_COMMAND_BYTES) {
        result.completeExceptionally(new ProposalException("a command of " + copy.length
            + " bytes is over the limit of " + MAX_COMMAND_BYTES, null, false));
        return;
      }
      if (hosted.pending.size() >= config.maxPendingProposals()) {
        counters.proposalsRefused++;
        result.completeExceptionally(
            new ProposalException(
                "group " + group + " has " + hosted.pending.size() + " proposals in flight; retry later",
                self, true));
        return;
      }
      switch (hosted.replica.propose(copy)) {
        case ProposeResult.Proposed proposed -> {
          counters.proposals++;
          hosted.pending.put(proposed.slot().value(), new Pending(copy, result));
          pump(hosted);
        }
        case ProposeResult.NotLeader notLeader ->
            result.completeExceptionally(
                new ProposalException(self + " does not lead group " + group, notLeader.leaderHint(), true));
        case ProposeResult.NotReady notReady ->
            result.completeExceptionally(new ProposalException(notReady.reason(), self, true));
        case ProposeResult.Rejected rejected ->
            result.completeExceptionally(new ProposalException(rejected.reason(), self, false));
        case ProposeResult.TransferStarted started ->
            throw new IllegalStateException("propose answered " + started);
      }
    });
    return result;
  }

  /** Asks the leader of {@code group} here to hand leadership to {@code target}. */
  public CompletableFuture<ProposeResult> transferLeadership(GroupId group, NodeId target) {
    return onLoop(() -> {
      Hosted hosted = groups.get(group);
      if (hosted == null) {
        return new ProposeResult.Rejected("group " + group + " is not hosted on " + self);
      }
      ProposeResult result = hosted.replica.transferLeadership(target);
      pump(hosted);
      return result;
    });
  }

  /** Delivers an envelope received from the network. */
  public void receive(Envelope envelope) {
    loop.execute(() -> deliver(envelope));
  }

  /** Delivers a batch of heartbeats received from the network. */
  public void receive(HeartbeatBatch batch) {
    loop.execute(() -> batch.unpack().forEach(this::deliver));
  }

  /** The status of every hosted replica, in hosting order, read on the loop. */
  public CompletableFuture<Map<GroupId, Status>> statuses() {
    return onLoop(() -> {
      Map<GroupId, Status> statuses = new LinkedHashMap<>();
      groups.forEach((group, hosted) -> statuses.put(group, hosted.replica.status()));
      return statuses;
    });
  }

  /**
   * The status of {@code group}'s replica here, or null if it is not (yet) hosted; callable only
   * from a task of the loop (a simulator inspecting a node between events), where it reads the
   * state directly instead of queueing a read as {@link #statuses} does.
   */
  public Status statusOnLoop(GroupId group) {
    Invariants.require(loop.inLoop(), "statusOnLoop called off the driver's loop");
    Hosted hosted = groups.get(group);
    return hosted == null ? null : hosted.replica.status();
  }

  /** A copy of the driver's counters, read on the loop. */
  public CompletableFuture<DriverCounters> counters() {
    return onLoop(counters::copy);
  }

  /** Stops ticking and fails pending proposals; the storage and network belong to the caller. */
  @Override
  public void close() {
    loop.execute(() -> {
      if (failure == null && !closed) {
        closed = true;
        stop(new ProposalException(
            "outcome unknown: the node shut down before the command was applied here", null, false));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------

  private void deliver(Envelope envelope) {
    Hosted hosted = groups.get(envelope.message().group());
    if (hosted == null || failure != null || closed || !envelope.to().equals(self)) {
      counters.messagesDropped++;
      return;
    }
    counters.messagesReceived++;
    hosted.replica.step(envelope.from(), envelope.message());
    pump(hosted);
  }

  private void scheduleTick() {
    if (failure == null && !closed) {
      ticker = loop.schedule(config.tickNanos(), this::tickAll);
    }
  }

  private void tickAll() {
    try {
      for (Hosted hosted : groups.values()) {
        hosted.replica.tick();
        pump(hosted);
      }
    } finally {
      // One group's failure (reported by the loop) must not stop every other group's timers.
      scheduleTick();
    }
  }

  /** Takes Readys while the group has one and no write of it is in flight. */
  private void pump(Hosted hosted) {
    while (failure == null && !closed && !hosted.writing && hosted.replica.hasReady()) {
      Ready ready = hosted.replica.ready();
      if (ready.mustPersist()) {
        if (onlyCommitPointMoved(hosted, ready) && submit(hosted, ready) != null) {
          // The commit point may lag on disk (a restarted replica relearns it) and reveals nothing a
          // crash could take back, so its write need not hold back sending and applying. The
          // group's later writes queue behind it (storage writes in submission order).
          counters.commitPointWritesOverlapped++;
          finish(hosted, ready);
          continue;
        }
        hosted.writing = true;
        persist(hosted, ready);
        return;
      }
      finish(hosted, ready);
    }
  }

  private static boolean onlyCommitPointMoved(Hosted hosted, Ready ready) {
    HardState last = hosted.lastHardStateSubmitted;
    return ready.snapshot() == null
        && ready.compactThrough() == null
        && ready.entries().isEmpty()
        && ready.hardState() != null
        && ready.hardState().promised().equals(last.promised())
        && ready.hardState().leaseVote().equals(last.leaseVote());
  }

  /** Writes {@code ready} and, once durable, sends and applies it; retries while storage is busy. */
  private void persist(Hosted hosted, Ready ready) {
    if (failure != null || closed) {
      return;
    }
    CompletableFuture<Void> written = submit(hosted, ready);
    if (written == null) {
      counters.persistsRetriedBusy++;
      loop.schedule(config.busyRetryNanos(), () -> persist(hosted, ready));
      return;
    }
    written.thenRun(() -> loop.execute(() -> {
      hosted.writing = false;
      if (failure == null && !closed) {
        finish(hosted, ready);
        pump(hosted);
      }
    }));
  }

  /**
   * Hands {@code ready}'s persist section to storage; null if storage is busy (nothing queued). A
   * failed write is fatal for the node.
   */
  private CompletableFuture<Void> submit(Hosted hosted, Ready ready) {
    CompletableFuture<Void> written;
    try {
      written = storage.persist(hosted.group, ready);
    } catch (StorageBusyException busy) {
      return null;
    }
    counters.persists++;
    if (ready.hardState() != null) {
      hosted.lastHardStateSubmitted = ready.hardState();
    }
    written.exceptionally(error -> {
      loop.execute(() -> diskFailed(error));
      return null;
    });
    return written;
  }

  private void diskFailed(Throwable error) {
    if (failure == null && !closed) {
      failure = error;
      stop(new ProposalException(
          "outcome unknown: the node's disk failed before the command was applied here: " + error, null, false));
      fatalHandler.accept(error);
    }
  }

  /** Send, apply, advance: the part of a Ready that follows its durable write. */
  private void finish(Hosted hosted, Ready ready) {
    for (Envelope envelope : ready.messages()) {
      counters.messagesSent++;
      if (envelope.isHeartbeat()) {
        queueHeartbeat(envelope);
      } else {
        network.send(envelope);
      }
    }
    if (ready.snapshotToApply() != null) {
      hosted.stateMachine.install(ready.snapshotToApply().data());
      long through = ready.snapshotToApply().lastSlot().value();
      // Whether a proposal the snapshot covers took effect cannot be told from here.
      var covered = hosted.pending.headMap(through, true);
      covered.values().forEach(p -> p.future().completeExceptionally(
          new ProposalException("outcome unknown: slot covered by an installed snapshot", null, false)));
      covered.clear();
    }
    for (Entry entry : ready.committedEntries()) {
      if (entry.kind() == EntryKind.COMMAND) {
        hosted.stateMachine.apply(entry);
        counters.commandsApplied++;
      }
      Pending pending = hosted.pending.remove(entry.slot().value());
      if (pending != null) {
        if (entry.kind() == EntryKind.COMMAND && Arrays.equals(entry.data(), pending.command())) {
          pending.future().complete(entry.slot());
        } else {
          pending.future().completeExceptionally(new ProposalException(
              "slot " + entry.slot() + " was taken by another value after a leader change; not applied",
              null, true));
        }
      }
    }
    hosted.replica.advance(ready);
    maybeCompact(hosted);
  }

  private void maybeCompact(Hosted hosted) {
    if (config.compactEveryEntries() == 0) {
      return;
    }
    Status status = hosted.replica.status();
    long applied = status.applied().value();
    if (applied - status.snapshotSlot().value() >= config.compactEveryEntries()) {
      hosted.replica.compact(status.applied(), hosted.stateMachine.snapshot());
      counters.compactions++;
    }
  }

  private void queueHeartbeat(Envelope envelope) {
    heartbeats.add(envelope);
    if (!heartbeatFlushScheduled) {
      heartbeatFlushScheduled = true;
      // Runs after the tasks already queued: the heartbeats of every group handled this turn share it.
      loop.execute(this::flushHeartbeats);
    }
  }

  private void flushHeartbeats() {
    heartbeatFlushScheduled = false;
    List<HeartbeatBatch> batches = HeartbeatBatch.coalesce(heartbeats);
    heartbeats.clear();
    for (HeartbeatBatch batch : batches) {
      counters.heartbeatBatchesSent++;
      network.send(batch);
    }
  }

  /** Stops ticking and fails every pending proposal with {@code why}. */
  private void stop(ProposalException why) {
    if (ticker != null) {
      ticker.cancel();
    }
    for (Hosted hosted : groups.values()) {
      hosted.pending.values().forEach(p -> p.future().completeExceptionally(why));
      hosted.pending.clear();
    }
  }

  private Hosted checkedGroup(GroupId group, CompletableFuture<?> result) {
    if (failure != null || closed) {
      result.completeExceptionally(new ProposalException("the node is not serving", null, true));
      return null;
    }
    Hosted hosted = groups.get(group);
    if (hosted == null) {
      result.completeExceptionally(
          new ProposalException("group " + group + " is not hosted on " + self, null, false));
    }
    return hosted;
  }

  private <T> CompletableFuture<T> onLoop(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        result.complete(work.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }
}
