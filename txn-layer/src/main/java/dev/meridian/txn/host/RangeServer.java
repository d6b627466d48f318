package dev.meridian.txn.host;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.replica.Options;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.Scheduler;
import dev.meridian.runtime.rpc.Responder;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.leaseholder.LeaseholderLimits;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.Refusal;
import dev.meridian.txn.leaseholder.Reply;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.range.CommitRequest;
import dev.meridian.txn.range.state.ApplyOutcome;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.wire.FollowerReadMessages;
import dev.meridian.txn.wire.ParticipantAnswer;
import dev.meridian.txn.wire.RangeRequests;
import dev.meridian.txn.wire.SnapshotReads;
import dev.meridian.txn.wire.SplitRequests;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The ranges one node hosts: one replica per range, each a Paxos group of the node's one {@link
 * PaxosDriver} ({@link GroupId} = range id) with a {@link HostedRangeMachine} over the node's one
 * {@link RangeStore} and a {@link LeaseholderHost}; and the serving side of every {@link
 * RangeRequests} type on the node's {@link Rpc} endpoint, dispatching by {@link RangeId}.
 *
 * <p>Everything runs on the node's loop (the driver's and the endpoint's scheduler must be the same
 * loop): handlers, replicas, answers. Answers to requests are application answers, sent with {@code
 * Responder.ok}, including refusals: a {@link ParticipantReply.Redirect} or {@link
 * SnapshotReads.Refused} says nothing was done, {@link ParticipantReply.OutcomeUnknown} that a
 * proposal may still be chosen. A request whose caller stopped waiting before it reached a replica is
 * rejected unrun.
 */
public final class RangeServer {

  /**
   * @param snapshotChunkBytes most bytes of one range snapshot chunk (at most the driver's {@code
   *     SnapshotLimits.chunkBytes})
   * @param maxTrueTimeWidthMicros the widest TrueTime interval ({@code latest - earliest}) any node
   *     of the cluster hands out (twice the cluster's max epsilon: a node fences itself beyond it).
   *     A leader that got its leadership by transfer starts its timestamps this far above its own
   *     {@code now.latest}, which is above everything the previous holder can have read ({@link
   *     LeaseholderHost}'s invariant 2).
   */
  public record Config(Options paxos, LeaseholderLimits leaseholder, int snapshotChunkBytes,
      long maxTrueTimeWidthMicros) {
    public Config {
      if (leaseholder.leaseEndMarginMicros() >= paxos.leaseDurationMicros()) {
        // Every commit would fall inside the margin: the leaseholder could never assign a timestamp.
        throw new IllegalArgumentException("the leaseholder's lease-end margin of " + leaseholder.leaseEndMarginMicros()
            + " us is not below the lease of " + paxos.leaseDurationMicros() + " us");
      }
    }
  }

  private final NodeId self;
  private final PaxosDriver driver;
  private final RangeStore store;
  private final Scheduler loop;
  private final TrueTime trueTime;
  private final Executor storageExecutor;
  private final Config config;
  private final Map<RangeId, LeaseholderHost> replicas = new LinkedHashMap<>();
  private final List<Consumer<RangeDescriptor>> splitListeners = new ArrayList<>();
  private long splitsHosted;
  private final Rpc rpc;
  private final FollowerReadLimits followerLimits;
  private final ClosedTimestamps closing;
  private LongConsumer commitWaits = waitedNanos -> {};

  public RangeServer(NodeId self, Rpc rpc, PaxosDriver driver, RangeStore store, Scheduler loop, TrueTime trueTime,
      Executor storageExecutor, Config config) {
    this(self, rpc, driver, store, loop, trueTime, storageExecutor, config, FollowerReadLimits.defaults());
  }

