package dev.meridian.txn.leaseholder;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.ReadBelowGcHorizonException;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.range.CommitRequest;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The leaseholder of one range replica, as a synchronous object with no I/O, threads or clock (the
 * {@code RawNode} of etcd raft; DESIGN §6, §11 "The range, in two parts"). It serves snapshot reads,
 * validates read-write transactions optimistically, assigns commit and prepare timestamps inside its
 * lease, answers the coordinator range's status queries, and says what to propose, what to read from
 * storage, what to answer and when to look at the clock again. Time reaches it only as the {@link
 * TTInterval}s its inputs carry. Its output is {@link #ready()}, whose order is on {@link
 * LeaseholderReady}. One core lives for one lease of this replica: the driver builds a new one from
 * the state machine ({@link RangeStateView}) whenever the replica becomes Paxos leader with a lease,
 * and drops it once {@link #leaseLost} has been called and {@link #isDrained()} holds.
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>lease end
 *   <dd>The end, in TrueTime micros, of the Paxos lease ({@link #leaseExtended} moves it later). Only
 *       timestamps below it are served or assigned.
 *   <dt>floor
 *   <dd>The {@code floorTs} of this core's {@link RangeCommand.LeaseStart}: at least the previous
 *       lease's end (after an election) or what the previous holder handed over (after a transfer),
 *       the highest applied commit timestamp, and the previous lease's floor. Every timestamp this
 *       core assigns lies above it.
 *   <dt>read watermark
 *   <dd>The highest timestamp a read was served at under this lease. No timestamp at or below it is
 *       assigned, so a snapshot once read never changes.
 *   <dt>lock
 *   <dd>A transaction whose timestamp is chosen but whose writes are not visible: a commit in flight
 *       (until applied), or a prepare in flight or applied (until resolved). Its write keys may not be
 *       written or validated over by anyone else, and a read at or above its timestamp that touches
 *       them waits. A prepare also holds its read spans against writers (read intents).
 *   <dt>closed timestamp
 *   <dd>The highest timestamp this core has promised to commit nothing new at or below ({@link
 *       #closeTimestamp} through the log, {@link #closedTimestampUpdate} on heartbeats). Followers
 *       serve snapshot reads at or below it without asking (their safe time, M7).
 *   <dt>recent writes
 *   <dd>Writes applied after a validation scan was handed out; the scan's snapshot may have missed
 *       them, so the validation's result is checked against them too.
 * </dl>
 *
 * <h2>Invariants (checked where they are produced)</h2>
 *
 * <ol>
 *   <li>Every assigned timestamp (commit or prepare) is strictly above the last one assigned, the read
 *       watermark, the floor, every applied commit timestamp, {@code now.latest} and the
 *       transaction's read timestamp, the closed timestamp, and strictly
 *       below the lease end; within {@link LeaseholderLimits#leaseEndMarginMicros()} of the end the
 *       core refuses (retryably) instead of assigning.
 *   <li>A read at {@code t} is admitted only when {@code t} is below the lease end, not above {@code
 *       now.latest}, and no lock with a timestamp {@code <= t} holds a key it reads; admitting it
 *       raises the read watermark to {@code t}.
 *   <li>Nothing is served or assigned before this core's own LeaseStart is applied, and its floor is
 *       at least the succession floor; after a transfer starts nothing is served or assigned, and the
 *       {@link Handover} is at least the watermark, the last assigned timestamp and the closed
 *       timestamp.
 *   <li>A closed timestamp is promised only while serving, only above the previous one (and the
 *       log's), strictly below the lease end, and strictly below the timestamp of every lock (a
 *       commit or prepare in flight, a prepare not yet resolved): a commit applied later, or a
 *       prepared transaction that commits at its prepare timestamp or above, never lands at or
 *       below it. A new core starts at or above the log's closed timestamp (its floor is).
 *   <li>Applied slots strictly increase; every Commit or Prepare applied under this core's lease
 *       sequence is one it proposed, at the timestamp it assigned.
 * </ol>
 *
 * Together with the state machine's rule that a command of an older lease sequence is void once a
 * newer LeaseStart is applied, these give DESIGN §11's rule: no commit ever lands at or below a read
 * any leaseholder already served, for the keys read. (The previous holder's reads and timestamps are
 * below the floor; its proposals that land after this LeaseStart are void; this holder's own
 * timestamps are above its watermark; and a committed Resolve, whose timestamp the coordinator chose,
 * lands only on keys whose readers at or above the prepare timestamp waited for it.)
 *
 * <h2>Roads not taken</h2>
 *
 * <ul>
 *   <li><b>One watermark per range, not a timestamp cache per key</b> (CockroachDB's). A read of any
 *       key pushes every later commit of the range above it; since commits are above {@code
 *       now.latest} anyway and reads are at most {@code now.latest}, that costs a microsecond or two
 *       and saves a structure that grows with the keys read and must be handed over on transfer.
 *   <li><b>OCC, not locks</b>: a conflict aborts at once (40001), so there is no waiting graph and no
 *       deadlock; only reads wait, and only for transactions whose timestamp is already chosen.
 *   <li><b>Closing as an input, not on every tick</b>: the driver decides the cadence (one log
 *       close per interval for a busy range, a heartbeat entry for an idle one), so an idle range
 *       costs no Paxos write per interval; the core only says what it may promise now.
 *   <li><b>A closed timestamp that lags {@code now.latest} by a fixed target</b> (CockroachDB's
 *       design), not one that chases the lowest in-flight timestamp: a close at {@code now.latest}
 *       would hold back every commit's timestamp assignment behind it, while a fixed lag lets new
 *       commits (assigned above {@code now.latest}) proceed untouched and still gives followers a
 *       snapshot at most the lag (plus the close cadence) old.
 *   <li><b>Refusing, not queueing, near the lease end</b>: a commit proposed in the last moments of a
 *       lease risks the unknown outcome of lease loss, which costs the client far more than a retry.
 * </ul>
 *
 * <p>Requests that arrive before the LeaseStart is applied wait for it (bounded by {@link
 * LeaseholderLimits#maxPendingRequests()}).
 */
public final class LeaseholderCore {

  /** Where the core is in its lease. */
  public enum Phase {
    /** The LeaseStart is proposed, not yet applied: nothing is served. */
    STARTING,
    /** The lease is ours and in force. */
    SERVING,
    /** A transfer was started: nothing new is served or assigned. */
    TRANSFERRING,
    /** The lease is lost: only commit waits of applied commits and admitted reads finish. */
    LOST
  }

  private enum LockKind {
    COMMITTING,
    PREPARING,
    PREPARED
  }

  /** See the glossary. {@code requester} is null once answered, and for locks from the state. */
  private static final class Lock {
    final TxnId txn;
    LockKind kind;
    final Timestamp ts;
    final long leaseSequence;
    final List<Key> writeKeys;
    final List<KeySpan> readSpans;
    RequestId requester;

    Lock(TxnId txn, LockKind kind, Timestamp ts, long leaseSequence, List<Key> writeKeys,
        List<KeySpan> readSpans, RequestId requester) {
      this.txn = txn;
      this.kind = kind;
      this.ts = ts;
      this.leaseSequence = leaseSequence;
      this.writeKeys = List.copyOf(writeKeys);
      this.readSpans = List.copyOf(readSpans);
      this.requester = requester;
    }
  }

  /** A snapshot read; {@code key} for a point read, else {@code span} with direction and limit. */
  private record ReadRequest(
      RequestId id, Key key, KeySpan span, Timestamp ts, Direction direction, int limit, boolean indexOnly) {}

  /** A read waiting for its timestamp to arrive or for a lock to go. */
  private static final class WaitingRead {
    final ReadRequest read;
    boolean deadlineSent;

    WaitingRead(ReadRequest read) {
      this.read = read;
    }
  }

  /** A commit (coordinatorRange null) or a participant's prepare. */
  private record TxnRequest(RequestId id, CommitRequest request, RangeId coordinatorRange) {
    boolean isPrepare() {
      return coordinatorRange != null;
    }
  }

  private static final class Validation {
    final TxnRequest txn;
    final long recentWritesMark;
    boolean answered;

    Validation(TxnRequest txn, long recentWritesMark) {
      this.txn = txn;
      this.recentWritesMark = recentWritesMark;
    }
  }

  private record RecentWrite(long sequence, Key key, Timestamp commitTs, TxnId txn) {}

  private record PendingResolve(RequestId id, TxnOutcome outcome, Timestamp commitTs) {}

  private record CommitWaitEntry(RequestId id, TxnId txn, Timestamp commitTs) {}

  /** A request that arrived before the lease started; replayed once it does. */
  private record Deferred(RequestId id, Runnable replay) {}

  /** The split this core proposed and waits for ({@link #split}); the right side is frozen meanwhile. */
  private record PendingSplit(RequestId id, RangeCommand.Split command) {
    KeySpan right(KeySpan span) {
      return new KeySpan(command.splitKey(), span.end());
    }
  }

  private final NodeId self;
  private final RangeStateView view;
  private final RangeId range;
  private final LeaseholderLimits limits;
  private final Timestamp successionFloor;

  private Phase phase = Phase.STARTING;
  private boolean active;
  private NodeId transferTarget;
  private long leaseEndMicros;
  private long leaseSequence;
  private Timestamp floor;
  /** The floor of the LeaseStart this core proposed last. */
  private Timestamp proposedFloor;
  private Timestamp lastAssigned = Timestamp.ZERO;
  private Timestamp watermark = Timestamp.ZERO;
  /** See the glossary; never below the log's closed timestamp. */
  private Timestamp closed;
  /** The CloseTimestamp of ours proposed and not yet applied, rejected or refused; null if none. */
  private Timestamp closeInFlight;
  private Timestamp maxApplied;
  private TTInterval now;
  private LogSlot lastApplied;
  private long nextTask = 1;

  private final TreeMap<Key, Lock> writeLocks = new TreeMap<>();
  private final Map<TxnId, Lock> locks = new LinkedHashMap<>();
  private final List<WaitingRead> waitingReads = new ArrayList<>();
  private final List<Deferred> waitingForLease = new ArrayList<>();
  private final Map<TaskId, ReadRequest> readsOut = new HashMap<>();
  private final Map<TaskId, Validation> validations = new LinkedHashMap<>();
  private final List<RecentWrite> recentWrites = new ArrayList<>();
  private long recentWriteSequence;
  private final Map<TxnId, List<PendingResolve>> deferredResolves = new LinkedHashMap<>();
  private final Map<TxnId, List<RequestId>> resolvesInFlight = new LinkedHashMap<>();
  private final Map<TxnId, List<RequestId>> decisionWaiters = new LinkedHashMap<>();
  private final List<CommitWaitEntry> commitWaits = new ArrayList<>();
  /**
   * Applied writes whose commit wait has not passed here: key -> the highest such commit
   * timestamp. Reads at or above it wait (see the glossary, "unsettled").
   */
  private final TreeMap<Key, Timestamp> unsettled = new TreeMap<>();
  /**
   * Writes applied before this core began whose keys it does not know, unsettled as a whole: the
   * highest applied commit timestamp while its commit wait has not passed (only after a core of
   * this replica was given up and rebuilt at once), else null.
   */
  private Timestamp unsettledBeforeStart;
  /** Null unless a split of ours is proposed and not yet applied, rejected or lost. */
  private PendingSplit pendingSplit;

  private final List<RangeCommand> outProposals = new ArrayList<>();
  private final List<StorageTask> outTasks = new ArrayList<>();
  private final List<Reply> outReplies = new ArrayList<>();
  private Handover outHandover;
  private final List<Timestamp> outCommitWaits = new ArrayList<>();
  private final List<Timestamp> outFutureReads = new ArrayList<>();

  private long readsServed;
  private long commitsAcknowledged;
  private long preparesApplied;
  private long conflicts;
  private long refusedNearLeaseEnd;
  private long refusedOverloaded;
  private long outcomeUnknown;

  /**
   * A core for the lease this replica now holds in Paxos, built from the state machine's state. Its
   * first Ready proposes the {@link RangeCommand.LeaseStart}; it serves once that is applied.
   *
   * @param leaseEndMicros the Paxos lease's end in TrueTime micros
   * @param succession how the lease was obtained, which bounds what earlier holders did
   * @param now the current TrueTime interval
   */
  public LeaseholderCore(
      NodeId self,
      RangeStateView view,
      LeaseholderLimits limits,
      long leaseEndMicros,
      Succession succession,
      TTInterval now) {
    this.self = self;
    this.view = view;
    this.range = view.range();
    this.limits = limits;
    this.leaseEndMicros = leaseEndMicros;
    this.successionFloor = succession.floor();
    this.now = now;
    this.lastApplied = view.appliedSlot();
    this.maxApplied = view.maxAppliedCommitTs();
    this.floor = successionFloor;
    this.closed = view.closedTs();
    if (succession instanceof Succession.Transferred transferred) {
      // The hand-over's other end (produced by transferLeadership): it must be meant for us.
      Invariants.require(transferred.handover().range().equals(range), "a hand-over is for this range");
      Invariants.require(transferred.handover().target().equals(self), "a hand-over is for its target");
    }
    syncPreparedFromView();
    proposeLeaseStart();
  }

  // ---------------------------------------------------------------------------------------------
  // Client requests.

  /** A snapshot read of {@code key} at {@code readTs}: the newest version at or below it, tombstones included. */
  public void get(RequestId id, Key key, Timestamp readTs, TTInterval now) {
    observe(now);
    ReadRequest read = new ReadRequest(id, key, KeySpan.point(key), readTs, Direction.FORWARD, 1, false);
    submit(id, () -> admitRead(new WaitingRead(read)));
  }

  /** A snapshot scan of {@code span} at {@code readTs}: up to {@code limit} live versions. */
  public void scan(
      RequestId id, KeySpan span, Timestamp readTs, Direction direction, int limit, TTInterval now) {
    observe(now);
    ReadRequest read = new ReadRequest(id, null, span, readTs, direction, limit, false);
    submit(id, () -> admitRead(new WaitingRead(read)));
  }

  /**
   * A follower's strong read of {@code span} at {@code readTs} (raft's ReadIndex; Spanner's read at
   * now on a replica): admitted exactly as a read here (it waits for locks at or below {@code
   * readTs} on the span and raises the read watermark), but instead of reading, the core answers
   * {@link Reply.ReadIndex} with its applied slot. Every write at or below {@code readTs} to the span
   * is at or below that slot, and none can come later, so the follower serves the read itself once
   * it has applied that slot. The data never crosses the WAN; only this small answer does.
   */
  public void readIndex(RequestId id, KeySpan span, Timestamp readTs, TTInterval now) {
    observe(now);
    ReadRequest read = new ReadRequest(id, null, span, readTs, Direction.FORWARD, 0, true);
    submit(id, () -> admitRead(new WaitingRead(read)));
  }

  /** The one-range fast path: validate, assign a commit timestamp, propose, commit-wait, answer. */
  public void commit(RequestId id, CommitRequest request, TTInterval now) {
    observe(now);
    submit(id, () -> admitTxn(new TxnRequest(id, request, null)));
  }

  /**
   * Phase one of 2PC at this participant: validate, assign a prepare timestamp, propose the prepare
   * with its write and read intents; answer once it is applied.
   */
  public void prepare(RequestId id, CommitRequest request, RangeId coordinatorRange, TTInterval now) {
    observe(now);
    submit(id, () -> admitTxn(new TxnRequest(id, request, coordinatorRange)));
  }

  /**
   * Splits the range at {@code splitKey}, the right side becoming range {@code newRange} (DESIGN §7,
   * §11). Proposes a {@link RangeCommand.Split} bound to this lease whose right-hand floor is {@code
   * max(read watermark, last assigned, closed, every applied commit)}, and answers {@link
   * Reply.SplitDone} once it is applied. From the proposal until then the right side is frozen:
   * every read, read index, commit or prepare that touches {@code [splitKey, end)} is refused
   * retryably, and no closed timestamp is promised, so nothing this lease serves over the right
   * side lies above the floor the new range's first lease starts above. Refused retryably while
   * anything that is not yet a log fact touches the right side: a lock (a commit or prepare in
   * flight, a prepared transaction: the split never divides one, so no intents move to the new
   * range), a validation, or a waiting read. Refused as {@link Refusal.Kind#WRONG_RANGE} when
   * {@code splitKey} is not strictly inside the range.
   */
  public void split(RequestId id, Key splitKey, RangeId newRange, TTInterval now) {
    observe(now);
    submit(id, () -> admitSplit(id, splitKey, newRange));
  }

  /**
   * Phase two at this participant: the decision is known. If the transaction's prepare is still in
   * flight here, the resolve waits for it, so it can never be applied before the intents it removes.
   */
  public void resolve(RequestId id, TxnId txn, TxnOutcome outcome, Timestamp commitTs) {
    submit(id, () -> admitResolve(new PendingResolve(id, outcome, commitTs), txn));
  }

  /**
   * Records the coordinator's decision in this (the coordinator) range. The record is write-once:
   * the answer is the decision that won, which may be an abort recorded earlier by recovery.
   */
  public void recordDecision(
      RequestId id, TxnId txn, TxnOutcome outcome, Timestamp commitTs, List<RangeId> participants) {
    RangeCommand.RecordDecision decision =
        new RangeCommand.RecordDecision(range, txn, outcome, commitTs, participants);
    submit(id, () -> admitDecision(id, txn, decision));
  }

  /**
   * The status of {@code txn}'s record in this (the coordinator) range. With {@code
   * abortIfUndecided} (the asker judged the transaction expired), an abort is recorded when no
   * decision is, and the answer is whichever record won.
   */
  public void txnStatus(RequestId id, TxnId txn, boolean abortIfUndecided) {
    submit(id, () -> {
      RangeCommand.RecordDecision abort = abortIfUndecided
          ? new RangeCommand.RecordDecision(range, txn, TxnOutcome.ABORTED, null, List.of())
          : null;
      admitDecision(id, txn, abort);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Time and the lease.

  /** The driver's timer fired (or any time): re-check commit waits and reads waiting for their time. */
  public void tick(TTInterval now) {
    observe(now);
    releaseCommitWaits();
    retryWaitingReads();
  }

  /** Paxos renewed the lease: it now ends at {@code endMicros}. */
  public void leaseExtended(long endMicros) {
    Invariants.require(endMicros >= leaseEndMicros, "a lease end never moves earlier");
    leaseEndMicros = endMicros;
    retryWaitingReads();
  }

  /**
   * The driver's close cadence (every close interval for a range with proposals): proposes a {@link
   * RangeCommand.CloseTimestamp} at {@code now.latest - closedTsTargetLag}, held below the lease end
   * and below every lock's timestamp (invariant 5), if that is above the closed timestamp so far.
   * While one of ours is in flight, the next waits until the target has moved a whole lag past it:
   * the log carries at most one close per lag while Paxos is slow, and one that Paxos lost without
   * a word (proposals are not always reported back) does not stop closing. From the moment a close
   * is proposed, nothing is assigned at or below it. Does nothing unless serving.
   */
  public void closeTimestamp(TTInterval now) {
    observe(now);
    if (closeInFlight != null
        && now.latestMicros() - limits.closedTsTargetLagMicros() < closeInFlight.micros() + limits.closedTsTargetLagMicros()) {
      return;
    }
    Timestamp ts = closable();
    if (ts == null) {
      return;
    }
    closeInFlight = ts;
    outProposals.add(new RangeCommand.CloseTimestamp(range, leaseSequence, ts));
  }

  /**
   * The same promise for the coalesced heartbeat of an idle range (see {@link
   * ClosedTimestampUpdate}): what the core may close now, with the slot a replica must have applied
   * to use it; empty when it can close nothing higher than before. The promise binds the core from
   * now on, exactly as a proposed close does.
   */
  public Optional<ClosedTimestampUpdate> closedTimestampUpdate(TTInterval now) {
    observe(now);
    Timestamp ts = closable();
    return ts == null ? Optional.empty() : Optional.of(new ClosedTimestampUpdate(range, leaseSequence, ts, lastApplied));
  }

  /** Raises the closed timestamp as far as invariant 5 allows now and returns it, or null if it cannot rise. */
  private Timestamp closable() {
    if (phase != Phase.SERVING || pendingSplit != null) {
      // While a split is pending, a close would let followers serve the right side above its floor.
      return null;
    }
    long target = now.latestMicros() - limits.closedTsTargetLagMicros();
    long bound = leaseEndMicros - 1;
    for (Lock lock : locks.values()) {
      bound = Math.min(bound, lock.ts.micros() - 1);
    }
    long micros = Math.min(target, bound);
    if (micros <= closed.micros()) {
      return null;
    }
    Timestamp ts = Timestamp.ofMicros(micros);
    Invariants.require(ts.micros() < leaseEndMicros, "a closed timestamp is below the lease end");
    for (Lock lock : locks.values()) {
      Invariants.require(ts.isBefore(lock.ts), "a closed timestamp is below the lock of %s", lock.txn);
    }
    Invariants.require(ts.isAfter(closed), "closed timestamps rise");
    Invariants.require(!ts.isBefore(view.closedTs()), "a closed timestamp is at least the log's");
    closed = ts;
    return ts;
  }

  /**
   * This replica no longer holds the Paxos lease (deposed, stepped down, clock fenced, transfer done).
   * Proposals in flight may still be chosen: their requests are answered {@link
   * Refusal.Kind#OUTCOME_UNKNOWN}. Everything not yet proposed is refused as certainly not applied.
   */
  public void leaseLost(String why) {
    loseLease(why);
  }

  /**
   * Starts a leadership transfer to {@code target}: from now on nothing is served or assigned, and
   * the Ready carries the {@link Handover}. Cannot be undone: if the transfer fails, the driver builds
   * a new core as after an election (whose floor is this lease's end). Returns false, doing nothing,
   * unless the core is serving.
   */
  public boolean transferLeadership(NodeId target) {
    if (phase != Phase.SERVING) {
      return false;
    }
    phase = Phase.TRANSFERRING;
    transferTarget = target;
    // The closed timestamp too: followers may have served reads at it, from a heartbeat promise
    // the successor would otherwise not know of.
    Timestamp handed = Timestamp.max(Timestamp.max(watermark, lastAssigned), closed);
    Invariants.require(!handed.isBefore(closed), "a handover covers the closed timestamp");
    Invariants.require(!handed.isBefore(watermark), "a handover covers the read watermark");
    Invariants.require(!handed.isBefore(lastAssigned), "a handover covers the last assigned timestamp");
    outHandover = new Handover(range, self, target, handed);
    refuseUnproposed(notLeaseholder("a lease transfer to " + target + " is under way"));
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // The range state machine.

  /**
   * The state machine applied {@code command} at {@code slot}; the driver reports it only once the
   * command's writes are visible to storage snapshots and to {@link RangeStateView}.
   */
  public void applied(LogSlot slot, RangeCommand command) {
    advanceSlot(slot);
    switch (command) {
      case RangeCommand.Commit commit -> onCommitApplied(commit);
      case RangeCommand.Prepare prepare -> onPrepareApplied(prepare);
      case RangeCommand.Resolve resolve -> onResolveApplied(resolve);
      case RangeCommand.RecordDecision decision -> answerDecisionWaiters(decision.txn());
      case RangeCommand.LeaseStart lease -> onLeaseStartApplied(lease);
      case RangeCommand.Split split -> onSplitApplied(split);
      case RangeCommand.CloseTimestamp close -> onCloseApplied(close);
    }
    releaseCommitWaits();
    retryWaitingReads();
  }

  /** The state machine rejected {@code command} at {@code slot} (deterministically; it has no effect). */
  public void rejected(LogSlot slot, RangeCommand command, String reason) {
    advanceSlot(slot);
    notApplied(command, "rejected at " + slot + ": " + reason, true);
    retryWaitingReads();
  }

  /** Paxos refused to take {@code command} (not leader, not ready): it is certainly not in the log. */
  public void proposalRefused(RangeCommand command, String reason) {
    notApplied(command, "not proposed: " + reason, false);
    retryWaitingReads();
  }

  // ---------------------------------------------------------------------------------------------
  // Storage results.

  /** The result of a {@link StorageTask.PointRead} or {@link StorageTask.ScanRead}. */
  public void readDone(TaskId task, List<Version> versions) {
    ReadRequest read = readsOut.remove(task);
    Invariants.require(read != null, "a read result for a task that is not out: %s", task);
    outReplies.add(new Reply.ReadResult(read.id(), versions));
  }

  /** The result of a {@link StorageTask.ValidationScan}: a version newer than the read timestamp, or none. */
  public void validated(TaskId task, Optional<Version> newer) {
    Validation validation = validations.remove(task);
    Invariants.require(validation != null, "a validation result for a task that is not out: %s", task);
    pruneRecentWrites();
    if (!validation.answered) {
      finishValidation(validation, newer);
    }
  }

  /** A storage task failed; a read timestamp below the GC horizon comes as the engine's exception. */
  public void storageFailed(TaskId task, Throwable failure) {
    ReadRequest read = readsOut.remove(task);
    Validation validation = validations.remove(task);
    Invariants.require(read != null || validation != null, "a failure for a task that is not out: %s", task);
    pruneRecentWrites();
    RequestId id = read != null ? read.id() : validation.txn.id();
    if (validation != null && validation.answered) {
      return;
    }
    if (failure instanceof ReadBelowGcHorizonException below) {
      refuse(id, Refusal.of(Refusal.Kind.TOO_OLD, below.getMessage() + "; retry the transaction"));
    } else {
      refuse(id, Refusal.of(Refusal.Kind.RETRY_LATER, "storage failed: " + failure + "; retry later"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Output.

  public boolean hasReady() {
    return !outProposals.isEmpty()
        || !outTasks.isEmpty()
        || !outReplies.isEmpty()
        || outHandover != null
        || !outCommitWaits.isEmpty()
        || !outFutureReads.isEmpty();
  }

  /** Everything to do since the last call, in the order {@link LeaseholderReady} states. */
  public LeaseholderReady ready() {
    LeaseholderReady ready = new LeaseholderReady(
        outProposals, outTasks, outReplies, outHandover, outCommitWaits, outFutureReads);
    outProposals.clear();
    outTasks.clear();
    outReplies.clear();
    outHandover = null;
    outCommitWaits.clear();
    outFutureReads.clear();
    return ready;
  }

  public Phase phase() {
    return phase;
  }

  /** Whether a lost core has nothing left to finish (no commit wait, no read out), so it can go. */
  public boolean isDrained() {
    return phase == Phase.LOST && commitWaits.isEmpty() && readsOut.isEmpty() && validations.isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Reads.

  private void admitRead(WaitingRead waiting) {
    if (!tryRead(waiting)) {
      waitingReads.add(waiting);
    }
  }

  /** Serves or refuses {@code waiting} and returns true, or returns false if it must wait. */
  private boolean tryRead(WaitingRead waiting) {
    ReadRequest read = waiting.read;
    if (!within(read.span(), view.span())) {
      refuse(read.id(), wrongRange("the read of " + read.span()));
      return true;
    }
    Refusal frozen = frozen(read.span(), "the read of " + read.span());
    if (frozen != null) {
      refuse(read.id(), frozen);
      return true;
    }
    if (read.ts().micros() > now.latestMicros()) {
      // A read in the future would push every commit above it; wait for it to arrive instead.
      if (!waiting.deadlineSent) {
        waiting.deadlineSent = true;
        outFutureReads.add(read.ts());
      }
      return false;
    }
    if (read.ts().micros() >= leaseEndMicros) {
      refuse(read.id(), Refusal.of(Refusal.Kind.RETRY_LATER,
          "the read at " + read.ts() + " is not below the lease end ts" + leaseEndMicros + "; retry shortly"));
      return true;
    }
    if (blockingLock(read.span(), read.ts()) != null || unsettledBelow(read.span(), read.ts())) {
      return false;
    }
    Invariants.require(read.ts().micros() < leaseEndMicros, "reads are served only below the lease end");
    Invariants.require(phase == Phase.SERVING, "reads are served only while the lease is ours");
    watermark = Timestamp.max(watermark, read.ts());
    if (read.indexOnly()) {
      outReplies.add(new Reply.ReadIndex(read.id(), read.ts(), lastApplied));
      readsServed++;
      return true;
    }
    TaskId task = nextTask();
    readsOut.put(task, read);
    outTasks.add(read.key() != null
        ? new StorageTask.PointRead(task, read.key(), read.ts())
        : new StorageTask.ScanRead(task, read.span(), read.ts(), read.direction(), read.limit()));
    readsServed++;
    return true;
  }

  /** Whether a write at or below {@code ts} on a key of {@code span} is applied but not settled. */
  private boolean unsettledBelow(KeySpan span, Timestamp ts) {
    if (unsettledBeforeStart != null && !unsettledBeforeStart.isAfter(ts)) {
      return true;
    }
    SortedMap<Key, Timestamp> within = span.end() == null ? unsettled.tailMap(span.start())
        : unsettled.subMap(span.start(), span.end());
    for (Timestamp commitTs : within.values()) {
      if (!commitTs.isAfter(ts)) {
        return true;
      }
    }
    return false;
  }

  /** Drops the unsettled writes whose commit wait has passed; true if any went. */
  private boolean settle() {
    if (unsettledBeforeStart != null && now.earliestMicros() > unsettledBeforeStart.micros()) {
      unsettledBeforeStart = null;
    }
    return unsettled.values().removeIf(commitTs -> now.earliestMicros() > commitTs.micros());
  }

  /** {@code key} was written at {@code commitTs} by an applied command: unsettled until TT.after(commitTs). */
  private void unsettledWrite(Key key, Timestamp commitTs) {
    if (phase != Phase.LOST && now.earliestMicros() <= commitTs.micros()) {
      unsettled.merge(key, commitTs, Timestamp::max);
      if (!outCommitWaits.contains(commitTs)) {
        outCommitWaits.add(commitTs);
      }
    }
  }

  /** A lock at or below {@code ts} holding a key of {@code span}, or null. */
  private Lock blockingLock(KeySpan span, Timestamp ts) {
    for (Lock lock : writeLocksIn(span).values()) {
      if (!lock.ts.isAfter(ts)) {
        return lock;
      }
    }
    return null;
  }

  private void retryWaitingReads() {
    if (phase != Phase.SERVING) {
      return;
    }
    List<WaitingRead> snapshot = new ArrayList<>(waitingReads);
    waitingReads.clear();
    for (WaitingRead waiting : snapshot) {
      if (!tryRead(waiting)) {
        waitingReads.add(waiting);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Splits.

  private void admitSplit(RequestId id, Key splitKey, RangeId newRange) {
    KeySpan span = view.span();
    if (!span.contains(splitKey) || splitKey.equals(span.start())) {
      refuse(id, wrongRange("the split key " + splitKey + " (strictly inside)"));
      return;
    }
    if (pendingSplit != null) {
      refuse(id, Refusal.of(Refusal.Kind.RETRY_LATER, "a split of range " + range + " at "
          + pendingSplit.command().splitKey() + " is under way; retry when it is done"));
      return;
    }
    KeySpan right = new KeySpan(splitKey, span.end());
    String busy = rightSideBusy(right);
    if (busy != null) {
      refuse(id, Refusal.of(Refusal.Kind.RETRY_LATER, "range " + range + " cannot split at " + splitKey + " now: "
          + busy + "; retry shortly"));
      return;
    }
    Timestamp rightFloor = Timestamp.max(Timestamp.max(watermark, lastAssigned), Timestamp.max(closed, maxApplied));
    RangeCommand.Split command = new RangeCommand.Split(range, view.generation(), splitKey, newRange)
        .underLease(leaseSequence, rightFloor);
    pendingSplit = new PendingSplit(id, command);
    outProposals.add(command);
  }

  /** What keeps the right side {@code right} from splitting off now, or null. */
  private String rightSideBusy(KeySpan right) {
    for (Lock lock : locks.values()) {
      boolean touches = lock.writeKeys.stream().anyMatch(right::contains)
          || lock.readSpans.stream().anyMatch(right::overlaps);
      if (touches) {
        return "transaction " + lock.txn + " is " + lock.kind.name().toLowerCase(java.util.Locale.ROOT) + " over it";
      }
    }
    for (Validation validation : validations.values()) {
      if (!validation.answered && touches(validation.txn.request(), right)) {
        return "transaction " + validation.txn.request().txnId() + " is being validated over it";
      }
    }
    for (WaitingRead waiting : waitingReads) {
      if (waiting.read.span().overlaps(right)) {
        return "a read of " + waiting.read.span() + " waits over it";
      }
    }
    return null;
  }

  private static boolean touches(CommitRequest request, KeySpan span) {
    return readSet(request).stream().anyMatch(span::overlaps)
        || request.writes().stream().anyMatch(w -> span.contains(w.key()));
  }

  /** The refusal of a request over {@code span} while the right side of a pending split is frozen, or null. */
  private Refusal frozen(KeySpan span, String what) {
    if (pendingSplit == null || !span.overlaps(pendingSplit.right(view.span()))) {
      return null;
    }
    return Refusal.of(Refusal.Kind.RETRY_LATER, what + " touches the keys range " + range + " is splitting off at "
        + pendingSplit.command().splitKey() + "; retry shortly");
  }

  private void onSplitApplied(RangeCommand.Split split) {
    if (pendingSplit != null && pendingSplit.command().equals(split)) {
      outReplies.add(new Reply.SplitDone(pendingSplit.id(), split));
      pendingSplit = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Commits and prepares.

  private void admitTxn(TxnRequest txn) {
    CommitRequest request = txn.request();
    for (KeySpan span : readSet(request)) {
      if (!within(span, view.span())) {
        refuse(txn.id(), wrongRange("transaction " + request.txnId() + " read " + span + ", which"));
        return;
      }
    }
    for (Write write : request.writes()) {
      if (!view.span().contains(write.key())) {
        refuse(txn.id(), wrongRange("transaction " + request.txnId() + " writes " + write.key() + ", which"));
        return;
      }
    }
    if (pendingSplit != null && touches(request, pendingSplit.right(view.span()))) {
      refuse(txn.id(), frozen(pendingSplit.right(view.span()), "transaction " + request.txnId()));
      return;
    }
    Lock existing = locks.get(request.txnId());
    if (existing != null) {
      if (txn.isPrepare() && existing.kind == LockKind.PREPARED) {
        // A coordinator asking again after an unknown outcome: the prepare took effect.
        outReplies.add(new Reply.Prepared(txn.id(), request.txnId(), existing.ts));
      } else {
        refuse(txn.id(), Refusal.of(Refusal.Kind.RETRY_LATER,
            "transaction " + request.txnId() + " is already committing or prepared here; retry later"));
      }
      return;
    }
    Optional<Refusal> conflict = lockConflict(request);
    if (conflict.isPresent()) {
      conflicts++;
      refuse(txn.id(), conflict.get());
      return;
    }
    List<KeySpan> readSet = readSet(request);
    Validation validation = new Validation(txn, recentWriteSequence);
    if (readSet.isEmpty()) {
      finishValidation(validation, Optional.empty());
      return;
    }
    TaskId task = nextTask();
    validations.put(task, validation);
    outTasks.add(new StorageTask.ValidationScan(task, request.readTs(), readSet));
  }

  private void finishValidation(Validation validation, Optional<Version> newer) {
    TxnRequest txn = validation.txn;
    CommitRequest request = txn.request();
    if (phase != Phase.SERVING) {
      refuse(txn.id(), notLeaseholder("the lease ended while transaction " + request.txnId() + " was validated"));
      return;
    }
    if (newer.isPresent()) {
      conflicts++;
      Version version = newer.get();
      refuse(txn.id(), conflict(request, version.key(),
          "was written by a transaction that committed at " + version.commitTs() + ", after this one read it"));
      return;
    }
    List<KeySpan> readSet = readSet(request);
    for (RecentWrite write : recentWrites) {
      if (write.sequence() > validation.recentWritesMark
          && write.commitTs().isAfter(request.readTs())
          && readSet.stream().anyMatch(span -> span.contains(write.key()))) {
        conflicts++;
        refuse(txn.id(), conflict(request, write.key(),
            "was written by transaction " + write.txn() + ", which committed at " + write.commitTs()
                + ", after this one read it"));
        return;
      }
    }
    Optional<Refusal> conflict = locks.containsKey(request.txnId())
        ? Optional.of(Refusal.of(Refusal.Kind.RETRY_LATER,
            "transaction " + request.txnId() + " is already committing or prepared here; retry later"))
        : lockConflict(request);
    if (conflict.isPresent()) {
      conflicts++;
      refuse(txn.id(), conflict.get());
      return;
    }
    if (!txn.isPrepare() && request.writes().isEmpty()) {
      // Nothing to order: the reads form a consistent snapshot at readTs, which the watermark froze.
      outReplies.add(new Reply.Committed(txn.id(), request.txnId(), request.readTs()));
      return;
    }
    Timestamp ts = assignTimestamp(request.readTs());
    if (ts == null) {
      refuse(txn.id(), Refusal.of(Refusal.Kind.RETRY_LATER,
          "the lease of range " + range + " ends at ts" + leaseEndMicros
              + ", too soon to commit under it; retry shortly (the lease is renewed or moves)"));
      return;
    }
    List<Key> writeKeys = request.writes().stream().map(Write::key).toList();
    LockKind kind = txn.isPrepare() ? LockKind.PREPARING : LockKind.COMMITTING;
    List<KeySpan> readIntents = txn.isPrepare() ? readSet : List.of();
    installLock(new Lock(request.txnId(), kind, ts, leaseSequence, writeKeys, readIntents, txn.id()));
    outProposals.add(txn.isPrepare()
        ? new RangeCommand.Prepare(range, view.generation(), leaseSequence, request.txnId(), ts,
            request.writes(), readSet, txn.coordinatorRange())
        : new RangeCommand.Commit(range, view.generation(), leaseSequence, request.txnId(), ts,
            request.writes()));
  }

  /**
   * The next timestamp under invariant 1 for a transaction that read at {@code readTs}, or null
   * within the margin before the lease end. It is above {@code readTs} too: a transaction must
   * serialize after the snapshot it read, even one whose read timestamp came from a clock ahead of
   * ours and that read nothing here.
   */
  private Timestamp assignTimestamp(Timestamp readTs) {
    Timestamp base = Timestamp.max(Timestamp.max(Timestamp.ofMicros(now.latestMicros()), readTs),
        Timestamp.max(Timestamp.max(lastAssigned, watermark), Timestamp.max(Timestamp.max(floor, maxApplied), closed)));
    Timestamp ts = base.next();
    if (ts.micros() >= leaseEndMicros - limits.leaseEndMarginMicros()) {
      refusedNearLeaseEnd++;
      return null;
    }
    Invariants.require(ts.isAfter(lastAssigned), "assigned timestamps strictly increase");
    Invariants.require(ts.isAfter(watermark), "an assigned timestamp is above the read watermark");
    Invariants.require(ts.isAfter(floor), "an assigned timestamp is above the lease floor");
    Invariants.require(ts.isAfter(maxApplied), "an assigned timestamp is above every applied commit");
    Invariants.require(ts.isAfter(closed), "an assigned timestamp is above the closed timestamp");
    Invariants.require(ts.micros() > now.latestMicros(), "an assigned timestamp is above now.latest");
    Invariants.require(ts.isAfter(readTs), "an assigned timestamp is above the transaction's read timestamp");
    Invariants.require(ts.micros() < leaseEndMicros, "an assigned timestamp is below the lease end");
    Invariants.require(phase == Phase.SERVING, "timestamps are assigned only while the lease is ours");
    lastAssigned = ts;
    return ts;
  }

  /** Why {@code request} may not go ahead given the locks held now, if it may not. */
  private Optional<Refusal> lockConflict(CommitRequest request) {
    for (KeySpan span : readSet(request)) {
      for (Map.Entry<Key, Lock> entry : writeLocksIn(span).entrySet()) {
        if (!entry.getValue().txn.equals(request.txnId())) {
          return Optional.of(conflict(request, entry.getKey(), heldBy(entry.getValue())));
        }
      }
    }
    for (Write write : request.writes()) {
      Lock holder = writeLocks.get(write.key());
      if (holder != null && !holder.txn.equals(request.txnId())) {
        return Optional.of(conflict(request, write.key(), heldBy(holder)));
      }
      for (Lock lock : locks.values()) {
        if (!lock.txn.equals(request.txnId())
            && lock.readSpans.stream().anyMatch(span -> span.contains(write.key()))) {
          return Optional.of(conflict(request, write.key(),
              "was read by transaction " + lock.txn + ", which is prepared at " + lock.ts));
        }
      }
    }
    return Optional.empty();
  }

  private static String heldBy(Lock lock) {
    return "is being written by transaction " + lock.txn + ", which is "
        + (lock.kind == LockKind.COMMITTING ? "committing" : "prepared") + " at " + lock.ts;
  }

  private void installLock(Lock lock) {
    Lock previous = locks.put(lock.txn, lock);
    Invariants.require(previous == null, "one lock per transaction: %s", lock.txn);
    for (Key key : lock.writeKeys) {
      Lock other = writeLocks.put(key, lock);
      Invariants.require(other == null, "two locks hold key %s", key);
    }
  }

  private void removeLock(Lock lock) {
    boolean removed = locks.remove(lock.txn, lock);
    Invariants.require(removed, "a lock removed twice: %s", lock.txn);
    for (Key key : lock.writeKeys) {
      boolean released = writeLocks.remove(key, lock);
      Invariants.require(released, "a lock lost its key %s before release", key);
    }
  }

  private SortedMap<Key, Lock> writeLocksIn(KeySpan span) {
    return span.end() == null ? writeLocks.tailMap(span.start()) : writeLocks.subMap(span.start(), span.end());
  }

  // ---------------------------------------------------------------------------------------------
  // Resolves and decisions.

  private void admitResolve(PendingResolve resolve, TxnId txn) {
    Lock lock = locks.get(txn);
    if (lock != null && resolve.outcome() == TxnOutcome.COMMITTED && resolve.commitTs().isBefore(lock.ts)) {
      refuse(resolve.id(), Refusal.of(Refusal.Kind.INVALID,
          "transaction " + txn + " cannot commit at " + resolve.commitTs() + ", below its prepare at " + lock.ts));
      return;
    }
    if (lock != null && lock.kind == LockKind.PREPARING) {
      deferredResolves.computeIfAbsent(txn, t -> new ArrayList<>()).add(resolve);
      return;
    }
    proposeResolve(txn, resolve);
  }

  private void proposeResolve(TxnId txn, PendingResolve resolve) {
    List<RequestId> waiters = resolvesInFlight.computeIfAbsent(txn, t -> new ArrayList<>());
    waiters.add(resolve.id());
    if (waiters.size() == 1) {
      // A second resolve of the same transaction rides on the first: the decision is one fact.
      outProposals.add(new RangeCommand.Resolve(range, txn, resolve.outcome(), resolve.commitTs()));
    }
  }

  private void admitDecision(RequestId id, TxnId txn, RangeCommand.RecordDecision proposal) {
    Optional<RangeCommand.RecordDecision> recorded = view.decision(txn);
    if (recorded.isPresent()) {
      outReplies.add(new Reply.TxnStatus(id, txn, recorded));
      return;
    }
    List<RequestId> waiters = decisionWaiters.get(txn);
    if (waiters != null) {
      waiters.add(id);
      return;
    }
    if (proposal == null) {
      outReplies.add(new Reply.TxnStatus(id, txn, Optional.empty()));
      return;
    }
    decisionWaiters.computeIfAbsent(txn, t -> new ArrayList<>()).add(id);
    outProposals.add(proposal);
  }

  private void answerDecisionWaiters(TxnId txn) {
    List<RequestId> waiters = decisionWaiters.remove(txn);
    if (waiters == null) {
      return;
    }
    Optional<RangeCommand.RecordDecision> recorded = view.decision(txn);
    Invariants.require(recorded.isPresent(), "an applied decision of %s is in the state", txn);
    for (RequestId id : waiters) {
      outReplies.add(new Reply.TxnStatus(id, txn, recorded));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Applied commands.

  private void advanceSlot(LogSlot slot) {
    Invariants.require(slot.isAfter(lastApplied), "applied slots strictly increase: %s after %s", slot, lastApplied);
    lastApplied = slot;
  }

  private void onCommitApplied(RangeCommand.Commit commit) {
    maxApplied = Timestamp.max(maxApplied, commit.commitTs());
    for (Write write : commit.writes()) {
      recordRecentWrite(write.key(), commit.commitTs(), commit.txn());
      unsettledWrite(write.key(), commit.commitTs());
    }
    if (!active || commit.leaseSequence() != leaseSequence || phase == Phase.LOST) {
      // Another lease's commit, or ours after the loss (its client heard "unknown"; locks are gone).
      return;
    }
    Lock lock = locks.get(commit.txn());
    Invariants.require(lock != null && lock.kind == LockKind.COMMITTING,
        "a commit applied under lease %s was proposed by this leaseholder: %s", leaseSequence, commit.txn());
    Invariants.require(lock.ts.equals(commit.commitTs()),
        "a commit applied at the timestamp its leaseholder assigned: %s", commit.txn());
    removeLock(lock);
    if (lock.requester != null) {
      commitWaits.add(new CommitWaitEntry(lock.requester, commit.txn(), commit.commitTs()));
      if (now.earliestMicros() <= commit.commitTs().micros() && !outCommitWaits.contains(commit.commitTs())) {
        outCommitWaits.add(commit.commitTs());
      }
    }
  }

  private void onPrepareApplied(RangeCommand.Prepare prepare) {
    if (!active || prepare.leaseSequence() != leaseSequence || phase == Phase.LOST) {
      // An earlier lease's prepare applied before ours started is picked up from the state when
      // ours starts (syncPreparedFromView); after the loss this core holds no locks.
      return;
    }
    Lock lock = locks.get(prepare.txn());
    Invariants.require(lock != null && lock.kind == LockKind.PREPARING,
        "a prepare applied under lease %s was proposed by this leaseholder: %s", leaseSequence, prepare.txn());
    Invariants.require(lock.ts.equals(prepare.prepareTs()),
        "a prepare applied at the timestamp its leaseholder assigned: %s", prepare.txn());
    lock.kind = LockKind.PREPARED;
    preparesApplied++;
    if (lock.requester != null) {
      outReplies.add(new Reply.Prepared(lock.requester, prepare.txn(), prepare.prepareTs()));
      lock.requester = null;
    }
    releaseDeferredResolves(prepare.txn());
  }

  private void onResolveApplied(RangeCommand.Resolve resolve) {
    Lock lock = locks.get(resolve.txn());
    if (lock != null) {
      Invariants.require(lock.kind == LockKind.PREPARED,
          "a resolve is applied only after its prepare: %s", resolve.txn());
      removeLock(lock);
      if (resolve.outcome() == TxnOutcome.COMMITTED) {
        for (Key key : lock.writeKeys) {
          recordRecentWrite(key, resolve.commitTs(), resolve.txn());
          unsettledWrite(key, resolve.commitTs());
        }
      }
    }
    if (resolve.outcome() == TxnOutcome.COMMITTED) {
      maxApplied = Timestamp.max(maxApplied, resolve.commitTs());
    }
    List<RequestId> waiters = resolvesInFlight.remove(resolve.txn());
    if (waiters != null) {
      for (RequestId id : waiters) {
        outReplies.add(new Reply.Resolved(id, resolve.txn()));
      }
    }
  }

  private void onCloseApplied(RangeCommand.CloseTimestamp close) {
    if (close.leaseSequence() == leaseSequence && active) {
      Invariants.require(!close.closedTs().isAfter(closed), "an applied close of this lease is one this core promised");
      if (close.closedTs().equals(closeInFlight)) {
        closeInFlight = null;
      }
    }
  }

  private void onLeaseStartApplied(RangeCommand.LeaseStart lease) {
    boolean ours = isOurs(lease);
    if (ours && phase == Phase.STARTING) {
      activate(lease);
    } else if (active && !ours) {
      loseLease("lease " + lease.leaseSequence() + " of " + lease.holder() + " superseded ours");
    }
    // Otherwise an earlier holder's LeaseStart recovered from the log: ours will be rejected and
    // proposed again above it.
  }

  private void activate(RangeCommand.LeaseStart lease) {
    Invariants.require(view.lease().equals(Optional.of(lease)), "the state machine's lease is the one applied");
    Invariants.require(!lease.floorTs().isBefore(successionFloor), "the lease floor is above the succession floor");
    active = true;
    phase = Phase.SERVING;
    floor = lease.floorTs();
    closed = Timestamp.max(closed, view.closedTs());
    maxApplied = Timestamp.max(maxApplied, view.maxAppliedCommitTs());
    if (now.earliestMicros() <= maxApplied.micros()) {
      unsettledBeforeStart = maxApplied;
      if (!outCommitWaits.contains(maxApplied)) {
        outCommitWaits.add(maxApplied);
      }
    }
    syncPreparedFromView();
    List<Deferred> replay = new ArrayList<>(waitingForLease);
    waitingForLease.clear();
    for (Deferred deferred : replay) {
      deferred.replay().run();
    }
  }

  /**
   * Whether {@code lease} is the LeaseStart this core proposed. Holder and sequence alone do not say:
   * an earlier core of this same replica (an earlier leadership, or one given up) may have proposed
   * the same sequence with a lower floor, and Paxos may still choose it, even after this core began.
   * Its floor tells them apart (this core's is at least its own succession floor).
   */
  private boolean isOurs(RangeCommand.LeaseStart lease) {
    return lease.holder().equals(self) && lease.leaseSequence() == leaseSequence
        && lease.floorTs().equals(proposedFloor);
  }

  private void proposeLeaseStart() {
    long sequence = view.lease().map(RangeCommand.LeaseStart::leaseSequence).orElse(0L) + 1;
    Timestamp previousFloor = view.lease().map(RangeCommand.LeaseStart::floorTs).orElse(Timestamp.ZERO);
    floor = Timestamp.max(Timestamp.max(Timestamp.max(floor, successionFloor), Timestamp.max(maxApplied, previousFloor)),
        view.closedTs());
    closed = Timestamp.max(closed, view.closedTs());
    Invariants.require(!floor.isBefore(view.closedTs()), "a lease floor is at least the log's closed timestamp");
    Invariants.require(!floor.isBefore(successionFloor), "a lease floor is at least the succession floor");
    Invariants.require(!floor.isBefore(maxApplied), "a lease floor is at least every applied commit");
    leaseSequence = sequence;
    proposedFloor = floor;
    outProposals.add(new RangeCommand.LeaseStart(range, sequence, self, floor));
  }

  /** Rebuilds the prepared locks from the state machine (they are its state, not ours). */
  private void syncPreparedFromView() {
    Map<TxnId, RangeCommand.Prepare> prepared = new LinkedHashMap<>();
    for (RangeCommand.Prepare prepare : view.preparedTxns()) {
      prepared.put(prepare.txn(), prepare);
    }
    for (Lock lock : List.copyOf(locks.values())) {
      if (lock.kind == LockKind.PREPARED && !prepared.containsKey(lock.txn)) {
        removeLock(lock);
      }
    }
    for (RangeCommand.Prepare prepare : prepared.values()) {
      if (!locks.containsKey(prepare.txn())) {
        installLock(lockOf(prepare));
      }
    }
  }

  private static Lock lockOf(RangeCommand.Prepare prepare) {
    return new Lock(prepare.txn(), LockKind.PREPARED, prepare.prepareTs(), prepare.leaseSequence(),
        prepare.writes().stream().map(Write::key).toList(), prepare.readSpans(), null);
  }

  /** {@code command} did not and will not take effect (rejected at apply, or never proposed). */
  private void notApplied(RangeCommand command, String why, boolean atApply) {
    switch (command) {
      case RangeCommand.Commit commit -> dropProposedLock(commit.txn(), commit.commitTs(), why);
      case RangeCommand.Prepare prepare -> dropProposedLock(prepare.txn(), prepare.prepareTs(), why);
      case RangeCommand.Resolve resolve -> {
        List<RequestId> waiters = resolvesInFlight.remove(resolve.txn());
        if (waiters != null && atApply) {
          // The state machine rejects a resolve only when it holds nothing of the transaction (a
          // repeat, or a participant whose prepare was refused): that is done, as Reply.Resolved says.
          waiters.forEach(id -> outReplies.add(new Reply.Resolved(id, resolve.txn())));
        } else if (waiters != null) {
          waiters.forEach(id -> refuse(id, Refusal.of(Refusal.Kind.RETRY_LATER, "resolve " + why)));
        }
      }
      case RangeCommand.RecordDecision decision -> {
        List<RequestId> waiters = decisionWaiters.remove(decision.txn());
        if (waiters != null) {
          waiters.forEach(id -> refuse(id, Refusal.of(Refusal.Kind.RETRY_LATER, "decision " + why)));
        }
      }
      case RangeCommand.LeaseStart lease -> {
        boolean ours = isOurs(lease);
        if (ours && phase == Phase.STARTING) {
          if (atApply) {
            // An earlier holder's LeaseStart got in first (recovered from the log): go again above it.
            proposeLeaseStart();
          } else {
            loseLease("Paxos refused our lease start: " + why);
          }
        }
      }
      case RangeCommand.Split split -> {
        if (pendingSplit != null && pendingSplit.command().equals(split)) {
          refuse(pendingSplit.id(), Refusal.of(Refusal.Kind.RETRY_LATER, "the split of range " + range + " at "
              + split.splitKey() + " was " + why + "; plan it again"));
          pendingSplit = null;
        }
      }
      case RangeCommand.CloseTimestamp close -> {
        if (close.leaseSequence() == leaseSequence && close.closedTs().equals(closeInFlight)) {
          // The promise stays: the core may have told a heartbeat, and keeping it costs nothing.
          closeInFlight = null;
        }
      }
    }
  }

  private void dropProposedLock(TxnId txn, Timestamp ts, String why) {
    Lock lock = locks.get(txn);
    if (lock == null || lock.kind == LockKind.PREPARED || !lock.ts.equals(ts)) {
      return;
    }
    removeLock(lock);
    if (lock.requester != null) {
      refuse(lock.requester, notLeaseholder("transaction " + txn + " was " + why));
    }
    releaseDeferredResolves(txn);
  }

  private void releaseDeferredResolves(TxnId txn) {
    List<PendingResolve> deferred = deferredResolves.remove(txn);
    if (deferred != null) {
      deferred.forEach(resolve -> proposeResolve(txn, resolve));
    }
  }

  private void releaseCommitWaits() {
    Iterator<CommitWaitEntry> it = commitWaits.iterator();
    while (it.hasNext()) {
      CommitWaitEntry entry = it.next();
      if (now.earliestMicros() > entry.commitTs().micros()) {
        it.remove();
        commitsAcknowledged++;
        outReplies.add(new Reply.Committed(entry.id(), entry.txn(), entry.commitTs()));
      }
    }
  }

  private void recordRecentWrite(Key key, Timestamp commitTs, TxnId txn) {
    if (!validations.isEmpty()) {
      recentWrites.add(new RecentWrite(++recentWriteSequence, key, commitTs, txn));
    }
  }

  /** Drops recent writes no outstanding validation can need (bounded by what is out). */
  private void pruneRecentWrites() {
    long oldestMark = Long.MAX_VALUE;
    for (Validation validation : validations.values()) {
      oldestMark = Math.min(oldestMark, validation.recentWritesMark);
    }
    long mark = oldestMark;
    recentWrites.removeIf(write -> write.sequence() <= mark);
  }

  // ---------------------------------------------------------------------------------------------
  // Losing the lease.

  private void loseLease(String why) {
    if (phase == Phase.LOST) {
      return;
    }
    phase = Phase.LOST;
    for (Lock lock : locks.values()) {
      if (lock.requester != null) {
        outcomeUnknown++;
        refuse(lock.requester, Refusal.of(Refusal.Kind.OUTCOME_UNKNOWN,
            "the outcome of transaction " + lock.txn + " (" + (lock.kind == LockKind.COMMITTING ? "commit" : "prepare")
                + " at " + lock.ts + ") is unknown: the lease of range " + range + " was lost (" + why
                + ") while it was proposed; read back what it wrote before running it again"));
        lock.requester = null;
      }
    }
    resolvesInFlight.forEach((txn, ids) -> ids.forEach(id -> refuse(id, Refusal.of(Refusal.Kind.OUTCOME_UNKNOWN,
        "the resolve of " + txn + " may or may not be applied (lease lost: " + why + "); resolving again is safe"))));
    resolvesInFlight.clear();
    decisionWaiters.forEach((txn, ids) -> ids.forEach(id -> refuse(id, Refusal.of(Refusal.Kind.OUTCOME_UNKNOWN,
        "the record of " + txn + " may or may not be written (lease lost: " + why
            + "); ask the new leaseholder, the record is write-once"))));
    decisionWaiters.clear();
    if (pendingSplit != null) {
      outcomeUnknown++;
      refuse(pendingSplit.id(), Refusal.of(Refusal.Kind.OUTCOME_UNKNOWN, "the split of range " + range + " at "
          + pendingSplit.command().splitKey() + " may or may not be applied (lease lost: " + why
          + "); read the range's descriptor back"));
      pendingSplit = null;
    }
    refuseUnproposed(notLeaseholder("the lease of range " + range + " was lost: " + why));
    // A lost core admits nothing, so it needs no locks; and it could not keep them true, since
    // proposals Paxos lost are never reported back.
    locks.clear();
    writeLocks.clear();
  }

  /** Refuses every request not yet proposed, with {@code refusal} (certainly not applied). */
  private void refuseUnproposed(Refusal refusal) {
    for (WaitingRead waiting : waitingReads) {
      refuse(waiting.read.id(), refusal);
    }
    waitingReads.clear();
    for (Deferred deferred : waitingForLease) {
      refuse(deferred.id(), refusal);
    }
    waitingForLease.clear();
    for (Validation validation : validations.values()) {
      if (!validation.answered) {
        validation.answered = true;
        refuse(validation.txn.id(), refusal);
      }
    }
    deferredResolves.forEach((txn, resolves) -> resolves.forEach(r -> refuse(r.id(), refusal)));
    deferredResolves.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  /** Admits a new request: bounded, and gated on the phase. */
  private void submit(RequestId id, Runnable admit) {
    switch (phase) {
      case LOST -> refuse(id, notLeaseholder("this replica does not hold the lease of range " + range));
      case TRANSFERRING -> refuse(id, notLeaseholder("the lease of range " + range + " is moving"));
      case STARTING, SERVING -> {
        if (pending() >= limits.maxPendingRequests()) {
          refusedOverloaded++;
          refuse(id, Refusal.of(Refusal.Kind.RETRY_LATER, "the leaseholder of range " + range + " holds "
              + pending() + " requests, its limit; retry shortly"));
        } else if (phase == Phase.STARTING) {
          waitingForLease.add(new Deferred(id, admit));
        } else {
          admit.run();
        }
      }
    }
  }

  // TODO(perf): counted by walking the pending structures at each request; keep a running count if
  // the bound is ever raised far above its default.
  private int pending() {
    int inFlight = 0;
    for (Lock lock : locks.values()) {
      inFlight += lock.requester != null ? 1 : 0;
    }
    int waiters = 0;
    for (List<RequestId> ids : resolvesInFlight.values()) {
      waiters += ids.size();
    }
    for (List<RequestId> ids : decisionWaiters.values()) {
      waiters += ids.size();
    }
    for (List<PendingResolve> resolves : deferredResolves.values()) {
      waiters += resolves.size();
    }
    return waitingReads.size() + waitingForLease.size() + readsOut.size() + validations.size()
        + commitWaits.size() + inFlight + waiters + (pendingSplit == null ? 0 : 1);
  }

  private void observe(TTInterval next) {
    Invariants.require(next.latestMicros() >= now.latestMicros(), "TrueTime's latest never goes backwards");
    Invariants.require(next.earliestMicros() >= now.earliestMicros(), "TrueTime's earliest never goes backwards");
    now = next;
    releaseCommitWaits();
    settle();
  }

  private TaskId nextTask() {
    return new TaskId(nextTask++);
  }

  private void refuse(RequestId id, Refusal refusal) {
    outReplies.add(new Reply.Refused(id, refusal));
  }

  private Refusal notLeaseholder(String why) {
    return new Refusal(Refusal.Kind.NOT_LEASEHOLDER, why + "; retry at the leaseholder",
        phase == Phase.TRANSFERRING ? transferTarget : null, null, null);
  }

  private Refusal wrongRange(String what) {
    return Refusal.of(Refusal.Kind.WRONG_RANGE,
        what + " is outside range " + range + " " + view.span() + "; refresh the range descriptor and retry");
  }

  /**
   * A conflict of {@code request} over {@code key}, which {@code reason}; the message names what the
   * transaction did with the key (read it, scanned a span holding it, or writes it), as RangeLeader's
   * messages do, so the SQL layer can say it in SQL terms.
   */
  private static Refusal conflict(CommitRequest request, Key key, String reason) {
    return new Refusal(Refusal.Kind.CONFLICT,
        "transaction " + request.txnId() + " conflicts: " + touched(request, key) + ": " + key + " " + reason
            + "; retry the transaction", null, key, reason);
  }

  private static String touched(CommitRequest request, Key key) {
    if (request.readKeys().contains(key)) {
      return "key " + key + ", read at " + request.readTs();
    }
    for (KeySpan span : request.readSpans()) {
      if (span.contains(key)) {
        return "span " + span + ", read at " + request.readTs();
      }
    }
    return "key " + key + ", written";
  }

  /** The read set as spans: each key read as a point, then each span scanned. */
  private static List<KeySpan> readSet(CommitRequest request) {
    List<KeySpan> spans = new ArrayList<>(request.readKeys().size() + request.readSpans().size());
    request.readKeys().forEach(key -> spans.add(KeySpan.point(key)));
    spans.addAll(request.readSpans());
    return spans;
  }

  /** Whether {@code inner} lies inside {@code outer}. */
  private static boolean within(KeySpan inner, KeySpan outer) {
    boolean startInside = inner.start().compareTo(outer.start()) >= 0;
    boolean endInside = outer.end() == null || (inner.end() != null && inner.end().compareTo(outer.end()) <= 0);
    return startInside && endInside;
  }

  /** Diagnostics and the metrics of {@link LeaseholderLimits}. */
  public Stats stats() {
    return new Stats(phase, leaseSequence, floor, watermark, lastAssigned, maxApplied, closed, leaseEndMicros,
        locks.size(), pending(), readsServed, commitsAcknowledged, preparesApplied, conflicts,
        refusedNearLeaseEnd, refusedOverloaded, outcomeUnknown);
  }

  public record Stats(
      Phase phase,
      long leaseSequence,
      Timestamp floor,
      Timestamp readWatermark,
      Timestamp lastAssigned,
      Timestamp maxAppliedCommitTs,
      Timestamp closedTs,
      long leaseEndMicros,
      int locks,
      int pending,
      long readsServed,
      long commitsAcknowledged,
      long preparesApplied,
      long conflicts,
      long refusedNearLeaseEnd,
      long refusedOverloaded,
      long outcomeUnknown) {}
}
