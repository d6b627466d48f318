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
  private long nextRequest = 1;
  private long internalTxns = 1;

  /** One hosted range: its state machine and its leaseholder's core. */
  final class Hosted {
    final RangeStateMachine machine;
    final NodeId leaseholder;
    LeaseholderCore core;
    final Map<RequestId, Call> calls = new HashMap<>();
    /** Proposals held back from the log (Paxos slow): they stay in flight until released. */
    boolean holdProposals;
    final List<RangeCommand> held = new ArrayList<>();

    Hosted(RangeStateMachine machine, NodeId leaseholder, Timestamp floor) {
      this.machine = machine;
      this.leaseholder = leaseholder;
      TTInterval now = trueTime.now();
      this.core = new LeaseholderCore(leaseholder, new LeaseholderStateView(machine), LeaseholderLimits.defaults(),
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
    this(manualLoop(), null, leaseholder, coordinatorLimits, List.of(Key.of(new byte[] {1}), Key.utf8("m")));
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
    return new ClusterHarness(loop, trueTime, N1, CoordinatorLimits.defaults(), boundaries);
  }

  /** The transaction client of the gateway, on node 1. */
  public GatewayTxnClient client() {
    return client;
  }

  private static ManualScheduler manualLoop() {
    return new ManualScheduler(new ManualClock(START_WALL_MICROS));
  }

  private ClusterHarness(Scheduler loop, TrueTime realTime, NodeId leaseholder, CoordinatorLimits coordinatorLimits,
      List<Key> boundaries) {
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
    gateway = new Gateway(cache, new MetaLookups(cache, DirectoryLimits.defaults()), new FakeChannel(), loop,
        trueTime, GatewayLimits.defaults());
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
    assertThat(meta.apply(1, new RangeCommand.LeaseStart(RangeId.META, 1, leaseholder, Timestamp.ZERO)))
        .isInstanceOf(ApplyOutcome.Applied.class);
    assertThat(meta.apply(2, new RangeCommand.Commit(RangeId.META, 0, 1, new TxnId(99, 0), filedAt, entries)))
        .isInstanceOf(ApplyOutcome.Applied.class);
    host(meta, leaseholder, filedAt);
    for (RangeDescriptor descriptor : layout.subList(1, layout.size())) {
      host(RangeStateMachine.bootstrap(store, descriptor), leaseholder, Timestamp.ZERO);
    }
  }

  private Hosted host(RangeStateMachine machine, NodeId leaseholder, Timestamp floor) {
    Hosted range = new Hosted(machine, leaseholder, floor);
    hosted.put(machine.id(), range);
    pump(range);
    return range;
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
    assertThat(outcome).isInstanceOf(ApplyOutcome.SplitApplied.class);
    ApplyOutcome.SplitApplied applied = (ApplyOutcome.SplitApplied) outcome;
    // Everything the left leaseholder served or assigned lies at or below this floor (the harness
    // splits only between transactions), as a lease of the right half must start above it.
    LeaseholderCore.Stats stats = left.core.stats();
    Timestamp floor = Timestamp.max(Timestamp.ofMicros(trueTime.now().latestMicros()),
        Timestamp.max(stats.readWatermark(), stats.lastAssigned()));
    host(RangeStateMachine.open(store, applied.right().id()), left.leaseholder, floor);
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

  private final class FakeChannel implements RangeChannel {

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
