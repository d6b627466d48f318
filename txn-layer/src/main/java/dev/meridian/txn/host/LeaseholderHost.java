package dev.meridian.txn.host;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.driver.PaxosDriver.ProposalException;
import dev.meridian.paxos.driver.RoleChange;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.CommitWait;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
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
import dev.meridian.txn.range.command.RangeCommandCodec;
import dev.meridian.txn.range.state.ApplyOutcome;
import dev.meridian.txn.range.state.RangeReadView;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Runs the {@link LeaseholderCore} of one range replica while this replica leads its Paxos group
 * with a lease, and is the one door requests for the range come in through (DESIGN §11 "The range,
 * in two parts"). It is the core's driver: it feeds the core requests, the node's {@link TrueTime},
 * lease changes and applied commands, and carries out each {@link LeaseholderReady} in its order —
 * proposals to {@link PaxosDriver#propose}, storage tasks against a store snapshot on {@code
 * storageExecutor} with the results posted back to the loop, replies to the request's caller, and
 * commit-wait and future-read timers on the {@link Scheduler}. Everything runs on the driver's loop;
 * the host does no I/O of its own.
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>active core
 *   <dd>The core of the lease this replica holds now, or none.
 *   <dt>draining core
 *   <dd>A core whose lease was lost ({@link LeaseholderCore#leaseLost}); it finishes the commit
 *       waits of applied commits and the reads it admitted, then goes ({@link
 *       LeaseholderCore#isDrained}).
 * </dl>
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li><b>One active core, only while leading with a lease.</b> Built on {@link
 *       RoleChange.BecameLeader}, lost on {@link RoleChange.LostLeadership} of its ballot, on a
 *       snapshot install, or on a proposal whose fate the driver cannot tell.
 *   <li><b>Its floor covers every earlier holder.</b> An elected {@code BecameLeader} comes only
 *       once every earlier lease has passed ({@code TT.after(prior end)}), so {@code now.earliest}
 *       at that moment is above every earlier holder's lease end, hence above all it read or
 *       assigned: {@link Succession.Elected} with it. After a transfer ({@link
 *       RoleChange.BecameLeader#afterTransfer}) the old leader's lease was not waited out, but it
 *       gave the lease up before it handed over, so all it read lies at most at its own {@code
 *       now.latest} then, below true time plus the widest TrueTime interval: the floor is {@code
 *       now.latest + maxTrueTimeWidthMicros}. (A {@code Handover} from the old holder would let the
 *       target start lower; the host does not carry one yet.) A core rebuilt under the same ballot
 *       also covers what the previous core read and assigned.
 *   <li><b>Unknown is never retryable.</b> A proposal the driver refuses as {@linkplain
 *       ProposalException#retryable retryable} certainly is not in the log ({@link
 *       LeaseholderCore#proposalRefused}); any other failure may still be chosen, so the core's
 *       lease is given up ({@link LeaseholderCore#leaseLost}), which answers every proposed request
 *       {@link Refusal.Kind#OUTCOME_UNKNOWN}, and a new core is built under a new lease sequence.
 *   <li><b>Every request gets exactly one reply</b>, from the core it was given to, or at once when
 *       no core serves.
 * </ol>
 */
public final class LeaseholderHost implements HostedRangeMachine.Listener {

  /** While TrueTime is unavailable, what the host waits before looking again. */
  static final long CLOCK_RECHECK_MICROS = CommitWait.UNAVAILABLE_RECHECK_MICROS;

  private final NodeId self;
  private final HostedRangeMachine machine;
  private final PaxosDriver driver;
  private final GroupId group;
  private final Scheduler loop;
  private final TrueTime trueTime;
  private final Executor storageExecutor;
  private final LeaseholderLimits limits;
  private final long maxTrueTimeWidthMicros;

  private LongConsumer commitWaits = waitedNanos -> {};
  private LeaseholderCore active;
  /** Whether {@link #leadingBallot} came by transfer (its floor is above the clock bound). */
  private boolean leadingAfterTransfer;
  private Ballot leadingBallot;
  private long leaseEndMicros;
  private final List<LeaseholderCore> draining = new ArrayList<>();
  private final Map<RequestId, Consumer<Reply>> waiting = new HashMap<>();
  private long nextRequest = 1;
  private long coresBuilt;
  private long leasesGivenUp;
  private long coresLostByThemselves;
  /** Reads from this replica's applied state (M7), whether or not it holds the lease. */
  private final FollowerReplica followers;
  /** Whether the active core proposed anything but a close since the last close (the close cadence). */
  private boolean proposedSinceClose;
  private long closesProposed;
  private long closedUpdatesMade;

  /**
   * @param storageExecutor where storage tasks run (off the loop on a real node; the loop itself in
   *     the simulator, where that is deterministic)
   */
  public LeaseholderHost(NodeId self, HostedRangeMachine machine, PaxosDriver driver, GroupId group,
      Scheduler loop, TrueTime trueTime, Executor storageExecutor, LeaseholderLimits limits,
      long maxTrueTimeWidthMicros) {
    this(self, machine, driver, group, loop, trueTime, storageExecutor, limits, maxTrueTimeWidthMicros,
        FollowerReadLimits.defaults());
  }

  /** As above, with the follower reads of this replica bounded by {@code followerLimits} (M7). */
  public LeaseholderHost(NodeId self, HostedRangeMachine machine, PaxosDriver driver, GroupId group,
      Scheduler loop, TrueTime trueTime, Executor storageExecutor, LeaseholderLimits limits,
      long maxTrueTimeWidthMicros, FollowerReadLimits followerLimits) {
    this.followers = new FollowerReplica(machine, loop, storageExecutor, followerLimits);
    this.self = self;
    this.machine = machine;
    this.driver = driver;
    this.group = group;
    this.loop = loop;
    this.trueTime = trueTime;
    this.storageExecutor = storageExecutor;
    this.limits = limits;
    this.maxTrueTimeWidthMicros = maxTrueTimeWidthMicros;
    machine.setListener(this);
  }

  public RangeId range() {
    return machine.range();
  }

  /** {@code listener} hears how long each commit wait here took, in nanoseconds of the loop's clock. */
  void onCommitWait(LongConsumer listener) {
    this.commitWaits = listener;
  }

  public HostedRangeMachine machine() {
    return machine;
  }

  /** Whether a core of this replica serves (its LeaseStart applied, the lease in force). */
  public boolean serving() {
    return active != null && active.phase() == LeaseholderCore.Phase.SERVING;
  }

  /** The active core's counters, if this replica holds the lease. */
  public Optional<LeaseholderCore.Stats> stats() {
    return active == null ? Optional.empty() : Optional.of(active.stats());
  }

  /** Cores built (leases this replica started) and leases given up over unknown proposals. */
  public long coresBuilt() {
    return coresBuilt;
  }

  public long leasesGivenUp() {
    return leasesGivenUp;
  }

  /** Cores that lost their lease by themselves (a refused or superseded LeaseStart) and were replaced. */
  public long coresLostByThemselves() {
    return coresLostByThemselves;
  }

  /** Requests given to a core and not answered yet. */
  public int waitingRequests() {
    return waiting.size();
  }

  // ---------------------------------------------------------------------------------------------
  // Requests. Each is answered exactly once through its callback, on the loop.

  public void get(Key key, Timestamp readTs, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.get(id, key, readTs, now));
  }

  public void scan(KeySpan span, Timestamp readTs, Direction direction, int limit, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.scan(id, span, readTs, direction, limit, now));
  }

  /** The one-range fast path. */
  public void commit(CommitRequest request, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.commit(id, request, now));
  }

  public void prepare(CommitRequest request, RangeId coordinatorRange, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.prepare(id, request, coordinatorRange, now));
  }

  public void resolve(TxnId txn, TxnOutcome outcome, Timestamp commitTs, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.resolve(id, txn, outcome, commitTs));
  }

  public void recordDecision(TxnId txn, TxnOutcome outcome, Timestamp commitTs, List<RangeId> participants,
      Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.recordDecision(id, txn, outcome, commitTs, participants));
  }

  public void txnStatus(TxnId txn, boolean abortIfUndecided, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.txnStatus(id, txn, abortIfUndecided));
  }

  /**
   * Splits the range at {@code splitKey}, the right side becoming {@code newRange} ({@link
   * LeaseholderCore#split}); answered {@link Reply.SplitDone} once applied here.
   */
  public void split(Key splitKey, RangeId newRange, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.split(id, splitKey, newRange, now));
  }

  /**
   * A follower's strong read asks this leaseholder for its applied point over {@code span} at {@code
   * readTs} ({@link LeaseholderCore#readIndex}): answered {@link Reply.ReadIndex} once no write at or
   * below {@code readTs} to the span can still appear above that slot.
   */
  public void readIndex(KeySpan span, Timestamp readTs, Consumer<Reply> answer) {
    submit(answer, (core, id, now) -> core.readIndex(id, span, readTs, now));
  }

  // ---------------------------------------------------------------------------------------------
  // Reads from any replica (M7).

  /**
   * One beat of the node's close cadence for this replica: if it holds the lease and proposed
   * anything since the last beat, it proposes a {@code CloseTimestamp} through the log and returns
   * empty; if it proposed nothing, it returns the {@link ClosedTimestampUpdate} for the node's
   * coalesced batch to its peers (and takes it itself). Empty when it holds no lease or can close
   * nothing higher.
   */
  public Optional<ClosedTimestampUpdate> closeTick(TTInterval now) {
    LeaseholderCore core = active;
    if (core == null || core.phase() != LeaseholderCore.Phase.SERVING) {
      return Optional.empty();
    }
    if (proposedSinceClose) {
      proposedSinceClose = false;
      core.closeTimestamp(now);
      drain(core);
      return Optional.empty();
    }
    Optional<ClosedTimestampUpdate> update = core.closedTimestampUpdate(now);
    update.ifPresent(u -> {
      closedUpdatesMade++;
      followers.observe(u);
    });
    return update;
  }

  /** A closed timestamp the range's leaseholder sent this replica outside the log. */
  public void observeClosed(ClosedTimestampUpdate update) {
    followers.observe(update);
  }

  /** The node's GC horizon rose: follower reads below it are refused. */
  public void gcHorizonRaised(Timestamp horizon) {
    followers.gcHorizonRaised(horizon);
  }

  FollowerReplica followers() {
    return followers;
  }

  /**
   * This replica's follower-read and closing counters, for metrics ({@code
   * meridian_closed_ts_lag_micros}, {@code meridian_follower_reads_*}).
   *
   * @param closedTs the replica's closed timestamp (the log's or a later one on a batch)
   * @param safeTime the highest timestamp it serves stale reads at
   * @param closedTsLagMicros how far {@code closedTs} trails {@code nowMicros}, the caller's clock
   * @param closesProposed {@code CloseTimestamp}s this replica proposed as leaseholder
   * @param closedUpdatesMade closed timestamps it promised on the node's batch as leaseholder
   * @param closedUpdatesTaken closed timestamps from batches it took
   * @param closedUpdatesDropped those it could not take (another lease, or superseded while behind)
   */
  public record FollowerStats(Timestamp closedTs, Timestamp safeTime, long closedTsLagMicros, long servedStale,
      long servedStrong, long refusedNotYet, long refusedTooOld, int waitingStrong, long closesProposed,
      long closedUpdatesMade, long closedUpdatesTaken, long closedUpdatesDropped) {}

  public FollowerStats followerStats(long nowMicros) {
    RangeStateMachine current = machine.machine();
    Timestamp closed = current.closedTs();
    FollowerReads.Stats reads = followers.stats();
    return new FollowerStats(closed, current.safeTime(), Math.max(0, nowMicros - closed.micros()), reads.servedStale(),
        reads.servedStrong(), reads.notYet(), reads.tooOld(), reads.waiting(), closesProposed, closedUpdatesMade,
        followers.closedTaken(), followers.closedDropped());
  }

  @FunctionalInterface
  private interface CoreInput {
    void give(LeaseholderCore core, RequestId id, TTInterval now);
  }

  private void submit(Consumer<Reply> answer, CoreInput input) {
    RequestId id = new RequestId(nextRequest++);
    if (active == null) {
      answer.accept(new Reply.Refused(id, new Refusal(Refusal.Kind.NOT_LEASEHOLDER,
          self + " does not hold the lease of range " + range() + "; retry at the leaseholder", leaderHint(), null,
          null)));
      return;
    }
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      answer.accept(new Reply.Refused(id, new Refusal(Refusal.Kind.RETRY_LATER,
          "the clock of " + self + " is not trustworthy (" + e.getMessage() + "); retry shortly", null, null, null)));
      return;
    }
    waiting.put(id, answer);
    LeaseholderCore core = active;
    input.give(core, id, now);
    drain(core);
  }

  /** The node this replica believes leads the range's group, or null. */
  public NodeId leaderHint() {
    Status status = driver.statusOnLoop(group);
    if (status == null) {
      return null;
    }
    return status.leaderHint();
  }

  // ---------------------------------------------------------------------------------------------
  // The state machine and the driver.

  @Override
  public void applied(LogSlot slot, RangeCommand command, ApplyOutcome outcome) {
    for (LeaseholderCore core : cores()) {
      if (outcome instanceof ApplyOutcome.Rejected rejected) {
        core.rejected(slot, command, rejected.reason() + ": " + rejected.detail());
      } else {
        core.applied(slot, command);
      }
      drain(core);
    }
    followers.applied();
  }

  @Override
  public void installed(RangeStateMachine replaced) {
    // A leader does not receive snapshots; should one ever, the core's view is of the old machine.
    if (active != null) {
      loseActive("a snapshot replaced the range's state");
    }
    for (LeaseholderCore core : List.copyOf(draining)) {
      // Their reads are out against the old store snapshot already; nothing else of theirs is live.
      drain(core);
    }
    followers.installed();
  }

  @Override
  public void roleChanged(RoleChange change) {
    switch (change) {
      case RoleChange.BecameLeader became -> {
        if (active != null) {
          loseActive("a new leadership under " + became.ballot() + " began");
        }
        leadingBallot = became.ballot();
        leadingAfterTransfer = became.afterTransfer();
        leaseEndMicros = became.leaseEndMicros();
        startCore(Timestamp.ZERO);
      }
      case RoleChange.LeaseExtended extended -> {
        if (extended.ballot().equals(leadingBallot)) {
          leaseEndMicros = Math.max(leaseEndMicros, extended.leaseEndMicros());
          if (active != null) {
            active.leaseExtended(leaseEndMicros);
            drain(active);
          }
        }
      }
      case RoleChange.LostLeadership lost -> {
        if (lost.ballot().equals(leadingBallot)) {
          leadingBallot = null;
          if (active != null) {
            loseActive("leadership under " + lost.ballot() + " was lost");
          }
        }
      }
    }
  }

  /**
   * Builds the active core for the lease of {@link #leadingBallot}; {@code coveredByThisNode} is what
   * an earlier core of this replica under the same ballot read or assigned.
   */
  private void startCore(Timestamp coveredByThisNode) {
    if (leadingBallot == null || active != null) {
      return;
    }
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      Ballot waitingFor = leadingBallot;
      loop.schedule(CLOCK_RECHECK_MICROS * 1_000, () -> {
        if (waitingFor.equals(leadingBallot)) {
          startCore(coveredByThisNode);
        }
      });
      return;
    }
    long earlierHolders = leadingAfterTransfer ? now.latestMicros() + maxTrueTimeWidthMicros : now.earliestMicros();
    long floorMicros = Math.max(earlierHolders, coveredByThisNode.micros());
    LeaseholderCore core = new LeaseholderCore(self, machine.view(), limits, leaseEndMicros,
        new Succession.Elected(Math.max(0, floorMicros)), now);
    coresBuilt++;
    active = core;
    drain(core);
  }

  private void loseActive(String why) {
    LeaseholderCore core = active;
    active = null;
    core.leaseLost(why);
    draining.add(core);
    drain(core);
  }

  /** A proposal's fate cannot be known: give the lease up and, if still leading, start a new one. */
  private void giveUpLease(LeaseholderCore core, String why) {
    if (core != active) {
      return;
    }
    leasesGivenUp++;
    LeaseholderCore.Stats stats = core.stats();
    Timestamp covered = Timestamp.max(stats.readWatermark(), stats.lastAssigned());
    loseActive(why);
    startCore(covered);
  }

  private List<LeaseholderCore> cores() {
    List<LeaseholderCore> all = new ArrayList<>(draining.size() + 1);
    all.addAll(draining);
    if (active != null) {
      all.add(active);
    }
    return all;
  }

  // ---------------------------------------------------------------------------------------------
  // Carrying out a Ready, in LeaseholderReady's order.

  private void drain(LeaseholderCore core) {
    while (core.hasReady()) {
      LeaseholderReady ready = core.ready();
      for (RangeCommand command : ready.proposals()) {
        propose(core, command);
      }
      if (!ready.storageTasks().isEmpty()) {
        runStorageTasks(core, ready.storageTasks());
      }
      for (Reply reply : ready.replies()) {
        Consumer<Reply> answer = waiting.remove(reply.request());
        Invariants.require(answer != null, "range %s: a reply to %s, which nobody waits for", range(), reply.request());
        answer.accept(reply);
      }
      Invariants.require(ready.handover() == null, "range %s: the host starts no lease transfer", range());
      for (Timestamp deadline : ready.commitWaitDeadlines()) {
        long startedNanos = loop.nowNanos();
        // Ticked in a task of its own: a failure inside the core must not vanish into the future.
        CommitWait.untilAfter(trueTime, loop, deadline.micros()).whenComplete((v, error) -> loop.execute(() -> {
          if (error == null) {
            commitWaits.accept(loop.nowNanos() - startedNanos);
          }
          tick(core);
        }));
      }
      for (Timestamp deadline : ready.futureReadDeadlines()) {
        whenLatestReaches(core, deadline.micros());
      }
    }
    if (core == active && core.phase() == LeaseholderCore.Phase.LOST) {
      restartLostCore(core);
    }
    if (core != active && core.isDrained()) {
      draining.remove(core);
    }
  }

  /**
   * The active core gave its lease up by itself (Paxos refused its LeaseStart, or a newer
   * LeaseStart superseded it): it drains like any lost core, and while this replica still leads a
   * new core starts, above what the lost one read or assigned. Without this the replica would lead
   * its group with a lease and serve nothing, for as long as its leadership lasts.
   */
  private void restartLostCore(LeaseholderCore core) {
    LeaseholderCore.Stats stats = core.stats();
    Timestamp covered = Timestamp.max(stats.readWatermark(), stats.lastAssigned());
    active = null;
    draining.add(core);
    coresLostByThemselves++;
    Ballot ballot = leadingBallot;
    // Not at once: a refusal because Paxos is busy would come straight back.
    loop.schedule(CLOCK_RECHECK_MICROS * 1_000, () -> {
      if (ballot != null && ballot.equals(leadingBallot)) {
        startCore(covered);
      }
    });
  }

  private void propose(LeaseholderCore core, RangeCommand command) {
    if (command instanceof RangeCommand.CloseTimestamp) {
      closesProposed++;
    } else {
      proposedSinceClose = true;
    }
    driver.propose(group, RangeCommandCodec.encode(command)).whenComplete((slot, error) -> {
      if (error == null) {
        return; // Applied here: the state machine reported it to the core already.
      }
      loop.execute(() -> {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        if (cause instanceof ProposalException refused && refused.retryable()) {
          core.proposalRefused(command, refused.getMessage());
          drain(core);
        } else {
          giveUpLease(core, "the outcome of a proposal is unknown: " + cause.getMessage());
        }
      });
    });
  }

  /**
   * Runs {@code tasks} against one store snapshot taken now, after every command reported to the core
   * is visible in the store, and posts each result back to the loop.
   */
  private void runStorageTasks(LeaseholderCore core, List<StorageTask> tasks) {
    RangeReadView view = machine.machine().openReadView();
    storageExecutor.execute(() -> {
      List<Runnable> results = new ArrayList<>(tasks.size());
      try {
        for (StorageTask task : tasks) {
          results.add(runOne(core, view, task));
        }
      } finally {
        view.close();
      }
      loop.execute(() -> {
        results.forEach(Runnable::run);
        drain(core);
      });
    });
  }

  private static Runnable runOne(LeaseholderCore core, RangeReadView view, StorageTask task) {
    try {
      return switch (task) {
        case StorageTask.PointRead read -> {
          List<Version> found = view.get(read.key(), read.readTs()).map(List::of).orElse(List.of());
          yield () -> core.readDone(read.id(), found);
        }
        case StorageTask.ScanRead scan -> {
          List<Version> found = view.scan(scan.span(), scan.readTs(), scan.direction(), scan.limit());
          yield () -> core.readDone(scan.id(), found);
        }
        case StorageTask.ValidationScan validation -> {
          Optional<Version> newer = Optional.empty();
          for (KeySpan span : validation.spans()) {
            newer = view.newestAfter(span, validation.readTs());
            if (newer.isPresent()) {
              break;
            }
          }
          Optional<Version> found = newer;
          yield () -> core.validated(validation.id(), found);
        }
      };
    } catch (RuntimeException failure) {
      return () -> core.storageFailed(task.id(), failure);
    }
  }

  private void tick(LeaseholderCore core) {
    if (core != active && !draining.contains(core)) {
      return;
    }
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      loop.schedule(CLOCK_RECHECK_MICROS * 1_000, () -> tick(core));
      return;
    }
    core.tick(now);
    drain(core);
  }

  /** Ticks {@code core} once {@code TT.now().latest >= micros}. */
  private void whenLatestReaches(LeaseholderCore core, long micros) {
    long waitMicros;
    try {
      waitMicros = micros - trueTime.now().latestMicros();
    } catch (ClockUnavailableException e) {
      waitMicros = CLOCK_RECHECK_MICROS;
    }
    if (waitMicros <= 0) {
      loop.execute(() -> tick(core));
      return;
    }
    loop.schedule(waitMicros * 1_000, () -> whenLatestReaches(core, micros));
  }
}
