package dev.meridian.txn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.Scheduler;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.ReadBelowGcHorizonException;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.truetime.CommitWait;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.directory.MetaLookups;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.follower.FollowerReads;
import dev.meridian.txn.leaseholder.ClosedTimestampUpdate;
import dev.meridian.txn.leaseholder.LeaseholderCore;
import dev.meridian.txn.leaseholder.LeaseholderLimits;
import dev.meridian.txn.leaseholder.LeaseholderReady;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.Refusal;
import dev.meridian.txn.leaseholder.Reply;
import dev.meridian.txn.leaseholder.RequestId;
import dev.meridian.txn.leaseholder.StorageTask;
import dev.meridian.txn.leaseholder.Succession;
import dev.meridian.txn.range.CommitRequest;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.state.ApplyOutcome;
import dev.meridian.txn.range.state.LeaseholderStateView;
import dev.meridian.txn.range.state.RangeReadView;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.Function;
import dev.meridian.runtime.RandomSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A deterministic cluster in one process, for the gateway's tests: each range is a {@link
 * RangeStateMachine} over one in-memory range store with a {@link LeaseholderCore} on its
 * leaseholder node, and proposals apply at once (no Paxos: a one-replica log). A fake {@link
 * RangeChannel} carries requests and answers with a fixed latency on one {@link ManualScheduler},
 * checks the leaseholder and generation as the range host must, and can drop requests or answers.
 * Every range lists three voters; only the leaseholder serves, the others answer not-leaseholder
 * with a hint. {@link #trace} records the channel's traffic, one line per request and answer.
 *
 * <p>The bootstrap layout: r1 the meta range {@code ["", 0x01)}, r2 {@code [0x01, "m")}, r3 {@code
 * ["m", end)} (or the boundaries given to {@link #onLoop}); {@link #split} adds ranges, writing both
 * meta entries in one meta-range commit. Tests of this package run on virtual time ({@code
 * ManualScheduler}); {@link #onLoop} puts the same cluster on a real loop for other modules.
 *
 * <p>With follower reads on ({@link Followers}), every range also has a replica on each of its other
 * nodes: its own state machine over that node's own store, fed the leaseholder replica's log (at
 * once, or only when told: {@link #holdFollowers}, {@link #catchUp}), with a {@link FollowerReads}
 * over it (and over the leaseholder's own replica). The channel then carries follower reads too
 * (not subject to the injected faults), served exactly as the range host must: by the replica's
 * admission, from its state machine's snapshot. Closes happen when the test asks ({@link
 * #closeAll}, {@link #heartbeat}, {@link #closeEvery}).
 */
public final class ClusterHarness {

  static final long START_WALL_MICROS = 1_700_000_000_000_000L;
  static final long LATENCY_NANOS = 200_000;
  static final long LEASE_MICROS = 3_600_000_000L;
  static final NodeId N1 = new NodeId(1);
  static final NodeId N2 = new NodeId(2);
  static final NodeId N3 = new NodeId(3);
  static final List<ReplicaDescriptor> REPLICAS = List.of(
      new ReplicaDescriptor(N1, "eu", ReplicaRole.VOTER),
      new ReplicaDescriptor(N2, "us", ReplicaRole.VOTER),
      new ReplicaDescriptor(N3, "ap", ReplicaRole.VOTER));

  /** The one loop of every range, the channel and the gateway. */
  final Scheduler loop;
  /** The same loop when it runs on virtual time (every test of this package), else null. */
  private final ManualScheduler manual;
  final TrueTime trueTime;
  final InMemoryRangeStore store = new InMemoryRangeStore();
  final Map<RangeId, Hosted> hosted = new TreeMap<>();
  final List<String> trace = new ArrayList<>();
  final RangeCache cache;
  final Gateway gateway;
  final GatewayTxnClient client;
  private final List<Fault> faults = new ArrayList<>();
  /** Null: no follower replicas, no follower reads. */
  private final Followers followers;
  /** Each follower node's own store. */
  private final Map<NodeId, InMemoryRangeStore> followerStores = new HashMap<>();
  /** Whether follower replicas apply the log only when {@link #catchUp} says so. */
  private boolean holdFollowers;
  private long nextRequest = 1;
  private long internalTxns = 1;

  /**
   * Follower reads in the cluster: the gateway's region, the leaseholders' closed-timestamp lag, and
   * the replicas' planted bugs.
   */
  record Followers(String localRegion, long closedTsLagMicros, Set<FollowerReads.PlantedBug> plantedBugs) {}

  /**
   * One replica of a range (M7): its state machine, its follower-read admission, and the strong
   * reads waiting for it to apply a slot (what to do when {@link FollowerReads#applied} releases them).
   */
  record Replica(NodeId node, RangeStateMachine machine, FollowerReads reads, Map<RequestId, Runnable> waiting) {}

  /** One hosted range: its state machine and its leaseholder's core. */
  final class Hosted {
    final RangeStateMachine machine;
    final NodeId leaseholder;
    LeaseholderCore core;
    /** Every command the leaseholder's replica applied (slot i + 1 at index i), for the followers. */
    final List<RangeCommand> log = new ArrayList<>();
    /** The range's replicas by node, the leaseholder's over {@link #machine}; empty without followers. */
    final Map<NodeId, Replica> replicas = new LinkedHashMap<>();
    final Map<RequestId, Call> calls = new HashMap<>();
    /** Proposals held back from the log (Paxos slow): they stay in flight until released. */
    boolean holdProposals;
    final List<RangeCommand> held = new ArrayList<>();

    Hosted(RangeStateMachine machine, NodeId leaseholder, Timestamp floor) {
      this.machine = machine;
      this.leaseholder = leaseholder;
      TTInterval now = trueTime.now();
      LeaseholderLimits limits = followers == null ? LeaseholderLimits.defaults()
          : new LeaseholderLimits(10_000, 100_000, followers.closedTsLagMicros());
      this.core = new LeaseholderCore(leaseholder, new LeaseholderStateView(machine), limits,
          now.latestMicros() + LEASE_MICROS, new Succession.Elected(floor.micros()), now);
    }

    RangeDescriptor descriptor() {
      return machine.descriptor();
    }
  }

  /** A request in flight through the channel, answered once (or timed out). */
  final class Call {
    final String label;
    final RangeChannel.Target target;
    final CoordinatorRequest request;
    final boolean point;
    final Consumer<ChannelAnswer<Object>> done;
    boolean answered;
    boolean dropAnswer;

    Call(String label, RangeChannel.Target target, CoordinatorRequest request, boolean point,
        Consumer<ChannelAnswer<Object>> done) {
      this.label = label;
      this.target = target;
      this.request = request;
      this.point = point;
      this.done = done;
    }

    void answer(ChannelAnswer<Object> answer) {
      if (answered) {
        return;
      }
      answered = true;
      trace.add("  " + label + " <- " + show(answer));
      done.accept(answer);
    }
  }

  /** What a fault does to the call it matches. */
  private enum FaultKind { DROP_REQUEST, DROP_ANSWER, REFUSE }

  /** A fault the channel applies once, to the first call whose label it matches. */
  private record Fault(Predicate<String> matches, FaultKind kind) {}

  ClusterHarness(NodeId leaseholder) {
    this(leaseholder, CoordinatorLimits.defaults());
  }

  ClusterHarness(NodeId leaseholder, CoordinatorLimits coordinatorLimits) {
    this(manualLoop(), null, leaseholder, coordinatorLimits, List.of(Key.of(new byte[] {1}), Key.utf8("m")), null);
  }

  /** A cluster on virtual time with follower replicas and follower reads (M7). */
  ClusterHarness(NodeId leaseholder, Followers followers) {
    this(manualLoop(), null, leaseholder, CoordinatorLimits.defaults(), List.of(Key.of(new byte[] {1}), Key.utf8("m")),
        followers);
  }

  ClusterHarness() {
    this(N1);
  }

  /**
   * A cluster on a real loop and clock, for other modules' tests (sql-frontend runs SQL on its
   * client): the meta range, then one range from each of {@code boundaries} (ascending, the first
   * {@code 0x01}) to the next, all led on n1. {@link #split}, {@link #runFor} and faults work only on
   * virtual time; {@link #await} waits on the real loop.
   */
  public static ClusterHarness onLoop(Scheduler loop, TrueTime trueTime, List<Key> boundaries) {
    return new ClusterHarness(loop, trueTime, N1, CoordinatorLimits.defaults(), boundaries, null);
  }

  /** The transaction client of the gateway, on node 1. */
  public GatewayTxnClient client() {
    return client;
  }

  private static ManualScheduler manualLoop() {
    return new ManualScheduler(new ManualClock(START_WALL_MICROS));
  }

  private ClusterHarness(Scheduler loop, TrueTime realTime, NodeId leaseholder, CoordinatorLimits coordinatorLimits,
      List<Key> boundaries, Followers followers) {
    this.followers = followers;
    this.loop = loop;
    this.manual = loop instanceof ManualScheduler m ? m : null;
    this.trueTime = manual != null ? new LocalTrueTime(manual.clock(), LocalTrueTime.Config.defaults()) : realTime;
    List<RangeDescriptor> layout = new ArrayList<>();
    layout.add(new RangeDescriptor(RangeId.META, new KeySpan(Key.EMPTY, boundaries.getFirst()), REPLICAS, 0));
    for (int i = 0; i < boundaries.size(); i++) {
      Key end = i + 1 < boundaries.size() ? boundaries.get(i + 1) : null;
      layout.add(new RangeDescriptor(new RangeId(i + 2), new KeySpan(boundaries.get(i), end), REPLICAS, 0));
    }
    if (manual != null) {
      bootstrap(layout, leaseholder);
    } else {
      // Every range, core and the channel belong to the loop's thread from the first moment.
      CompletableFuture.runAsync(() -> bootstrap(layout, leaseholder), loop).join();
    }
    cache = new RangeCache(layout.getFirst(), DirectoryLimits.defaults());
    FakeChannel channel = new FakeChannel();
    gateway = followers == null
        ? new Gateway(cache, new MetaLookups(cache, DirectoryLimits.defaults()), channel, loop, trueTime,
            GatewayLimits.defaults())
        : new Gateway(cache, new MetaLookups(cache, DirectoryLimits.defaults()), channel, channel,
            followers.localRegion(), loop, trueTime, GatewayLimits.defaults());
    client = new GatewayTxnClient(1, gateway, TxnLimits.defaults(), coordinatorLimits);
  }

  /**
   * Creates the ranges and files every range but the meta range in it: at slots 1 and 2 of the meta
   * range, under a bootstrap lease before any leaseholder's, as a cluster's init does, so the
   * directory is complete before any request (no wait on the loop).
   */
  private void bootstrap(List<RangeDescriptor> layout, NodeId leaseholder) {
    RangeStateMachine meta = RangeStateMachine.bootstrap(store, layout.getFirst());
    List<Write> entries = new ArrayList<>();
    for (RangeDescriptor descriptor : layout.subList(1, layout.size())) {
      MetaLayout.MetaWrite entry = MetaLayout.entry(descriptor);
      entries.add(Write.put(entry.key(), entry.value()));
    }
    Timestamp filedAt = Timestamp.ofMicros(1);
    List<RangeCommand> filing = List.of(new RangeCommand.LeaseStart(RangeId.META, 1, leaseholder, Timestamp.ZERO),
        new RangeCommand.Commit(RangeId.META, 0, 1, new TxnId(99, 0), filedAt, entries));
    for (int i = 0; i < filing.size(); i++) {
      assertThat(meta.apply(i + 1, filing.get(i))).isInstanceOf(ApplyOutcome.Applied.class);
    }
    host(meta, leaseholder, filedAt, layout.getFirst(), filing);
    for (RangeDescriptor descriptor : layout.subList(1, layout.size())) {
      host(RangeStateMachine.bootstrap(store, descriptor), leaseholder, Timestamp.ZERO, descriptor, List.of());
    }
  }

  /**
   * Hosts {@code machine}'s range, led by {@code leaseholder}; with followers, also its replicas on
   * the other nodes: created at {@code initial} (or found in the node's store, after a split) and
   * fed {@code applied}, the commands the leaseholder's replica already applied.
   */
  private Hosted host(RangeStateMachine machine, NodeId leaseholder, Timestamp floor, RangeDescriptor initial,
      List<RangeCommand> applied) {
    Hosted range = new Hosted(machine, leaseholder, floor);
    hosted.put(machine.id(), range);
    if (followers != null) {
      range.log.addAll(applied);
      for (ReplicaDescriptor replica : machine.descriptor().replicas()) {
        NodeId node = replica.node();
        RangeStateMachine copy = machine;
        if (!node.equals(leaseholder)) {
          InMemoryRangeStore own = followerStores.computeIfAbsent(node, n -> new InMemoryRangeStore());
          copy = own.reads().appliedSlot(machine.id().value()).isPresent()
              ? RangeStateMachine.open(own, machine.id()) : RangeStateMachine.bootstrap(own, initial);
        }
        range.replicas.put(node, new Replica(node, copy, new FollowerReads(copy, 1_000, followers.plantedBugs()),
            new HashMap<>()));
      }
      catchUp(range);
    }
    pump(range);
    return range;
  }

  // ---------------------------------------------------------------------------------------------
  // Follower replicas and closed timestamps (M7).

  /** From now on follower replicas apply the log only when {@link #catchUp} is called. */
  void holdFollowers(boolean hold) {
    holdFollowers = hold;
  }

  /** Every follower replica of every range applies the whole log. */
  void catchUpAll() {
    hosted.values().forEach(this::catchUp);
  }

  private void catchUp(Hosted range) {
    for (Replica replica : range.replicas.values()) {
      catchUp(range, replica);
    }
  }

  /** {@code replica} applies the rest of {@code range}'s log, as its Paxos learner would. */
  private void catchUp(Hosted range, Replica replica) {
    RangeStateMachine machine = replica.machine();
    while (machine.appliedSlot() < range.log.size()) {
      long slot = machine.appliedSlot() + 1;
      machine.apply(slot, range.log.get((int) slot - 1));
      for (RequestId released : replica.reads().applied()) {
        replica.waiting().remove(released).run();
      }
    }
  }

  /** Every leaseholder's close cadence: each may propose a CloseTimestamp (applied at once). */
  void closeAll() {
    for (Hosted range : List.copyOf(hosted.values())) {
      range.core.closeTimestamp(trueTime.now());
      pump(range);
    }
  }

  /**
   * A coalesced heartbeat: each leaseholder's {@link ClosedTimestampUpdate}, offered to every replica
   * of its range (taken by those that applied far enough).
   */
  void heartbeat() {
    for (Hosted range : hosted.values()) {
      Optional<ClosedTimestampUpdate> update = range.core.closedTimestampUpdate(trueTime.now());
      update.ifPresent(u -> range.replicas.values().forEach(r -> r.machine().observeClosed(u)));
    }
  }

  /**
   * Every {@code millis} of virtual time from now on: every range closes, and each follower replica
   * catches up with probability {@code catchUpChance} drawn from {@code random} (so replicas lag
   * behind their log by a seeded, varying amount).
   */
  void closeEvery(long millis, RandomSource random, double catchUpChance) {
    requireManual();
    loop.schedule(millis * 1_000_000, () -> {
      closeAll();
      for (Hosted range : List.copyOf(hosted.values())) {
        for (Replica replica : range.replicas.values()) {
          if (random.chance(catchUpChance)) {
            catchUp(range, replica);
          }
        }
      }
      closeEvery(millis, random, catchUpChance);
    });
  }

  /** The node's GC horizon rose to {@code horizon} on every replica (what the GC daemon would report). */
  void raiseGcHorizon(Timestamp horizon) {
    hosted.values().forEach(range -> range.replicas.values().forEach(r -> r.reads().gcHorizonRaised(horizon)));
  }

  // ---------------------------------------------------------------------------------------------
  // Faults and splits.

  /** The first request whose trace label contains {@code what} is lost on the way (never served). */
  void dropRequest(String what) {
    faults.add(new Fault(label -> label.contains(what), FaultKind.DROP_REQUEST));
  }

  /**
   * The first request whose trace label contains {@code what} is refused by its leaseholder as
   * overloaded ({@code RETRY_LATER}: certainly not served), as the core does past its bounds.
   */
  void refuse(String what) {
    faults.add(new Fault(label -> label.contains(what), FaultKind.REFUSE));
  }

  /** The first request whose trace label contains {@code what} is served, but its answer is lost. */
  void dropAnswer(String what) {
    faults.add(new Fault(label -> label.contains(what), FaultKind.DROP_ANSWER));
  }

  /**
   * Splits {@code range} at {@code at} into a new range {@code newRange} (same leaseholder), then
   * files both halves in the meta range in one commit, as a split's directory update does. The
   * gateway's cache is not told.
   */
  void split(RangeId range, String at, RangeId newRange) {
    requireManual();
    // Quiesce first: resolves still in flight (or resent after a timeout) would reach only the left
    // half, and the right half's intents would wait for participant recovery, which this harness
    // does not run. The coordinators resend lost resolves after the request timeout.
    for (int i = 0; i < 600 && hosted.values().stream().anyMatch(r -> !r.machine.prepared().isEmpty()); i++) {
      runFor(100);
    }
    assertThat(hosted.values()).as("ranges with prepared transactions before a split")
        .allMatch(r -> r.machine.prepared().isEmpty());
    Hosted left = hosted.get(range);
    RangeCommand.Split split = new RangeCommand.Split(range, left.descriptor().generation(), Key.utf8(at), newRange);
    ApplyOutcome outcome = apply(left, split);
    // Followers apply the split before the right half is hosted: their stores then hold it.
    catchUp(left);
    assertThat(outcome).isInstanceOf(ApplyOutcome.SplitApplied.class);
    ApplyOutcome.SplitApplied applied = (ApplyOutcome.SplitApplied) outcome;
    // Everything the left leaseholder served or assigned lies at or below this floor (the harness
    // splits only between transactions), as a lease of the right half must start above it.
    LeaseholderCore.Stats stats = left.core.stats();
    Timestamp floor = Timestamp.max(Timestamp.ofMicros(trueTime.now().latestMicros()),
        Timestamp.max(stats.readWatermark(), stats.lastAssigned()));
    host(RangeStateMachine.open(store, applied.right().id()), left.leaseholder, floor, applied.right(), List.of());
    List<Write> entries = new ArrayList<>();
    for (RangeDescriptor half : List.of(applied.left(), applied.right())) {
      MetaLayout.MetaWrite entry = MetaLayout.entry(half);
      entries.add(Write.put(entry.key(), entry.value()));
    }
    metaCommit(entries);
    trace.add("split " + range + " at " + at + ": " + show(applied.left()) + " " + show(applied.right()));
  }

  /** From now on {@code range}'s proposals stay in flight (its Paxos group is slow to choose). */
  void holdProposals(RangeId range) {
    hosted.get(range).holdProposals = true;
  }

  /**
   * {@code range}'s leaseholder loses its lease (deposed) while its held proposals are in flight:
   * the core answers their requests OUTCOME_UNKNOWN, since Paxos may still choose them.
   */
  void loseLease(RangeId range) {
    Hosted lost = hosted.get(range);
    lost.core.leaseLost("deposed");
    pump(lost);
  }

  /** Commits {@code writes} in the meta range through its leaseholder, outside any gateway. */
  private void metaCommit(List<Write> writes) {
    Hosted meta = hosted.get(RangeId.META);
    RequestId id = new RequestId(nextRequest++);
    CompletableFuture<Object> done = new CompletableFuture<>();
    meta.calls.put(id, new Call("meta-commit", new RangeChannel.Target(meta.descriptor(), meta.leaseholder), null,
        false, answer -> done.complete(answer)));
    meta.core.commit(id, new CommitRequest(new TxnId(99, internalTxns++), Timestamp.ofMicros(trueTime.now().latestMicros()),
        List.of(), List.of(), writes), trueTime.now());
    pump(meta);
    assertThat(await(done)).isInstanceOf(ChannelAnswer.Replied.class);
  }

  // ---------------------------------------------------------------------------------------------
  // The range side: a leaseholder core whose proposals apply at once.

  private ApplyOutcome apply(Hosted range, RangeCommand command) {
    long slot = range.machine.appliedSlot() + 1;
    ApplyOutcome outcome = range.machine.apply(slot, command);
    if (followers != null) {
      range.log.add(command);
      if (!holdFollowers) {
        catchUp(range);
      }
    }
    switch (outcome) {
      case ApplyOutcome.Applied applied -> range.core.applied(new LogSlot(slot), command);
      case ApplyOutcome.SplitApplied applied -> range.core.applied(new LogSlot(slot), command);
      case ApplyOutcome.Rejected rejected -> range.core.rejected(new LogSlot(slot), command, rejected.detail());
      case ApplyOutcome.AlreadyApplied again -> throw new AssertionError("slot " + slot + " applied twice");
    }
    return outcome;
  }

  private void pump(Hosted range) {
    while (range.core.hasReady()) {
      LeaseholderReady ready = range.core.ready();
      for (RangeCommand command : ready.proposals()) {
        if (range.holdProposals) {
          range.held.add(command);
        } else {
          apply(range, command);
        }
      }
      for (StorageTask task : ready.storageTasks()) {
        run(range, task);
      }
      for (Reply reply : ready.replies()) {
        Call call = range.calls.remove(reply.request());
        if (call != null) {
          ChannelAnswer<Object> answer = answerOf(range, call, reply);
          if (call.dropAnswer) {
            trace.add("  " + call.label + " answer lost: " + show(answer));
          } else {
            loop.schedule(LATENCY_NANOS, () -> call.answer(answer));
          }
        }
      }
      for (Timestamp deadline : ready.commitWaitDeadlines()) {
        CommitWait.untilAfter(trueTime, loop, deadline.micros()).thenRun(() -> tick(range));
      }
      for (Timestamp deadline : ready.futureReadDeadlines()) {
        long waitMicros = Math.max(1, deadline.micros() - trueTime.now().latestMicros());
        loop.schedule(waitMicros * 1_000, () -> tick(range));
      }
    }
  }

  private void tick(Hosted range) {
    range.core.tick(trueTime.now());
    pump(range);
  }

  private void run(Hosted range, StorageTask task) {
    try (RangeReadView view = range.machine.openReadView()) {
      switch (task) {
        case StorageTask.PointRead read ->
            range.core.readDone(read.id(), view.get(read.key(), read.readTs()).stream().toList());
        case StorageTask.ScanRead scan ->
            range.core.readDone(scan.id(), view.scan(scan.span(), scan.readTs(), scan.direction(), scan.limit()));
        case StorageTask.ValidationScan validation -> {
          Optional<Version> newer = Optional.empty();
          for (KeySpan span : validation.spans()) {
            newer = view.newestAfter(span, validation.readTs());
            if (newer.isPresent()) {
              break;
            }
          }
          range.core.validated(validation.id(), newer);
        }
      }
    } catch (ReadBelowGcHorizonException below) {
      range.core.storageFailed(task.id(), below);
    }
  }

  /** The range host's mapping of a core reply onto the channel's answers. */
  private ChannelAnswer<Object> answerOf(Hosted range, Call call, Reply reply) {
    NodeId from = range.leaseholder;
    return switch (reply) {
      case Reply.ReadResult read -> new ChannelAnswer.Replied<>(from, call.point
          ? (Object) read.versions().stream().findFirst() : (Object) read.versions());
      case Reply.Committed committed -> new ChannelAnswer.Replied<>(from, new ParticipantReply.Committed(committed.commitTs()));
      case Reply.Prepared prepared -> new ChannelAnswer.Replied<>(from, new ParticipantReply.Prepared(prepared.prepareTs()));
      case Reply.Resolved resolved -> new ChannelAnswer.Replied<>(from, new ParticipantReply.Resolved());
      // A follower's strong read (M7): the host hands the slot to the follower replica that asked.
      case Reply.ReadIndex index -> new ChannelAnswer.Replied<>(from, index.appliedSlot());
      case Reply.SplitDone split -> new ChannelAnswer.Replied<>(from, split.split());
      case Reply.TxnStatus status -> new ChannelAnswer.Replied<>(from, status.decision()
          .<ParticipantReply>map(d -> new ParticipantReply.Recorded(d.outcome(), d.commitTs()))
          .orElseGet(() -> new ParticipantReply.Undecided(((CoordinatorRequest.QueryDecision) call.request).expiresAt())));
      case Reply.Refused refused -> switch (refused.refusal().kind()) {
        case NOT_LEASEHOLDER -> new ChannelAnswer.Misrouted<>(new RoutingError.NotLeaseholder(
            range.machine.id(), range.descriptor().generation(), refused.refusal().leaseholderHint()));
        case WRONG_RANGE -> stale(call.target);
        default -> new ChannelAnswer.Refused<>(refused.refusal());
      };
    };
  }

  /** A stale-generation answer with the descriptors that now hold the target's span. */
  private ChannelAnswer<Object> stale(RangeChannel.Target target) {
    List<RangeDescriptor> current = new ArrayList<>();
    for (Hosted range : hosted.values()) {
      if (range.descriptor().span().overlaps(target.range().span())) {
        current.add(range.descriptor());
      }
    }
    return new ChannelAnswer.Misrouted<>(new RoutingError.StaleGeneration(
        target.range().id(), target.range().generation(), current));
  }

  // ---------------------------------------------------------------------------------------------
  // The channel.

  private final class FakeChannel implements RangeChannel, FollowerReadChannel {

    @Override
    public void followerGet(Target target, Key key, Timestamp readTs, boolean strong, long timeoutNanos,
        Consumer<ChannelAnswer<FollowerRead<Optional<Version>>>> done) {
      String label = target.range().id() + "@" + target.node() + (strong ? " strong" : " follower") + "-get "
          + text(key) + " at " + show(readTs);
      Function<RangeReadView, Object> read = view -> view.get(key, readTs);
      if (strong) {
        startStrong(target, label, KeySpan.point(key), readTs, timeoutNanos, cast(done), read);
      } else {
        startAtReplica(target, label, KeySpan.point(key), timeoutNanos, cast(done), (replica, answer) ->
            answer.accept(read(replica, readTs, read)));
      }
    }

    @Override
    public void followerScan(Target target, KeySpan span, Timestamp readTs, boolean strong, Direction direction,
        int maxRows, long timeoutNanos, Consumer<ChannelAnswer<FollowerRead<List<Version>>>> done) {
      String label = target.range().id() + "@" + target.node() + (strong ? " strong" : " follower") + "-scan "
          + show(span) + " at " + show(readTs);
      Function<RangeReadView, Object> read = view -> view.scan(span, readTs, direction, maxRows);
      if (strong) {
        startStrong(target, label, span, readTs, timeoutNanos, cast(done), read);
      } else {
        startAtReplica(target, label, span, timeoutNanos, cast(done),
            (replica, answer) -> answer.accept(read(replica, readTs, read)));
      }
    }

    @Override
    public void safeTime(Target target, long timeoutNanos, Consumer<ChannelAnswer<Timestamp>> done) {
      startAtReplica(target, target.range().id() + "@" + target.node() + " safe-time", null, timeoutNanos, cast(done),
          (replica, answer) -> answer.accept(replica.reads().safeTime()));
    }

    /**
     * What the range host does with a follower's strong read: the replica asks the leaseholder for
     * its applied point over {@code span} (through the same channel, so faults and latency apply),
     * then serves the read once it has applied that slot; "not yet" if the leaseholder could not say.
     */
    private void startStrong(Target target, String label, KeySpan span, Timestamp readTs, long timeoutNanos,
        Consumer<ChannelAnswer<Object>> done, Function<RangeReadView, Object> read) {
      startAtReplica(target, label, span, timeoutNanos, done, (replica, answer) -> {
        Hosted range = hosted.get(target.range().id());
        Target leaseholder = new Target(range.descriptor(), range.leaseholder);
        start(leaseholder, target.range().id() + "@" + range.leaseholder + " read-index for " + target.node(), null,
            false, timeoutNanos, indexed -> {
              if (!(indexed instanceof ChannelAnswer.Replied<Object> replied)
                  || !(replied.value() instanceof LogSlot slot)) {
                answer.accept(new FollowerRead.NotYet<>(replica.reads().safeTime()));
                return;
              }
              RequestId id = new RequestId(nextRequest++);
              Runnable serve = () -> {
                try (RangeReadView view = replica.machine().openReadView()) {
                  answer.accept(new FollowerRead.Served<>(read.apply(view)));
                }
              };
              switch (replica.reads().admitStrong(id, readTs, slot)) {
                case FollowerReads.Admission.Serve now -> serve.run();
                case FollowerReads.Admission.Waiting waiting -> replica.waiting().put(id, serve);
                case FollowerReads.Admission.NotYet notYet -> answer.accept(new FollowerRead.NotYet<>(notYet.safeTime()));
                case FollowerReads.Admission.TooOld old -> answer.accept(new FollowerRead.TooOld<>(old.gcHorizon()));
              }
            }, r -> r.core.readIndex(register(r, leaseholder), span, readTs, trueTime.now()));
      });
    }

    /** What the range host does with a follower read: the replica's admission, then its snapshot. */
    private <T> FollowerRead<T> read(Replica replica, Timestamp readTs, Function<RangeReadView, T> read) {
      return switch (replica.reads().admitStale(readTs)) {
        case FollowerReads.Admission.Serve serve -> {
          try (RangeReadView view = replica.machine().openReadView()) {
            yield new FollowerRead.Served<>(read.apply(view));
          }
        }
        case FollowerReads.Admission.NotYet notYet -> new FollowerRead.NotYet<>(notYet.safeTime());
        case FollowerReads.Admission.TooOld tooOld -> new FollowerRead.TooOld<>(tooOld.gcHorizon());
        case FollowerReads.Admission.Waiting waiting -> throw new AssertionError("a stale read never waits");
      };
    }

    /**
     * Delivers a request to the replica of {@code target}'s range on {@code target.node()}, after
     * the latency, and answers what {@code serve} returns, or the routing answer if the node holds
     * no replica of the range, or {@code span} is outside the replica's span now.
     */
    private void startAtReplica(Target target, String label, KeySpan span, long timeoutNanos,
        Consumer<ChannelAnswer<Object>> done, java.util.function.BiConsumer<Replica, Consumer<Object>> serve) {
      Call call = new Call(label, target, null, false, done);
      trace.add(label);
      loop.schedule(timeoutNanos, () -> call.answer(new ChannelAnswer.TimedOut<>()));
      loop.schedule(LATENCY_NANOS, () -> {
        Hosted range = hosted.get(target.range().id());
        Replica replica = range == null ? null : range.replicas.get(target.node());
        ChannelAnswer<Object> refusal = null;
        if (replica == null) {
          refusal = new ChannelAnswer.Misrouted<>(new RoutingError.RangeNotFound(target.range().id(),
              target.range().generation()));
        } else if (span != null && !within(span, replica.machine().descriptor().span())) {
          refusal = stale(target);
        }
        if (refusal != null) {
          ChannelAnswer<Object> answer = refusal;
          loop.schedule(LATENCY_NANOS, () -> call.answer(answer));
          return;
        }
        serve.accept(replica, value -> loop.schedule(LATENCY_NANOS,
            () -> call.answer(new ChannelAnswer.Replied<>(target.node(), value))));
      });
    }

    @Override
    public void send(Target target, CoordinatorRequest request, long timeoutNanos,
        Consumer<ChannelAnswer<ParticipantReply>> done) {
      start(target, label(target, request), request, false, timeoutNanos, cast(done), range -> {
        RequestId id = register(range, target);
        TTInterval now = trueTime.now();
        switch (request) {
          case CoordinatorRequest.CommitOnePhase c -> range.core.commit(id,
              new CommitRequest(c.txn(), c.readTs(), c.readKeys(), c.readSpans(), c.writes()), now);
          case CoordinatorRequest.Prepare p -> range.core.prepare(id,
              new CommitRequest(p.txn(), p.readTs(), p.readKeys(), p.readSpans(), p.writes()), p.coordinatorRange(), now);
          case CoordinatorRequest.RecordDecision d ->
              range.core.recordDecision(id, d.txn(), d.outcome(), d.commitTs(), d.participants());
          case CoordinatorRequest.Resolve r -> range.core.resolve(id, r.txn(), r.outcome(), r.commitTs());
          case CoordinatorRequest.QueryDecision q ->
              range.core.txnStatus(id, q.txn(), now.earliestMicros() > q.expiresAt().micros());
        }
      });
    }

    @Override
    public void get(Target target, Key key, Timestamp readTs, long timeoutNanos,
        Consumer<ChannelAnswer<Optional<Version>>> done) {
      start(target, target.range().id() + "@" + target.node() + " get " + text(key), null, true, timeoutNanos,
          cast(done), range -> range.core.get(register(range, target), key, readTs, trueTime.now()));
    }

    @Override
    public void scan(Target target, KeySpan span, Timestamp readTs, Direction direction, int maxRows,
        long timeoutNanos, Consumer<ChannelAnswer<List<Version>>> done) {
      String label = target.range().id() + "@" + target.node() + " scan " + show(span)
          + (direction == Direction.REVERSE ? " reverse" : "") + " max " + maxRows;
      start(target, label, null, false, timeoutNanos, cast(done),
          range -> range.core.scan(register(range, target), span, readTs, direction, maxRows, trueTime.now()));
    }

    @SuppressWarnings("unchecked")
    private <T> Consumer<ChannelAnswer<Object>> cast(Consumer<ChannelAnswer<T>> done) {
      return answer -> done.accept((ChannelAnswer<T>) (ChannelAnswer<?>) answer);
    }

    private Call current;

    private RequestId register(Hosted range, Target target) {
      RequestId id = new RequestId(nextRequest++);
      range.calls.put(id, current);
      return id;
    }

    private void start(Target target, String label, CoordinatorRequest request, boolean point, long timeoutNanos,
        Consumer<ChannelAnswer<Object>> done, Consumer<Hosted> serve) {
      Call call = new Call(label, target, request, point, done);
      trace.add(label);
      loop.schedule(timeoutNanos, () -> call.answer(new ChannelAnswer.TimedOut<>()));
      Fault fault = null;
      for (Fault f : faults) {
        if (f.matches().test(label)) {
          fault = f;
          break;
        }
      }
      if (fault != null) {
        faults.remove(fault);
        switch (fault.kind()) {
          case DROP_REQUEST -> {
            trace.add("  " + label + " request lost");
            return;
          }
          case REFUSE -> {
            Refusal overloaded = new Refusal(Refusal.Kind.RETRY_LATER, "the leaseholder is overloaded", null, null, null);
            loop.schedule(LATENCY_NANOS, () -> call.answer(new ChannelAnswer.Refused<>(overloaded)));
            return;
          }
          case DROP_ANSWER -> call.dropAnswer = true;
        }
      }
      loop.schedule(LATENCY_NANOS, () -> deliver(call, serve));
    }

    private void deliver(Call call, Consumer<Hosted> serve) {
      RangeDescriptor target = call.target.range();
      Hosted range = hosted.get(target.id());
      ChannelAnswer<Object> refusal = null;
      if (range == null) {
        refusal = new ChannelAnswer.Misrouted<>(new RoutingError.RangeNotFound(target.id(), target.generation()));
      } else if (!call.target.node().equals(range.leaseholder)) {
        refusal = new ChannelAnswer.Misrouted<>(new RoutingError.NotLeaseholder(
            target.id(), range.descriptor().generation(), range.leaseholder));
      } else if (generationOf(call.request) >= 0 && generationOf(call.request) != range.descriptor().generation()) {
        refusal = stale(call.target);
      }
      if (refusal != null) {
        ChannelAnswer<Object> answer = refusal;
        loop.schedule(LATENCY_NANOS, () -> call.answer(answer));
        return;
      }
      current = call;
      serve.accept(range);
      current = null;
      pump(range);
    }
  }

  private static boolean within(KeySpan inner, KeySpan outer) {
    boolean startInside = inner.start().compareTo(outer.start()) >= 0;
    boolean endInside = outer.end() == null || (inner.end() != null && inner.end().compareTo(outer.end()) <= 0);
    return startInside && endInside;
  }

  private static long generationOf(CoordinatorRequest request) {
    return switch (request) {
      case CoordinatorRequest.CommitOnePhase c -> c.generation();
      case CoordinatorRequest.Prepare p -> p.generation();
      case null, default -> -1;
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Driving and showing.

  /** Runs the loop (moving virtual time as needed) until {@code future} is done; returns its value. */
  <T> T await(CompletableFuture<T> future) {
    if (manual == null) {
      try {
        return future.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException runtime ? runtime : new CompletionException(e.getCause());
      } catch (InterruptedException | TimeoutException e) {
        throw new AssertionError("the future did not complete on the real loop", e);
      }
    }
    int steps = 0;
    while (!future.isDone()) {
      assertThat(manual.runNext()).as("loop ran dry before the future completed").isTrue();
      assertThat(++steps).as("future did not complete within 1e6 loop steps").isLessThan(1_000_000);
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }

  /** The failure of {@code future} once the loop has run it to completion. */
  Throwable awaitFailure(CompletableFuture<?> future) {
    try {
      await(future);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected the future to fail, but it completed normally");
  }

  /** Runs every task due in the next {@code millis} of virtual time (background resolves, timers). */
  void runFor(long millis) {
    requireManual();
    manual.advanceNanos(millis * 1_000_000);
  }

  private void requireManual() {
    if (manual == null) {
      throw new UnsupportedOperationException("only on virtual time");
    }
  }

  static Key key(String text) {
    return Key.utf8(text);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static String text(Key key) {
    if (key == null) {
      return "";
    }
    byte[] bytes = key.toByteArray();
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        return key.toString();
      }
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** A timestamp as {@code +ms} since the cluster's start, to the microsecond. */
  static String show(Timestamp ts) {
    if (ts.micros() < START_WALL_MICROS) {
      return ts.toString();
    }
    long micros = ts.micros() - START_WALL_MICROS;
    return String.format("+%d.%03dms", micros / 1000, micros % 1000);
  }

  static String show(KeySpan span) {
    return "[" + text(span.start()) + "," + text(span.end()) + ")";
  }

  static String show(RangeDescriptor range) {
    return range.id() + show(range.span()) + "g" + range.generation();
  }

  private static String label(RangeChannel.Target target, CoordinatorRequest request) {
    String what = switch (request) {
      case CoordinatorRequest.CommitOnePhase c -> "commit-one-phase " + c.txn() + " g" + c.generation()
          + " writes " + c.writes().stream().map(w -> text(w.key())).toList();
      case CoordinatorRequest.Prepare p -> "prepare " + p.txn() + " g" + p.generation()
          + " writes " + p.writes().stream().map(w -> text(w.key())).toList() + " coord " + p.coordinatorRange();
      case CoordinatorRequest.RecordDecision d -> "record " + d.txn() + " " + d.outcome();
      case CoordinatorRequest.Resolve r -> "resolve " + r.txn() + " " + r.outcome();
      case CoordinatorRequest.QueryDecision q -> "query " + q.txn();
    };
    return target.range().id() + "@" + target.node() + " " + what;
  }

  private static String show(ChannelAnswer<?> answer) {
    return switch (answer) {
      case ChannelAnswer.Replied<?> replied -> switch (replied.value()) {
        case ParticipantReply.Committed committed -> "Committed at " + show(committed.commitTs());
        case ParticipantReply.Prepared prepared -> "Prepared at " + show(prepared.prepareTs());
        case ParticipantReply.Recorded recorded -> "Recorded " + recorded.outcome()
            + (recorded.commitTs() == null ? "" : " at " + show(recorded.commitTs()));
        case ParticipantReply.Conflict conflict -> "Conflict on " + text(conflict.key());
        case ParticipantReply reply -> reply.getClass().getSimpleName();
        case Optional<?> version -> version.isPresent() ? "version" : "none";
        case FollowerRead.Served<?> served -> "served " + switch (served.value()) {
          case Optional<?> version -> version.isPresent() ? "version" : "none";
          case List<?> rows -> rows.size() + " rows";
          default -> served.value().toString();
        };
        case FollowerRead.NotYet<?> notYet -> "not yet, safe time " + show(notYet.safeTime());
        case FollowerRead.TooOld<?> tooOld -> "too old, GC horizon " + show(tooOld.gcHorizon());
        case Timestamp safe -> "safe time " + show(safe);
        case LogSlot slot -> "applied " + slot;
        case List<?> rows -> rows.size() + " rows";
        default -> replied.value().toString();
      };
      case ChannelAnswer.Misrouted<?> misrouted -> switch (misrouted.error()) {
        case RoutingError.NotLeaseholder n -> "not-leaseholder hint " + n.hint();
        case RoutingError.RangeNotFound n -> "range-not-found";
        case RoutingError.StaleGeneration s -> "stale-generation " + s.current().stream().map(ClusterHarness::show).toList();
      };
      case ChannelAnswer.Refused<?> refused -> "refused " + refused.refusal().kind();
      case ChannelAnswer.NotDelivered<?> notDelivered -> "not delivered";
      case ChannelAnswer.TimedOut<?> timedOut -> "timed out";
    };
  }
}
