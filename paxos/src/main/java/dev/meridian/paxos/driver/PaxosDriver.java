package dev.meridian.paxos.driver;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.messages.Message.ChunkStatus;
import dev.meridian.paxos.messages.Message.InstallSnapshot;
import dev.meridian.paxos.messages.Message.SnapshotChunk;
import dev.meridian.paxos.messages.Message.SnapshotChunkAck;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Options;
import dev.meridian.paxos.replica.PaxosReplica;
import dev.meridian.paxos.replica.ProposeResult;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.replica.Role;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.mvcc.StorageBusyException;
import dev.meridian.truetime.TrueTime;
import java.io.ByteArrayOutputStream;
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
 * <p>State machines ({@link StateMachine}): durable ones continue from their applied slot; the
 * driver applies every committed entry, streams snapshots in chunks ({@link SnapshotLimits}: chunk
 * size, window, resend and give-up ticks, transfers at once; counted in {@link DriverCounters}), and
 * reports leadership and lease changes ({@link RoleChange}). Membership changes ({@link
 * #addLearner}, {@link #promoteToVoter}, {@link #removeVoter}) go through the log like commands;
 * {@link #transferLeadership} hands leadership over; {@link #unhost} stops a group.
 *
 * <p>Snapshot transfer: the replica's {@code InstallSnapshot} names the snapshot; the driver sends
 * the state machine's image as of its applied slot (at least the snapshot's) in {@code
 * SnapshotChunk}s, at most a window unacknowledged, resent after {@code resendTicks} without an ack,
 * abandoned after {@code maxResends}; the receiver acknowledges the next chunk it expects, holds
 * early ones within its window, answers {@code RESTART} for a transfer it does not know (the sender
 * starts over from a fresh image), stages in order, and on the last chunk steps its replica with the
 * snapshot's metadata. Reads of the image run on the loop, one chunk at a time. TODO(perf): read
 * them off the loop, as DESIGN §11 wants for range snapshots.
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
   * The replicated state machine of one group, hosted by the driver. Every method is called on the
   * driver's loop.
   *
   * <h2>Durable machines</h2>
   *
   * A durable machine keeps its state in the node's one RocksDB, next to the Paxos log, and reports
   * with {@link #appliedSlot} how far that state goes: the driver starts the replica with applied =
   * that slot and never hands it an entry at or below it again. {@link #apply} writes the entry's
   * effects and the new applied slot in one batch, <b>unsynced</b>. That is safe because:
   *
   * <ul>
   *   <li><b>One ordered log.</b> In one RocksDB every write, synced or not, goes to the same
   *       write-ahead log in order, and a crash keeps a prefix of it. So the next synced write (the
   *       Paxos storage's next persist, which the group's traffic brings soon) makes every earlier
   *       unsynced apply durable with it, and no fsync is paid per apply: one per replica per
   *       transaction, not two (DESIGN.md §11). A machine that does not share the Paxos storage's
   *       ordered log must sync its own writes, or this argument does not hold.
   *   <li><b>A crash loses a suffix of applies, never a hole.</b> After a crash the applied slot read
   *       back may be older than what was applied before it, and the replica re-applies from there.
   *       The log still holds every entry after it: an entry is applied only once its own synced
   *       write is durable, and the log is truncated (compaction) only up to the slot the machine had
   *       applied when the compaction was submitted — a synced write that comes after those applies
   *       in the log, so whenever the truncation is durable, so are the applies it covers.
   *   <li><b>It may also be newer than the durable commit point.</b> The driver sends and applies
   *       before a write that moves nothing but the commit point is durable ({@link Ready}'s
   *       relaxation), so a crash may keep an apply and lose that write. Everything applied was
   *       chosen, so on restart the driver raises the commit point to the applied slot.
   *   <li><b>Snapshots.</b> A received snapshot is staged ({@link SnapshotSink}), then its metadata is
   *       persisted (synced, so the staging is durable too), and only then installed: a crash in
   *       between finds the metadata on restart and installs the staged image again ({@link
   *       #installStaged}), never a machine behind its snapshot.
   * </ul>
   *
   * <h2>Volatile machines</h2>
   *
   * A volatile machine ({@link #durable} false, {@link #appliedSlot} {@link Slot#NONE}; see {@link
   * VolatileStateMachine}) starts empty on every host and is rebuilt from the snapshot, whose data is
   * its image kept in the Paxos snapshot record, and the log.
   */
  public interface StateMachine {

    /**
     * Read once, when the group is hosted: every slot up to here is applied in the machine's durable
     * state ({@link Slot#NONE} for a volatile or brand-new machine).
     */
    Slot appliedSlot();

    /** Whether the machine's state survives a restart by itself (see the interface comment). */
    boolean durable();

    /**
     * Applies one committed entry: a command, a no-op or a membership change (the last two change
     * no data, but a durable machine records their slot as applied too, so that its applied slot is
     * the replica's). Entries come in slot order, each slot once per incarnation and never at or
     * below {@link #appliedSlot}.
     */
    void apply(Entry entry);

    /**
     * A consistent image of the state as of the last applied entry, to stream to a replica that
     * needs a snapshot; entries applied while it is open do not show in it.
     */
    SnapshotSource openSnapshot();

    /**
     * Begins staging an image of the state as of {@code lastSlot} that is being received; an earlier
     * staging that was neither installed nor aborted is discarded.
     */
    SnapshotSink beginInstall(Slot lastSlot);

    /**
     * Makes the finished staged image of {@code lastSlot} the machine's state, atomically, with
     * applied slot {@code lastSlot}. Also called after a restart that found the snapshot's metadata
     * persisted but the machine behind it; a durable machine then finds its staging on disk.
     */
    void installStaged(Slot lastSlot);

    /** This replica's leadership changed; see {@link RoleChange}. */
    default void onRoleChange(RoleChange change) {}
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
   * @param snapshot how snapshots are streamed
   */
  public record Config(
      long tickNanos,
      int maxPendingProposals,
      long compactEveryEntries,
      long busyRetryNanos,
      SnapshotLimits snapshot) {
    public Config {
      if (tickNanos <= 0 || maxPendingProposals < 1 || compactEveryEntries < 0 || busyRetryNanos <= 0
          || snapshot == null) {
        throw new IllegalArgumentException("bad driver config " + tickNanos + "/" + maxPendingProposals
            + "/" + compactEveryEntries + "/" + busyRetryNanos + "/" + snapshot);
      }
    }

    /** With {@link SnapshotLimits#defaults()}. */
    public Config(long tickNanos, int maxPendingProposals, long compactEveryEntries, long busyRetryNanos) {
      this(tickNanos, maxPendingProposals, compactEveryEntries, busyRetryNanos, SnapshotLimits.defaults());
    }
  }

  /**
   * Bounds of snapshot streaming (DESIGN.md §11: a snapshot chunk has a limit, an error and a
   * metric). A transfer holds at most {@code windowChunks × chunkBytes} bytes in memory.
   *
   * @param chunkBytes most data bytes in one chunk; at most {@link Message#MAX_SNAPSHOT_CHUNK_BYTES}
   *     (1 MiB), far below the transport's frame limit (4 MiB)
   * @param windowChunks most chunks sent to one peer and not yet acknowledged
   * @param resendTicks ticks without an ack before the unacknowledged chunks are sent again; also
   *     what a receiver waits, times {@code maxResends + 1}, before it drops a transfer that went silent
   * @param maxResends resends without progress before a sender abandons a transfer
   * @param maxOutgoing most transfers this node sends at once (over all groups and peers); a replica
   *     that asks for more waits and asks again
   */
  public record SnapshotLimits(int chunkBytes, int windowChunks, int resendTicks, int maxResends, int maxOutgoing) {
    public SnapshotLimits {
      if (chunkBytes < 1 || chunkBytes > Message.MAX_SNAPSHOT_CHUNK_BYTES || windowChunks < 1
          || resendTicks < 1 || maxResends < 0 || maxOutgoing < 1) {
        throw new IllegalArgumentException("bad snapshot limits " + chunkBytes + "/" + windowChunks + "/"
            + resendTicks + "/" + maxResends + "/" + maxOutgoing);
      }
    }

    /** 256 KiB chunks, 4 in flight (1 MiB per transfer), resend after 10 ticks, give up after 5, 8 at once. */
    public static SnapshotLimits defaults() {
      return new SnapshotLimits(256 << 10, 4, 10, 5, 8);
    }
  }

  /** Largest command {@link #propose} takes: it must fit a transport message with room to spare. */
  public static final int MAX_COMMAND_BYTES = 1 << 20;

  private record Pending(EntryKind kind, byte[] data, CompletableFuture<Slot> future) {}

  private final class Hosted {
    final GroupId group;
    final PaxosReplica replica;
    final StateMachine stateMachine;
    final TreeMap<Long, Pending> pending = new TreeMap<>();
    /** A write that must be durable before the Ready's messages leave is in flight. */
    boolean writing;
    /** The hard state of the latest write handed to storage (durable before any later write). */
    HardState lastHardStateSubmitted;
    /** The latest write handed to storage: the group's writes complete in order, this one last. */
    CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
    /** Set by {@link #unhost}: callbacks of writes still in flight must not touch the replica. */
    boolean unhosted;
    /** The ballot this replica was last reported leading under (null: not leading), and its lease. */
    Ballot reportedBallot;
    long reportedLeaseEndMicros;
    /** Transfers this node streams to peers, by peer. */
    final Map<NodeId, OutgoingSnapshot> outgoing = new LinkedHashMap<>();
    /** The transfer this node is receiving, or null. */
    IncomingSnapshot incoming;
    /** The (sender, id) of the last transfer received in full, to answer its late duplicates. */
    NodeId completedFrom;
    long completedId = -1;
    /** Slot of an image staged in this process and handed to the replica, waiting to be installed. */
    Slot stagedSlot;

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
  /** Groups whose {@link #host} is loading or bootstrapping them, or whose unhost waits for writes. */
  private final Set<GroupId> starting = new HashSet<>();
  private final List<Envelope> heartbeats = new ArrayList<>();
  private final DriverCounters counters = new DriverCounters();
  private boolean heartbeatFlushScheduled;
  private Cancellable ticker;
  private Throwable failure;
  private boolean closed;
  private long nextTransferId = 1;
  private int outgoingTransfers;

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
   * learns the membership from the leader (as a learner, once the leader added it). A durable state
   * machine continues from its {@link StateMachine#appliedSlot}; a volatile one starts empty and is
   * handed the snapshot and the committed log to rebuild. Completes once the replica runs.
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
          DurableState restart = restartState(group, state, stateMachine);
          PaxosReplica replica = new PaxosReplica(group, self, options, trueTime, random.fork(), restart);
          Hosted hosted = new Hosted(group, replica, stateMachine);
          hosted.lastHardStateSubmitted = state.hardState();
          groups.put(group, hosted);
          pump(hosted);
          return (Void) null;
        }))
        .whenComplete((ignored, error) -> loop.execute(() -> starting.remove(group)));
  }

  /**
   * Where the replica restarts: at the durable machine's applied slot (raising the commit point to it
   * if the crash kept the apply and lost a commit-point write, see {@link StateMachine}), or at
   * nothing applied for a volatile machine.
   */
  private DurableState restartState(GroupId group, DurableState state, StateMachine machine) {
    if (!machine.durable()) {
      return new DurableState(state.hardState(), state.snapshot(), state.entries(), Slot.NONE);
    }
    Slot applied = machine.appliedSlot();
    HardState hard = state.hardState();
    if (applied.value() > hard.commit().value()) {
      Invariants.require(applied.value() <= lastSlot(state),
          "the state machine of group %s applied through %s, past the last slot %d its log holds",
          group, applied, lastSlot(state));
      hard = new HardState(hard.promised(), hard.leaseVote(), applied);
      counters.commitRaisedOnRestart++;
    }
    return new DurableState(hard, state.snapshot(), state.entries(), applied);
  }

  private static long lastSlot(DurableState state) {
    long last = state.snapshot().lastSlot().value();
    for (Entry entry : state.entries()) {
      last = Math.max(last, entry.slot().value());
    }
    return last;
  }

  /**
   * Stops hosting {@code group}: pending proposals fail (outcome unknown), transfers stop, a leading
   * replica reports {@link RoleChange.LostLeadership}. Its durable state stays (a later {@link #host}
   * restarts from it). Completes, with whether the group was hosted, once the group's writes already
   * handed to storage are durable, so a re-host reads everything the old replica wrote.
   */
  public CompletableFuture<Boolean> unhost(GroupId group) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    loop.execute(() -> {
      Hosted hosted = groups.remove(group);
      if (hosted == null) {
        result.complete(false);
        return;
      }
      hosted.unhosted = true;
      starting.add(group);
      failPending(hosted, new ProposalException(
          "outcome unknown: group " + group + " was unhosted before the command was applied here", null, false));
      stopTransfers(hosted);
      if (hosted.reportedBallot != null) {
        hosted.stateMachine.onRoleChange(new RoleChange.LostLeadership(hosted.reportedBallot));
        hosted.reportedBallot = null;
      }
      counters.unhosted++;
      hosted.lastWrite.handle((v, e) -> null).thenRun(() -> loop.execute(() -> {
        starting.remove(group);
        result.complete(true);
      }));
    });
    return result;
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
    return submitProposal(group, EntryKind.COMMAND, copy, replica -> replica.propose(copy));
  }

  /**
   * Proposes one membership step through the log; completes with its slot once applied here (the
   * new membership is then in force). Refused (retryable) while another change is pending or a
   * learner to promote has not caught up; see {@link PaxosReplica#proposeConfChange}.
   */
  public CompletableFuture<Slot> changeMembership(GroupId group, ConfChange change) {
    return submitProposal(group, EntryKind.CONF_CHANGE, change.encode(), replica -> replica.proposeConfChange(change));
  }

  /** Adds {@code node} as a learner: it receives the log (a snapshot first) and counts in no quorum. */
  public CompletableFuture<Slot> addLearner(GroupId group, NodeId node) {
    return changeMembership(group, ConfChange.addLearner(node));
  }

  /** Makes the learner {@code node}, once caught up with the commit point, a voter. */
  public CompletableFuture<Slot> promoteToVoter(GroupId group, NodeId node) {
    return changeMembership(group, ConfChange.promote(node));
  }

  /** Removes voter {@code node} (not the leader itself: transfer leadership first). */
  public CompletableFuture<Slot> removeVoter(GroupId group, NodeId node) {
    return changeMembership(group, ConfChange.removeVoter(node));
  }

  private CompletableFuture<Slot> submitProposal(
      GroupId group, EntryKind kind, byte[] data, java.util.function.Function<PaxosReplica, ProposeResult> proposeTo) {
    CompletableFuture<Slot> result = new CompletableFuture<>();
    loop.execute(() -> {
      Hosted hosted = checkedGroup(group, result);
      if (hosted == null) {
        return;
      }
      if (data.length > MAX_COMMAND_BYTES) {
        result.completeExceptionally(new ProposalException("a command of " + data.length
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
      switch (proposeTo.apply(hosted.replica)) {
        case ProposeResult.Proposed proposed -> {
          counters.proposals++;
          hosted.pending.put(proposed.slot().value(), new Pending(kind, data, result));
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
    switch (envelope.message()) {
      case SnapshotChunk chunk -> receiveChunk(hosted, envelope.from(), chunk);
      case SnapshotChunkAck ack -> receiveChunkAck(hosted, envelope.from(), ack);
      default -> hosted.replica.step(envelope.from(), envelope.message());
    }
    pump(hosted);
  }

  private void scheduleTick() {
    if (failure == null && !closed) {
      ticker = loop.schedule(config.tickNanos(), this::tickAll);
    }
  }

  private void tickAll() {
    try {
      for (Hosted hosted : List.copyOf(groups.values())) {
        hosted.replica.tick();
        tickTransfers(hosted);
        pump(hosted);
      }
    } finally {
      // One group's failure (reported by the loop) must not stop every other group's timers.
      scheduleTick();
    }
  }

  /** Takes Readys while the group has one and no write of it is in flight. */
  private void pump(Hosted hosted) {
    while (failure == null && !closed && !hosted.unhosted && !hosted.writing && hosted.replica.hasReady()) {
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
        break;
      }
      finish(hosted, ready);
    }
    reportRole(hosted);
  }

  /**
   * Tells the state machine what changed in this replica's leadership since the last report: it
   * leads once it is an active leader with a lease, and stops leading when it no longer is one.
   */
  private void reportRole(Hosted hosted) {
    if (hosted.unhosted || failure != null || closed) {
      return;
    }
    PaxosReplica replica = hosted.replica;
    long leaseEnd = replica.leaseEnd();
    boolean leading = replica.role() == Role.LEADER && replica.isActiveLeader() && leaseEnd > 0;
    Ballot ballot = leading ? replica.ballot() : null;
    if (hosted.reportedBallot != null && !hosted.reportedBallot.equals(ballot)) {
      Ballot lost = hosted.reportedBallot;
      hosted.reportedBallot = null;
      counters.roleChanges++;
      hosted.stateMachine.onRoleChange(new RoleChange.LostLeadership(lost));
    }
    if (ballot == null) {
      return;
    }
    if (hosted.reportedBallot == null) {
      hosted.reportedBallot = ballot;
      hosted.reportedLeaseEndMicros = leaseEnd;
      counters.roleChanges++;
      hosted.stateMachine.onRoleChange(new RoleChange.BecameLeader(ballot, leaseEnd, replica.transferredFrom()));
    } else if (leaseEnd > hosted.reportedLeaseEndMicros) {
      hosted.reportedLeaseEndMicros = leaseEnd;
      hosted.stateMachine.onRoleChange(new RoleChange.LeaseExtended(ballot, leaseEnd));
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
    if (failure != null || closed || hosted.unhosted) {
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
      if (failure == null && !closed && !hosted.unhosted) {
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
    hosted.lastWrite = written;
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
    Map<NodeId, OutgoingSnapshot> runningBefore = Map.copyOf(hosted.outgoing);
    for (Envelope envelope : ready.messages()) {
      if (envelope.message() instanceof InstallSnapshot install) {
        // The replica names the snapshot; its data is streamed by the driver, in chunks.
        startTransfer(hosted, envelope.to(), install);
        continue;
      }
      if (envelope.message() instanceof Message.Accept
          && hosted.outgoing.containsKey(envelope.to())
          && hosted.outgoing.get(envelope.to()) == runningBefore.get(envelope.to())) {
        // The peer cannot use entries above a snapshot it is still receiving, and each batch would
        // draw an ack that makes the replica resend its window: hold replication until the snapshot
        // is in (the replica resends what it lacks once its acks show the new match). The batch of
        // the Ready that asked for the snapshot still goes: for an empty snapshot (a new member at
        // slot 0) it is what the peer needs next.
        counters.acceptsHeldForSnapshot++;
        continue;
      }
      counters.messagesSent++;
      if (envelope.isHeartbeat()) {
        queueHeartbeat(envelope);
      } else {
        network.send(envelope);
      }
    }
    if (ready.snapshotToApply() != null) {
      installSnapshot(hosted, ready.snapshotToApply());
    }
    for (Entry entry : ready.committedEntries()) {
      hosted.stateMachine.apply(entry);
      if (entry.kind() == EntryKind.COMMAND) {
        counters.commandsApplied++;
      }
      Pending pending = hosted.pending.remove(entry.slot().value());
      if (pending != null) {
        if (entry.kind() == pending.kind() && Arrays.equals(entry.data(), pending.data())) {
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

  /**
   * Installs the snapshot the replica hands over: the image staged by a transfer in this process; or,
   * for a volatile machine, the image kept in the snapshot record; or, for a durable machine after a
   * restart that found the snapshot's metadata persisted, the staging the machine kept on disk.
   */
  private void installSnapshot(Hosted hosted, Snapshot snapshot) {
    Slot slot = snapshot.lastSlot();
    boolean stagedHere = slot.equals(hosted.stagedSlot);
    hosted.stagedSlot = null;
    if (!stagedHere && !hosted.stateMachine.durable()) {
      SnapshotSink sink = hosted.stateMachine.beginInstall(slot);
      byte[] image = snapshot.data();
      int chunk = config.snapshot().chunkBytes();
      for (int offset = 0; offset < image.length; offset += chunk) {
        sink.write(Arrays.copyOfRange(image, offset, Math.min(image.length, offset + chunk)));
      }
      sink.finish();
    }
    hosted.stateMachine.installStaged(slot);
    counters.snapshotsInstalled++;
    // Whether a proposal the snapshot covers took effect cannot be told from here.
    var covered = hosted.pending.headMap(slot.value(), true);
    covered.values().forEach(p -> p.future().completeExceptionally(
        new ProposalException("outcome unknown: slot covered by an installed snapshot", null, false)));
    covered.clear();
  }

  private void maybeCompact(Hosted hosted) {
    if (config.compactEveryEntries() == 0) {
      return;
    }
    Status status = hosted.replica.status();
    long applied = status.applied().value();
    if (applied - status.snapshotSlot().value() >= config.compactEveryEntries()) {
      // A durable machine's state is its own (the compaction's synced write, submitted after its
      // applies, makes them durable first: see StateMachine); a volatile one's image is the snapshot.
      byte[] image = hosted.stateMachine.durable() ? new byte[0] : readImage(hosted.stateMachine);
      hosted.replica.compact(status.applied(), image);
      counters.compactions++;
    }
  }

  /** The whole image of a volatile machine (small by contract: {@link VolatileStateMachine}). */
  private byte[] readImage(StateMachine machine) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SnapshotSource source = machine.openSnapshot()) {
      for (byte[] chunk = source.next(config.snapshot().chunkBytes()); chunk != null;
          chunk = source.next(config.snapshot().chunkBytes())) {
        if ((long) out.size() + chunk.length > VolatileStateMachine.MAX_IMAGE_BYTES) {
          throw new IllegalStateException("a volatile state machine's image is over "
              + VolatileStateMachine.MAX_IMAGE_BYTES + " bytes; keep such state durable");
        }
        out.writeBytes(chunk);
      }
    }
    return out.toByteArray();
  }

  // ------------------------------------------------------------------------- snapshot streaming

  /**
   * The replica asks to send {@code peer} its snapshot: streams the state machine's image as of the
   * replica's applied slot (at least the snapshot's, and chosen), with the membership in force there.
   * A transfer to the peer under the same ballot already running is the answer to a repeated ask.
   */
  private void startTransfer(Hosted hosted, NodeId peer, InstallSnapshot install) {
    OutgoingSnapshot running = hosted.outgoing.get(peer);
    if (running != null && running.ballot.equals(install.ballot())) {
      return;
    }
    if (running != null) {
      endTransfer(hosted, running);
    }
    Slot applied = hosted.replica.status().applied();
    if (applied.value() < install.snapshot().lastSlot().value()) {
      // Restarted and not yet installed its own snapshot: it has nothing to send yet; the replica asks again.
      return;
    }
    if (outgoingTransfers >= config.snapshot().maxOutgoing()) {
      counters.snapshotTransfersDeferred++;
      return;
    }
    Slot commit = Slot.of(Math.max(install.commit().value(), applied.value()));
    OutgoingSnapshot transfer = new OutgoingSnapshot(nextTransferId++, peer, hosted.group, install.ballot(),
        applied, hosted.replica.membershipAt(applied), commit, hosted.stateMachine.openSnapshot(),
        config.snapshot().chunkBytes(), config.snapshot().windowChunks());
    hosted.outgoing.put(peer, transfer);
    outgoingTransfers++;
    counters.snapshotTransfersStarted++;
    sendChunks(peer, transfer.fill(), false);
  }

  private void sendChunks(NodeId peer, List<SnapshotChunk> chunks, boolean resent) {
    for (SnapshotChunk chunk : chunks) {
      counters.messagesSent++;
      counters.snapshotChunksSent++;
      counters.snapshotBytesSent += chunk.data().length;
      if (resent) {
        counters.snapshotChunksResent++;
      }
      network.send(new Envelope(self, peer, chunk));
    }
  }

  private void endTransfer(Hosted hosted, OutgoingSnapshot transfer) {
    if (hosted.outgoing.remove(transfer.peer, transfer)) {
      outgoingTransfers--;
    }
    transfer.close();
  }

  private void receiveChunkAck(Hosted hosted, NodeId from, SnapshotChunkAck ack) {
    OutgoingSnapshot transfer = hosted.outgoing.get(from);
    if (transfer == null || transfer.id != ack.transferId()) {
      return; // A transfer that ended already.
    }
    switch (ack.status()) {
      case DONE -> {
        endTransfer(hosted, transfer);
        counters.snapshotTransfersCompleted++;
      }
      case RESTART -> {
        // The receiver lost the transfer (it restarted, or gave up waiting): start over, from a fresh
        // image, under the same ballot.
        endTransfer(hosted, transfer);
        counters.snapshotTransfersRestarted++;
        Snapshot asked = new Snapshot(transfer.lastSlot, transfer.membership, new byte[0]);
        startTransfer(hosted, from, new InstallSnapshot(hosted.group, transfer.ballot, asked, transfer.commit));
      }
      case NEXT -> sendChunks(from, transfer.acked(ack.nextSeq()), false);
    }
  }

  private void tickTransfers(Hosted hosted) {
    SnapshotLimits limits = config.snapshot();
    for (OutgoingSnapshot transfer : List.copyOf(hosted.outgoing.values())) {
      List<SnapshotChunk> resend = transfer.tick(limits.resendTicks(), limits.maxResends());
      if (resend == null) {
        endTransfer(hosted, transfer);
        counters.snapshotTransfersAbandoned++;
      } else {
        sendChunks(transfer.peer, resend, true);
      }
    }
    IncomingSnapshot incoming = hosted.incoming;
    if (incoming != null && ++incoming.idleTicks > limits.resendTicks() * (limits.maxResends() + 1)) {
      // The sender went silent for longer than it keeps trying: drop what is staged.
      incoming.sink.abort();
      hosted.incoming = null;
      counters.snapshotTransfersAbandoned++;
    }
  }

  /**
   * A chunk of a snapshot for this replica: staged in order; the last one hands the snapshot's
   * metadata to the replica as the sender's replica named it. A snapshot that does not bring this
   * replica past its commit point is not staged at all (its metadata still goes to the replica: a
   * joining replica learns its membership from it).
   */
  private void receiveChunk(Hosted hosted, NodeId from, SnapshotChunk chunk) {
    IncomingSnapshot incoming = hosted.incoming;
    if (incoming != null && incoming.matches(from, chunk)) {
      incoming.idleTicks = 0;
      if (chunk.seq() > incoming.nextSeq && chunk.seq() < incoming.nextSeq + config.snapshot().windowChunks()) {
        incoming.early.put(chunk.seq(), chunk);
      }
      SnapshotChunk next = chunk.seq() == incoming.nextSeq ? chunk : null;
      while (next != null) {
        stage(incoming, next);
        if (next.last()) {
          completeIncoming(hosted, incoming);
          return;
        }
        incoming.early.headMap(incoming.nextSeq, false).clear();
        next = incoming.early.remove(incoming.nextSeq);
      }
      ack(from, chunk, incoming.nextSeq, ChunkStatus.NEXT);
      return;
    }
    if (from.equals(hosted.completedFrom) && chunk.transferId() == hosted.completedId) {
      ack(from, chunk, 0, ChunkStatus.DONE);
      return;
    }
    if (hosted.stagedSlot != null) {
      // An image waits for its metadata's write before it is installed: a new staging would replace
      // it. Unanswered, the sender resends after this one is installed.
      return;
    }
    if (chunk.seq() != 0) {
      ack(from, chunk, 0, ChunkStatus.RESTART);
      return;
    }
    if (incoming != null) {
      boolean newer = from.equals(incoming.from)
          ? chunk.transferId() > incoming.id
          : !chunk.ballot().isBelow(incoming.ballot);
      if (!newer) {
        // A late duplicate of an older transfer must not displace the one in progress.
        return;
      }
      // A newer transfer (another leader's, or the same sender's restart) replaces it.
      incoming.sink.abort();
      hosted.incoming = null;
      counters.snapshotTransfersAbandoned++;
    }
    if (chunk.lastSlot().value() <= hosted.replica.status().commit().value()) {
      hosted.completedFrom = from;
      hosted.completedId = chunk.transferId();
      hosted.replica.step(from, new InstallSnapshot(hosted.group, chunk.ballot(),
          new Snapshot(chunk.lastSlot(), chunk.membership(), new byte[0]), chunk.commit()));
      ack(from, chunk, 0, ChunkStatus.DONE);
      return;
    }
    hosted.incoming = new IncomingSnapshot(chunk, from, hosted.stateMachine.beginInstall(chunk.lastSlot()),
        !hosted.stateMachine.durable());
    receiveChunk(hosted, from, chunk);
  }

  private void stage(IncomingSnapshot incoming, SnapshotChunk chunk) {
    counters.snapshotChunksReceived++;
    incoming.sink.write(chunk.data());
    if (incoming.image != null) {
      if ((long) incoming.image.size() + chunk.data().length > VolatileStateMachine.MAX_IMAGE_BYTES) {
        throw new IllegalStateException("a volatile state machine's image is over "
            + VolatileStateMachine.MAX_IMAGE_BYTES + " bytes; keep such state durable");
      }
      incoming.image.writeBytes(chunk.data());
    }
    incoming.nextSeq++;
  }

  /** Every chunk is staged: the replica takes the snapshot (persists it, then hands it back to install). */
  private void completeIncoming(Hosted hosted, IncomingSnapshot incoming) {
    incoming.sink.finish();
    hosted.incoming = null;
    hosted.completedFrom = incoming.from;
    hosted.completedId = incoming.id;
    long commitBefore = hosted.replica.status().commit().value();
    byte[] data = incoming.image == null ? new byte[0] : incoming.image.toByteArray();
    Snapshot snapshot = new Snapshot(incoming.lastSlot, incoming.membership, data);
    hosted.replica.step(incoming.from, new InstallSnapshot(hosted.group, incoming.ballot, snapshot, incoming.commit));
    Status after = hosted.replica.status();
    if (incoming.lastSlot.value() > commitBefore && after.snapshotSlot().equals(incoming.lastSlot)) {
      hosted.stagedSlot = incoming.lastSlot;
      counters.snapshotTransfersReceived++;
    } else {
      // The replica refused it (a higher ballot promised, or it caught up meanwhile).
      incoming.sink.abort();
    }
    ack(incoming.from, hosted.group, incoming.ballot, incoming.id, 0, ChunkStatus.DONE);
  }

  private void ack(NodeId to, SnapshotChunk chunk, int nextSeq, ChunkStatus status) {
    ack(to, chunk.group(), chunk.ballot(), chunk.transferId(), nextSeq, status);
  }

  private void ack(NodeId to, GroupId group, Ballot ballot, long transferId, int nextSeq, ChunkStatus status) {
    counters.messagesSent++;
    network.send(new Envelope(self, to, new SnapshotChunkAck(group, ballot, transferId, nextSeq, status)));
  }

  private void stopTransfers(Hosted hosted) {
    for (OutgoingSnapshot transfer : List.copyOf(hosted.outgoing.values())) {
      endTransfer(hosted, transfer);
    }
    if (hosted.incoming != null) {
      hosted.incoming.sink.abort();
      hosted.incoming = null;
    }
  }

  // ---------------------------------------------------------------------------------------------

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
      failPending(hosted, why);
      stopTransfers(hosted);
    }
  }

  private static void failPending(Hosted hosted, ProposalException why) {
    hosted.pending.values().forEach(p -> p.future().completeExceptionally(why));
    hosted.pending.clear();
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