  /**
   * As above, with reads from any replica bounded by {@code followerLimits} (M7): the close cadence
   * starts with the first hosted range, and the follower request types are served.
   */
  public RangeServer(NodeId self, Rpc rpc, PaxosDriver driver, RangeStore store, Scheduler loop, TrueTime trueTime,
      Executor storageExecutor, Config config, FollowerReadLimits followerLimits) {
    this.rpc = rpc;
    this.followerLimits = followerLimits;
    this.closing = new ClosedTimestamps(self, rpc, loop, trueTime, followerLimits, replicas);
    this.self = self;
    this.driver = driver;
    this.store = store;
    this.loop = loop;
    this.trueTime = trueTime;
    this.storageExecutor = storageExecutor;
    this.config = config;
    rpc.register(RangeRequests.GET, (get, r) -> withReplica(get.range(), r, readRefusal(r), replica -> {
      if (stale(replica, get.generation())) {
        r.ok(new SnapshotReads.Refused(SnapshotReads.Redirect.STALE_DESCRIPTOR, null, "generation " + get.generation()
            + " is older than range " + get.range() + "'s " + generation(replica)));
        return;
      }
      replica.get(get.key(), get.readTs(), reply -> r.ok(readAnswer(reply)));
    }));
    rpc.register(RangeRequests.SCAN, (scan, r) -> withReplica(scan.range(), r, readRefusal(r), replica -> {
      if (stale(replica, scan.generation())) {
        r.ok(new SnapshotReads.Refused(SnapshotReads.Redirect.STALE_DESCRIPTOR, null, "generation " + scan.generation()
            + " is older than range " + scan.range() + "'s " + generation(replica)));
        return;
      }
      replica.scan(scan.span(), scan.readTs(), scan.direction(), scan.limit(), reply -> r.ok(readAnswer(reply)));
    }));
    rpc.register(RangeRequests.COMMIT_ONE_PHASE, (c, r) -> withReplica(c.range(), r, answerRefusal(r), replica -> {
      if (stale(replica, c.generation())) {
        r.ok(ParticipantAnswer.of(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION)));
        return;
      }
      replica.commit(new CommitRequest(c.txn(), c.readTs(), c.readKeys(), c.readSpans(), c.writes()),
          reply -> r.ok(participantAnswer(c, reply)));
    }));
    rpc.register(RangeRequests.PREPARE, (p, r) -> withReplica(p.range(), r, answerRefusal(r), replica -> {
      if (stale(replica, p.generation())) {
        r.ok(ParticipantAnswer.of(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION)));
        return;
      }
      replica.prepare(new CommitRequest(p.txn(), p.readTs(), p.readKeys(), p.readSpans(), p.writes()),
          p.coordinatorRange(), reply -> r.ok(participantAnswer(p, reply)));
    }));
    rpc.register(RangeRequests.RECORD_DECISION, (d, r) -> withReplica(d.range(), r, answerRefusal(r), replica ->
        replica.recordDecision(d.txn(), d.outcome(), d.commitTs(), d.participants(),
            reply -> r.ok(participantAnswer(d, reply)))));
    rpc.register(RangeRequests.RESOLVE, (res, r) -> withReplica(res.range(), r, answerRefusal(r), replica ->
        replica.resolve(res.txn(), res.outcome(), res.commitTs(), reply -> r.ok(participantAnswer(res, reply)))));
    rpc.register(SplitRequests.SPLIT, (q, r) -> withReplica(q.range(), r,
        why -> r.ok(new SplitRequests.Refused(SnapshotReads.Redirect.RANGE_NOT_FOUND, null, why)),
        replica -> split(replica, q, r)));
    rpc.register(RangeRequests.QUERY_DECISION, (q, r) -> withReplica(q.range(), r, answerRefusal(r), replica ->
        replica.txnStatus(q.txn(), expired(q.expiresAt()), reply -> r.ok(participantAnswer(q, reply)))));
    registerFollowerReads(rpc);
  }

  public NodeId self() {
    return self;
  }

  /**
   * {@code listener} is told (on the loop) of every range this node starts to host because one of
   * its replicas applied a split: the right-hand range's descriptor, before it is hosted.
   */
  public void onSplitHosted(Consumer<RangeDescriptor> listener) {
    splitListeners.add(listener);
  }

  /**
   * Hosts this node's replica of {@code descriptor}'s range: from what the store holds, or, for a
   * range the store does not hold yet, a new one at slot 0 (its group's first voters are the
   * descriptor's voters). Completes once the replica runs. Call on the loop.
   */
  public CompletableFuture<Void> host(RangeDescriptor descriptor) {
    return host(descriptor, List.of());
  }

  /**
   * As {@link #host(RangeDescriptor)}; a range the store does not hold yet starts with {@code
   * initial} written at {@link MetaLayout#BOOTSTRAP_TS}: for the meta range of a new cluster, {@link
   * MetaLayout#bootstrapEntries} of the bootstrap layout, the same on every replica (the meta range
   * then answers lookups from its first lease on). Ignored for a range the store already holds.
   */
  public CompletableFuture<Void> host(RangeDescriptor descriptor, List<Write> initial) {
    Invariants.require(loop.inLoop(), "ranges are hosted on the node's loop");
    RangeId id = descriptor.id();
    if (replicas.containsKey(id)) {
      throw new IllegalStateException("range " + id + " is already hosted on " + self);
    }
    if (store.reads().appliedSlot(id.value()).isEmpty()) {
      RangeStateMachine.bootstrap(store, descriptor, initial, MetaLayout.BOOTSTRAP_TS);
    }
    return hostStored(id);
  }

  /**
   * Hosts this node's replica of range {@code id} from what the store holds (after a restart, the
   * ranges splits created here); the group's first voters are the stored descriptor's. Call on the
   * loop.
   *
   * @throws IllegalStateException if the store does not hold range {@code id}, or it is hosted already
   */
  public CompletableFuture<Void> hostStored(RangeId id) {
    Invariants.require(loop.inLoop(), "ranges are hosted on the node's loop");
    if (replicas.containsKey(id)) {
      throw new IllegalStateException("range " + id + " is already hosted on " + self);
    }
    HostedRangeMachine machine = new HostedRangeMachine(store, id, config.snapshotChunkBytes());
    RangeDescriptor descriptor = machine.machine().descriptor();
    machine.setSplitListener(this::splitApplied);
    GroupId group = groupOf(id);
    LeaseholderHost host = new LeaseholderHost(self, machine, driver, group, loop, trueTime, storageExecutor,
        config.leaseholder(), config.maxTrueTimeWidthMicros(), followerLimits);
    host.onCommitWait(waitedNanos -> commitWaits.accept(waitedNanos));
    replicas.put(id, host);
    closing.start();
    List<NodeId> voters = new ArrayList<>();
    for (ReplicaDescriptor replica : descriptor.replicas()) {
      if (replica.role() == ReplicaRole.VOTER) {
        voters.add(replica.node());
      }
    }
    return driver.host(group, config.paxos(), new Membership(voters, List.of()), machine);
  }

  /**
   * {@code listener} hears, on the loop, how long each commit wait of a replica here took (the
   * node's commit-wait metric). Call on the loop.
   */
  public void onCommitWait(LongConsumer listener) {
    this.commitWaits = listener;
  }

  /** Ranges this node started to host because a replica of it applied a split. */
  public long splitsHosted() {
    return splitsHosted;
  }

  // ---------------------------------------------------------------------------------------------
  // Splits (DESIGN §7: a command in the range's own log; the directory update is the caller's,
  // gateway.Gateway#split).

  /**
   * A replica here applied a split: host the right-hand range as a new Paxos group with the same
   * voters, from the state the split wrote in the store (slot 0, the inherited data and the lease
   * floor of {@code RangeCommand.Split}). Every replica that applies the split does the same, so
   * the new group's voters start together; one that never applies it (it received a snapshot of the
   * left from after the split) does not host the right range (see the README's "not yet").
   */
  private void splitApplied(ApplyOutcome.SplitApplied split) {
    RangeDescriptor right = split.right();
    // Not inside the driver's apply: hosting a group from within another group's apply would
    // re-enter the driver.
    loop.execute(() -> {
      if (replicas.containsKey(right.id())) {
        return;
      }
      splitsHosted++;
      splitListeners.forEach(listener -> listener.accept(right));
      hostStored(right.id()).whenComplete((v, error) -> {
        if (error != null) {
          loop.execute(() -> {
            throw new IllegalStateException(self + " could not host " + right + " after its split", error);
          });
        }
      });
    });
  }

  private void split(LeaseholderHost replica, SplitRequests.Split request, Responder<SplitRequests.Answer> responder) {
    long generation = generation(replica);
    if (request.generation() != generation) {
      responder.ok(new SplitRequests.Refused(SnapshotReads.Redirect.STALE_DESCRIPTOR, null, "the split of "
          + request.range() + " was planned at generation " + request.generation() + ", the range is at " + generation));
      return;
    }
    if (replicas.containsKey(request.newRange()) || store.reads().appliedSlot(request.newRange().value()).isPresent()) {
      responder.ok(new SplitRequests.Refused(SnapshotReads.Redirect.RETRY_LATER, null, "range id "
          + request.newRange() + " is taken on " + self + "; allocate another"));
      return;
    }
    replica.split(request.splitKey(), request.newRange(), reply -> responder.ok(splitAnswer(reply)));
  }

  private SplitRequests.Answer splitAnswer(Reply reply) {
    return switch (reply) {
      case Reply.SplitDone done -> new SplitRequests.Done(
          RangeStateMachine.open(store, done.split().range()).descriptor(),
          RangeStateMachine.open(store, done.split().newRange()).descriptor());
      case Reply.Refused refused when refused.refusal().kind() == Refusal.Kind.OUTCOME_UNKNOWN ->
          new SplitRequests.Unknown(refused.refusal().message());
      case Reply.Refused refused -> {
        SnapshotReads.Refused read = (SnapshotReads.Refused) readAnswer(refused);
        yield new SplitRequests.Refused(read.redirect(), read.leaseholderHint(), read.why());
      }
      default -> throw new IllegalStateException("a split answered " + reply);
    };
  }

  public static GroupId groupOf(RangeId range) {
    return new GroupId(range.value());
  }

  /** The replica of {@code range} here, or null. */
  public LeaseholderHost replica(RangeId range) {
    return replicas.get(range);
  }

  public Map<RangeId, LeaseholderHost> replicas() {
    return Collections.unmodifiableMap(replicas);
  }

  // ---------------------------------------------------------------------------------------------
  // Reads from any replica (M7).

  /**
   * The follower request types: a follower get or scan, stale (served iff the replica's safe time
   * covers it) or strong (through the leaseholder's ReadIndex, then served here once this replica
   * applied that slot, waiting at most {@link FollowerReadLimits#maxStrongWaitMicros} and the
   * caller's deadline); a safe-time query; and the ReadIndex a replica asks of the leaseholder. A
   * read this replica cannot serve is answered {@link FollowerReadMessages.NotYet} with the reason,
   * and the gateway reads at the leaseholder.
   */
  private void registerFollowerReads(Rpc rpc) {
    rpc.register(RangeRequests.FOLLOWER_GET, (get, r) -> withReplica(get.range(), r, followerRefusal(r), replica -> {
      if (!followerRoutable(replica, get.generation(), KeySpan.point(get.key()), r)) {
        return;
      }
      followerRead(replica, FollowerReplica.Read.get(get.key(), get.readTs()), get.strong(), r);
    }));
    rpc.register(RangeRequests.FOLLOWER_SCAN, (scan, r) -> withReplica(scan.range(), r, followerRefusal(r), replica -> {
      if (!followerRoutable(replica, scan.generation(), scan.span(), r)) {
        return;
      }
      followerRead(replica, FollowerReplica.Read.scan(scan.span(), scan.readTs(), scan.direction(), scan.limit()),
          scan.strong(), r);
    }));
    rpc.register(RangeRequests.SAFE_TIME, (q, r) -> withReplica(q.range(), r, followerRefusal(r), replica -> {
      if (followerRoutable(replica, q.generation(), null, r)) {
        r.ok(new FollowerReadMessages.SafeTime(replica.followers().safeTime()));
      }
    }));
    rpc.register(RangeRequests.READ_INDEX, (q, r) -> withReplica(q.range(), r, followerRefusal(r), replica -> {
      if (followerRoutable(replica, q.generation(), null, r)) {
        replica.readIndex(q.span(), q.readTs(), reply -> r.ok(indexAnswer(reply)));
      }
    }));
  }

  private void followerRead(LeaseholderHost replica, FollowerReplica.Read read, boolean strong,
      Responder<FollowerReadMessages.Answer> r) {
    if (!strong) {
      replica.followers().stale(read, r::ok);
      return;
    }
    // Answer within three quarters of the caller's budget, so that "not yet" reaches it before it
    // gives up (and resends, which would only wait again).
    long budgetNanos = Math.max(1, r.deadlineNanos() - loop.nowNanos());
    long waitNanos = Math.max(1, Math.min(budgetNanos - budgetNanos / 4, followerLimits.maxStrongWaitMicros() * 1_000));
    long answerByNanos = loop.nowNanos() + waitNanos;
    Consumer<FollowerReadMessages.Answer> indexed = answer -> {
      if (answer instanceof FollowerReadMessages.Indexed slot) {
        replica.followers().strong(read, new LogSlot(slot.slot()), answerByNanos - loop.nowNanos(), r::ok);
      } else {
        r.ok(new FollowerReadMessages.NotYet(replica.followers().safeTime(),
            "the leaseholder of range " + replica.range() + " named no applied point (" + describe(answer)
                + "); read at the leaseholder"));
      }
    };
    if (replica.serving()) {
      replica.readIndex(read.span(), read.readTs(), reply -> indexed.accept(indexAnswer(reply)));
      return;
    }
    NodeId leaseholder = replica.leaderHint();
    if (leaseholder == null || leaseholder.equals(self)) {
      indexed.accept(new FollowerReadMessages.Refused(SnapshotReads.Redirect.NOT_LEASEHOLDER, null,
          "no leaseholder of range " + replica.range() + " is known on " + self));
      return;
    }
    var request = new FollowerReadMessages.ReadIndexRequest(replica.range(), generation(replica), read.span(),
        read.readTs());
    rpc.call(leaseholder, RangeRequests.READ_INDEX, request, waitNanos, reply -> indexed.accept(switch (reply) {
      case dev.meridian.runtime.rpc.Reply.Ok<FollowerReadMessages.Answer> ok -> ok.value();
      case dev.meridian.runtime.rpc.Reply.Failed<FollowerReadMessages.Answer> failed -> new FollowerReadMessages.Refused(
          SnapshotReads.Redirect.RETRY_LATER, leaseholder, "the ReadIndex at " + leaseholder + " failed: " + failed.error());
    }));
  }

  private static String describe(FollowerReadMessages.Answer answer) {
    return answer instanceof FollowerReadMessages.Refused refused ? refused.redirect() + ": " + refused.why()
        : answer.toString();
  }

  /** Whether a follower request of {@code generation} over {@code span} (null: none) may go on here; answers it if not. */
  private static boolean followerRoutable(LeaseholderHost replica, long generation, KeySpan span,
      Responder<FollowerReadMessages.Answer> r) {
    if (stale(replica, generation)) {
      r.ok(new FollowerReadMessages.Refused(SnapshotReads.Redirect.STALE_DESCRIPTOR, null, "generation " + generation
          + " is older than range " + replica.range() + "'s " + generation(replica)));
      return false;
    }
    KeySpan own = replica.machine().machine().descriptor().span();
    if (span != null && !within(span, own)) {
      r.ok(new FollowerReadMessages.Refused(SnapshotReads.Redirect.STALE_DESCRIPTOR, null,
          span + " is not inside range " + replica.range() + "'s span " + own));
      return false;
    }
    return true;
  }

  private static boolean within(KeySpan inner, KeySpan outer) {
    boolean startInside = inner.start().compareTo(outer.start()) >= 0;
    boolean endInside = outer.end() == null || (inner.end() != null && inner.end().compareTo(outer.end()) <= 0);
    return startInside && endInside;
  }

  private static Consumer<String> followerRefusal(Responder<FollowerReadMessages.Answer> responder) {
    return why -> responder.ok(new FollowerReadMessages.Refused(SnapshotReads.Redirect.RANGE_NOT_FOUND, null, why));
  }

  /** The wire answer for the core's answer to a ReadIndex. */
  static FollowerReadMessages.Answer indexAnswer(Reply reply) {
    return switch (reply) {
      case Reply.ReadIndex index -> new FollowerReadMessages.Indexed(index.appliedSlot().value());
      case Reply.Refused refused -> {
        SnapshotReads.Refused read = (SnapshotReads.Refused) readAnswer(refused);
        yield new FollowerReadMessages.Refused(read.redirect(), read.leaseholderHint(), read.why());
      }
      default -> throw new IllegalStateException("a ReadIndex answered " + reply);
    };
  }

  /** The node's GC horizon rose: every replica here refuses follower reads below it. */
  public void gcHorizonRaised(Timestamp horizon) {
    replicas.values().forEach(replica -> replica.gcHorizonRaised(horizon));
  }

  /** Stops the close cadence (the node is shutting down). Call on the loop. */
  public void close() {
    closing.stop();
  }

  /**
   * What the host reports for metrics: per hosted range its follower-read and closing counters and
   * its closed-timestamp lag behind {@code nowMicros} (the caller's clock: {@code now.latest}), and
   * the node's closed-timestamp batches.
   */
  public record Stats(Map<RangeId, LeaseholderHost.FollowerStats> ranges, long closeBeats, long closedBatchesSent,
      long closedBatchesReceived, long closedBatchesMalformed) {
    public Stats {
      ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }
  }

  /** The host's stats now; call on the loop. */
  public Stats stats(long nowMicros) {
    Map<RangeId, LeaseholderHost.FollowerStats> ranges = new LinkedHashMap<>();
    replicas.forEach((id, replica) -> ranges.put(id, replica.followerStats(nowMicros)));
    ClosedTimestamps.Stats node = closing.stats();
    return new Stats(ranges, node.beats(), node.batchesSent(), node.batchesReceived(), node.malformedBatches());
  }

  // ---------------------------------------------------------------------------------------------

  private <R> void withReplica(RangeId range, Responder<R> responder, Consumer<String> notFound,
      Consumer<LeaseholderHost> serve) {
    if (responder.isExpired()) {
      responder.reject("the caller stopped waiting before " + self + " began");
      return;
    }
    LeaseholderHost replica = replicas.get(range);
    if (replica == null) {
      notFound.accept("range " + range + " is not hosted on " + self);
      return;
    }
    serve.accept(replica);
  }

  private static Consumer<String> readRefusal(Responder<SnapshotReads.Answer> responder) {
    return why -> responder.ok(new SnapshotReads.Refused(SnapshotReads.Redirect.RANGE_NOT_FOUND, null, why));
  }

  private static Consumer<String> answerRefusal(Responder<ParticipantAnswer> responder) {
    return why -> responder.ok(ParticipantAnswer.of(
        new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.RANGE_NOT_FOUND)));
  }

  private static long generation(LeaseholderHost replica) {
    return replica.machine().machine().descriptor().generation();
  }

  private static boolean stale(LeaseholderHost replica, long requestGeneration) {
    return requestGeneration < generation(replica);
  }

  /** Whether the asker's deadline for deciding has definitely passed (abort the undecided). */
  private boolean expired(Timestamp expiresAt) {
    try {
      return trueTime.after(expiresAt.micros());
    } catch (ClockUnavailableException e) {
      return false; // Without a clock, never abort: the asker asks again.
    }
  }

  static SnapshotReads.Answer readAnswer(Reply reply) {
    return switch (reply) {
      case Reply.ReadResult result -> new SnapshotReads.Versions(result.versions());
      case Reply.Refused refused -> {
        Refusal refusal = refused.refusal();
        SnapshotReads.Redirect redirect = switch (refusal.kind()) {
          case NOT_LEASEHOLDER -> SnapshotReads.Redirect.NOT_LEASEHOLDER;
          case WRONG_RANGE -> SnapshotReads.Redirect.STALE_DESCRIPTOR;
          case TOO_OLD -> SnapshotReads.Redirect.TOO_OLD;
          case RETRY_LATER, CONFLICT, INVALID, OUTCOME_UNKNOWN -> SnapshotReads.Redirect.RETRY_LATER;
        };
        yield new SnapshotReads.Refused(redirect, refusal.leaseholderHint(), refusal.message());
      }
      default -> throw new IllegalStateException("a read answered " + reply);
    };
  }

  /** The wire answer to {@code request} for the core's {@code reply}; see {@link ParticipantAnswer}. */
  static ParticipantAnswer participantAnswer(CoordinatorRequest request, Reply reply) {
    return switch (reply) {
      case Reply.Committed committed -> ParticipantAnswer.of(new ParticipantReply.Committed(committed.commitTs()));
      case Reply.Prepared prepared -> ParticipantAnswer.of(new ParticipantReply.Prepared(prepared.prepareTs()));
      case Reply.Resolved resolved -> ParticipantAnswer.of(new ParticipantReply.Resolved());
      case Reply.TxnStatus status -> ParticipantAnswer.of(status.decision()
          .<ParticipantReply>map(d -> new ParticipantReply.Recorded(d.outcome(), d.commitTs()))
          .orElseGet(() -> request instanceof CoordinatorRequest.QueryDecision query
              ? new ParticipantReply.Undecided(query.expiresAt())
              : new ParticipantReply.OutcomeUnknown("no decision of " + request.txn() + " is recorded")));
      case Reply.Refused refused -> refusalAnswer(refused.refusal());
      case Reply.ReadResult read -> throw new IllegalStateException(request + " answered with a read result");
      case Reply.ReadIndex index -> throw new IllegalStateException(request + " answered with a read index");
      case Reply.SplitDone split -> throw new IllegalStateException(request + " answered with a split");
    };
  }

  private static ParticipantAnswer refusalAnswer(Refusal refusal) {
    return switch (refusal.kind()) {
      case CONFLICT -> ParticipantAnswer.of(new ParticipantReply.Conflict(refusal.key(),
          refusal.reason() != null ? refusal.reason() : refusal.message()));
      case NOT_LEASEHOLDER, RETRY_LATER -> new ParticipantAnswer(
          new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER), refusal.leaseholderHint());
      case WRONG_RANGE -> ParticipantAnswer.of(
          new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION));
      case TOO_OLD, INVALID -> ParticipantAnswer.of(new ParticipantReply.Conflict(null, refusal.message()));
      case OUTCOME_UNKNOWN -> ParticipantAnswer.of(new ParticipantReply.OutcomeUnknown(refusal.message()));
    };
  }
}
