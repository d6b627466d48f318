package dev.meridian.txn.coordinator;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnLimitException;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.coordinator.coordinate.Footprint;
import dev.meridian.txn.coordinator.coordinate.Grouping;
import dev.meridian.txn.coordinator.coordinate.OnePhaseCommit;
import dev.meridian.txn.coordinator.coordinate.PersistDecision;
import dev.meridian.txn.coordinator.coordinate.PrepareParticipants;
import dev.meridian.txn.coordinator.coordinate.ResolveParticipants;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.Outbound;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.coordinator.message.Refresh;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The commit of one read-write transaction, on its gateway node: the one-range fast path, or
 * two-phase commit over several ranges (DESIGN §6, §11). I/O-free: inputs are the commit itself,
 * replies, timeouts, descriptor refreshes and ticks, each with the gateway's current {@link
 * TTInterval}; every input returns a {@link Ready}. Single-threaded (the node's transaction loop).
 *
 * <p>Phases: {@code PLANNING} (grouping keys by range; may wait for descriptors) → {@code ONE_PHASE}
 * or {@code PREPARING} → {@code DECIDING} (2PC only: recording the decision) → {@code COMMIT_WAIT}
 * → {@code RESOLVING} (2PC only, after the client's answer) → {@code DONE}. An abort goes from
 * {@code PREPARING} or {@code DECIDING} to {@code RESOLVING} with the outcome {@code ABORTED}.
 *
 * <p>Invariants, and why they make 2PC atomic and the answers honest:
 * <ol>
 *   <li><b>Only a recorded commit commits.</b> Participants apply the transaction only on a {@code
 *       Resolve(COMMITTED)}, which this object sends only after the coordinator range answered
 *       that {@code COMMITTED} is recorded, and recovery sends only from the record. The record is
 *       write-once, so every participant resolves the way the record says.
 *   <li><b>An abort without a record is safe.</b> When a participant refuses before any commit
 *       decision was proposed, this object resolves every participant {@code ABORTED} directly and
 *       answers 40001, without recording the abort first. Roads not taken: recording {@code
 *       ABORTED} first would cost a Paxos round in the coordinator range on every conflict (the
 *       common abort, under contention, where extra writes hurt most) and delay the client's
 *       retry by it. It buys nothing for safety: {@code COMMITTED} can only ever be proposed by
 *       this object, which has decided not to; if its resolves are lost (gateway crash), a stuck
 *       participant asks the coordinator range, finds no record, and past the deadline records
 *       {@code ABORTED} itself. The only cost of not recording is that recovery of a lost abort
 *       waits for the deadline.
 *   <li><b>commitTs ≥ every prepare timestamp and ≥ {@code TT.now().latest} at decision time</b>,
 *       so every participant can apply at it (each promised not to serve reads above its prepare
 *       timestamp over the intents until resolved) and it is not below true time when the commit
 *       was decided (external consistency with commit wait).
 *   <li><b>Commit wait.</b> {@link ClientAnswer.Committed} is given only once this gateway's clock
 *       says {@code TT.after(commitTs)}, whatever the leaseholder did.
 *   <li><b>40001 means certainly not applied, 40003 everything else.</b> 40001 only when no commit
 *       can ever happen: the fast path's leaseholder refused or redirected (it proposed nothing), or
 *       no commit decision was proposed (a refusal, or the deadline in {@code PREPARING}), or the
 *       record says {@code ABORTED}. A fast-path commit with a lost answer, and a commit decision
 *       whose record could not be read back by the deadline, answer 40003.
 *   <li><b>One coordinator range.</b> Fixed when 2PC starts (the range of the smallest written
 *       key), named in every Prepare, and the only place a decision is recorded, found by range id
 *       even after that range split: a participant asks exactly the range its Prepare named.
 * </ol>
 */
public final class TxnCoordinator {

  /** Where the commit is; see the class comment. */
  public enum Phase { IDLE, PLANNING, ONE_PHASE, PREPARING, DECIDING, COMMIT_WAIT, RESOLVING, DONE }

  private enum Kind { ONE_PHASE, PREPARE, DECISION, RESOLVE }

  private record Pending(Kind kind, RangeId range, RangeDescriptor target) {}

  private final TxnId txn;
  private final Timestamp readTs;
  private final Timestamp deadline;
  private final RangeLookup lookup;
  private final CoordinatorLimits limits;
  private final TxnLimits txnLimits;
  private final CoordinatorCounters counters;

  private Phase phase = Phase.IDLE;
  private Footprint footprint;
  private long nextRequestId = 1;
  private final Map<Long, Pending> outstanding = new HashMap<>();
  private OnePhaseCommit onePhase;
  private PrepareParticipants prepare;
  private PersistDecision decision;
  private ResolveParticipants resolve;
  private Timestamp commitTs;
  private boolean twoPhase;
  private boolean awaitingRefresh;
  private ClientAnswer answer;
  private Timestamp lastWake;

  // What the input being handled asks for; drained into its Ready.
  private final List<Refresh> refreshes = new ArrayList<>();
  private final List<Outbound> requests = new ArrayList<>();
  private ClientAnswer newAnswer;

  public TxnCoordinator(TxnId txn, Timestamp readTs, RangeLookup lookup, CoordinatorLimits limits,
      TxnLimits txnLimits, CoordinatorCounters counters) {
    this.txn = txn;
    this.readTs = readTs;
    this.deadline = new Timestamp(Math.addExact(readTs.micros(), limits.maxTxnDurationMicros()));
    this.lookup = lookup;
    this.limits = limits;
    this.txnLimits = txnLimits;
    this.counters = counters;
  }

  public TxnId txn() {
    return txn;
  }

  public Phase phase() {
    return phase;
  }

  /** After this, the coordinator gives up: 40001 before a commit decision was proposed, 40003 after. */
  public Timestamp deadline() {
    return deadline;
  }

  /** The answer given, if any. */
  public Optional<ClientAnswer> answer() {
    return Optional.ofNullable(answer);
  }

  /** Nothing is left to do: answered, and every resolve acknowledged or abandoned. */
  public boolean isDone() {
    return phase == Phase.DONE;
  }

  /** Requests sent and not yet answered or timed out. */
  public int outstandingRequests() {
    return outstanding.size();
  }

  /** Commits the transaction's buffered {@code writes} (one per key) and its read set. Called once. */
  public Ready commit(List<Write> writes, List<Key> readKeys, List<KeySpan> readSpans, TTInterval now) {
    Invariants.require(phase == Phase.IDLE, "commit of %s called twice", txn);
    footprint = new Footprint(writes, readKeys, readSpans);
    phase = Phase.PLANNING;
    String overLimit = overLimit(footprint);
    if (overLimit != null) {
      counters.limitRefusals++;
      finishWith(new TxnLimitException(overLimit));
    } else if (!footprint.hasWrites()) {
      // Nothing to validate against later writes: the reads were snapshot reads at readTs, each
      // raising its range's read watermark, so the transaction is serialized at readTs.
      commitTs = readTs;
      phase = Phase.COMMIT_WAIT;
      finishCommitWait(now);
    } else {
      plan(now);
    }
    return drain(now);
  }

  public Ready onReply(long requestId, ParticipantReply reply, TTInterval now) {
    Pending pending = outstanding.remove(requestId);
    if (pending == null) {
      counters.staleReplies++;
      return drain(now);
    }
    if (reply instanceof ParticipantReply.Redirect) {
      counters.redirects++;
    }
    switch (pending.kind()) {
      case ONE_PHASE -> onePhaseReply(pending, reply, now);
      case PREPARE -> prepareReply(pending, reply, now);
      case DECISION -> decisionReply(pending, reply, now);
      case RESOLVE -> resolveReply(pending, reply);
    }
    checkDeadline(now);
    return drain(now);
  }

  /** The request/response layer gave up on {@code requestId} (no answer by its deadline). */
  public Ready onTimeout(long requestId, TTInterval now) {
    Pending pending = outstanding.remove(requestId);
    if (pending == null) {
      counters.staleReplies++;
      return drain(now);
    }
    switch (pending.kind()) {
      case ONE_PHASE -> finishWith(new TxnOutcomeUnknownException("the one-range commit of " + txn
          + " at " + pending.range() + " got no answer; it may or may not have committed: read back what it"
          + " wrote before running it again", null));
      case PREPARE -> {
        if (!passed(deadline, now)) {
          sendPrepare(pending.range());
        }
      }
      case DECISION -> {
        if (!passed(deadline, now)) {
          sendDecision(now);
        }
      }
      case RESOLVE -> resolveFailed(pending.range(), false);
    }
    checkDeadline(now);
    return drain(now);
  }

  /** The descriptor cache was refreshed after a {@link Ready#refreshes()} ask. */
  public Ready onDescriptorsRefreshed(TTInterval now) {
    if (!awaitingRefresh) {
      return drain(now);
    }
    awaitingRefresh = false;
    switch (phase) {
      case PLANNING, ONE_PHASE -> plan(now);
      case PREPARING -> regroupPrepare(now);
      case DECIDING -> sendDecision(now);
      case RESOLVING -> {
        resolve.refreshed();
        pumpResolves();
      }
      default -> { }
    }
    return drain(now);
  }

  /** Time passed (commit wait, the deadline). */
  public Ready tick(TTInterval now) {
    if (phase == Phase.COMMIT_WAIT) {
      finishCommitWait(now);
    }
    checkDeadline(now);
    return drain(now);
  }

  // ---- planning

  private void plan(TTInterval now) {
    if (passed(deadline, now)) {
      finishUnavailable("its ranges could not be found");
      return;
    }
    Grouping.Result result = Grouping.group(footprint, lookup);
    if (result instanceof Grouping.Missing missing) {
      phase = Phase.PLANNING;
      askRefresh(new Refresh.MissingKey(missing.key()));
      return;
    }
    Grouping.Grouped grouped = (Grouping.Grouped) result;
    List<Grouping.Group> groups = grouped.groups();
    if (onePhase != null || phase == Phase.ONE_PHASE) {
      counters.regroups++;
    }
    if (groups.size() > limits.maxParticipants()) {
      counters.limitRefusals++;
      finishWith(new TxnLimitException(tooManyParticipants(groups.size())));
      return;
    }
    if (groups.size() == 1) {
      phase = Phase.ONE_PHASE;
      onePhase = new OnePhaseCommit(txn, readTs, groups.getFirst());
      send(Kind.ONE_PHASE, onePhase.target(), onePhase.request());
      return;
    }
    phase = Phase.PREPARING;
    twoPhase = true;
    RangeId coordinatorRange = grouped.groupOf(footprint.firstWrittenKey()).orElseThrow().id();
    prepare = new PrepareParticipants(txn, readTs, coordinatorRange, groups);
    for (RangeId participant : prepare.participants()) {
      sendPrepare(participant);
    }
  }

  private void onePhaseReply(Pending pending, ParticipantReply reply, TTInterval now) {
    switch (reply) {
      case ParticipantReply.Committed committed -> {
        commitTs = onePhase.committed(committed.commitTs());
        counters.fastPathCommits++;
        phase = Phase.COMMIT_WAIT;
        finishCommitWait(now);
      }
      case ParticipantReply.Conflict conflict -> finishConflict(conflict);
      case ParticipantReply.Redirect redirect -> askRefresh(new Refresh.Stale(pending.target()));
      case ParticipantReply.OutcomeUnknown unknown -> finishWith(new TxnOutcomeUnknownException(
          "the one-range commit of " + txn + " at " + pending.range() + " may or may not have committed ("
          + unknown.why() + "): read back what it wrote before running it again", null));
      default -> unexpected(pending, reply);
    }
  }

  // ---- phase one

  private void sendPrepare(RangeId participant) {
    send(Kind.PREPARE, prepare.target(participant), prepare.request(participant));
  }

  private void prepareReply(Pending pending, ParticipantReply reply, TTInterval now) {
    if (phase != Phase.PREPARING || !prepare.awaitingReply(pending.range())) {
      counters.staleReplies++;
      return;
    }
    switch (reply) {
      case ParticipantReply.Prepared prepared -> {
        prepare.prepared(pending.range(), prepared.prepareTs());
        if (prepare.allPrepared() && !passed(deadline, now)) {
          decide(now);
        }
      }
      case ParticipantReply.Conflict conflict -> abort(conflictException(conflict));
      case ParticipantReply.Redirect redirect -> {
        prepare.redirected(pending.range());
        askRefresh(new Refresh.Stale(pending.target()));
      }
      // Prepare is idempotent by transaction id: ask again, the answer is the first prepare's.
      case ParticipantReply.OutcomeUnknown unknown -> sendPrepare(pending.range());
      default -> unexpected(pending, reply);
    }
  }

  private void regroupPrepare(TTInterval now) {
    if (passed(deadline, now)) {
      checkDeadline(now);
      return;
    }
    switch (prepare.regroup(lookup)) {
      case PrepareParticipants.StillMissing missing -> askRefresh(new Refresh.MissingKey(missing.key()));
      case PrepareParticipants.Overlaps overlaps -> abort(new TxnConflictException("the ranges of transaction "
          + txn + " changed while it was preparing (" + overlaps.range() + " merged with another of its ranges);"
          + " nothing was committed: run it again"));
      case PrepareParticipants.Regrouped regrouped -> {
        if (regrouped.changed()) {
          counters.regroups++;
        }
        if (prepare.size() > limits.maxParticipants()) {
          counters.limitRefusals++;
          abort(new TxnLimitException(tooManyParticipants(prepare.size())));
          return;
        }
        for (RangeId participant : regrouped.toSend()) {
          sendPrepare(participant);
        }
      }
    }
  }

  // ---- the decision

  private void decide(TTInterval now) {
    Timestamp chosen = Timestamp.max(prepare.maxPrepareTs(), new Timestamp(now.latestMicros()));
    phase = Phase.DECIDING;
    decision = new PersistDecision(txn, prepare.coordinatorRange(), chosen, prepare.participants());
    sendDecision(now);
  }

  private void sendDecision(TTInterval now) {
    if (passed(deadline, now)) {
      checkDeadline(now);
      return;
    }
    Optional<RangeDescriptor> target = lookup.range(decision.coordinatorRange());
    if (target.isEmpty()) {
      askRefresh(new Refresh.MissingRange(decision.coordinatorRange()));
      return;
    }
    send(Kind.DECISION, target.get(), decision.request());
  }

  private void decisionReply(Pending pending, ParticipantReply reply, TTInterval now) {
    if (phase != Phase.DECIDING) {
      counters.staleReplies++;
      return;
    }
    switch (reply) {
      case ParticipantReply.Recorded recorded -> {
        dropOutstanding(Kind.DECISION);
        if (decision.outcome(recorded) == TxnOutcome.COMMITTED) {
          commitTs = decision.commitTs();
          counters.twoPhaseCommits++;
          phase = Phase.COMMIT_WAIT;
          finishCommitWait(now);
        } else {
          counters.abortsLearnedFromRecord++;
          abort(new TxnConflictException("transaction " + txn + " ran past its deadline and a participant's"
              + " recovery aborted it before its commit was recorded; nothing was committed: run it again"));
        }
      }
      case ParticipantReply.Redirect redirect -> askRefresh(new Refresh.Stale(pending.target()));
      // Write-once: asking again is safe and the answer is what is recorded.
      case ParticipantReply.OutcomeUnknown unknown -> sendDecision(now);
      default -> unexpected(pending, reply);
    }
  }

  private void finishCommitWait(TTInterval now) {
    if (now.earliestMicros() <= commitTs.micros()) {
      return;
    }
    answer(new ClientAnswer.Committed(commitTs));
    if (twoPhase) {
      startResolving(TxnOutcome.COMMITTED, commitTs);
    } else {
      phase = Phase.DONE;
    }
  }

  // ---- the end

  private void abort(TxnException failure) {
    if (failure instanceof TxnConflictException) {
      counters.conflicts++;
    }
    answer(new ClientAnswer.Failed(failure));
    startResolving(TxnOutcome.ABORTED, null);
  }

  private void startResolving(TxnOutcome outcome, Timestamp at) {
    dropOutstanding(Kind.PREPARE);
    dropOutstanding(Kind.DECISION);
    TreeSet<RangeId> targets = new TreeSet<>(prepare.touched());
    // Intents move with a split: ranges that own the keys now may hold some though they were never
    // sent a Prepare. What the cache does not know, the participants' recovery finishes.
    if (Grouping.group(footprint, lookup) instanceof Grouping.Grouped grouped) {
      grouped.groups().forEach(g -> targets.add(g.id()));
    }
    resolve = new ResolveParticipants(txn, outcome, at, targets, limits.maxResolvesInFlight(), limits.maxResolveAttempts());
    phase = Phase.RESOLVING;
    pumpResolves();
  }

  private void pumpResolves() {
    for (RangeId range : resolve.nextToSend()) {
      Optional<RangeDescriptor> target = lookup.range(range);
      if (target.isEmpty()) {
        resolve.unaddressable(range);
        askRefresh(new Refresh.MissingRange(range));
        continue;
      }
      counters.resolvesSent++;
      counters.resolvesInFlight++;
      send(Kind.RESOLVE, target.get(), resolve.request(range));
    }
    if (resolve.finished()) {
      phase = Phase.DONE;
    }
  }

  private void resolveReply(Pending pending, ParticipantReply reply) {
    counters.resolvesInFlight--;
    switch (reply) {
      case ParticipantReply.Resolved resolved -> resolve.acked(pending.range());
      case ParticipantReply.Redirect redirect -> {
        if (resolve.failed(pending.range(), true)) {
          askRefresh(new Refresh.Stale(pending.target()));
        } else {
          counters.resolvesAbandoned++;
        }
      }
      case ParticipantReply.OutcomeUnknown unknown -> {
        resolveFailed(pending.range(), true);
        return;
      }
      default -> unexpected(pending, reply);
    }
    pumpResolves();
  }

  private void resolveFailed(RangeId range, boolean alreadyCounted) {
    if (!alreadyCounted) {
      counters.resolvesInFlight--;
    }
    if (!resolve.failed(range, false)) {
      counters.resolvesAbandoned++;
    }
    pumpResolves();
  }

  private void checkDeadline(TTInterval now) {
    if (!passed(deadline, now)) {
      return;
    }
    switch (phase) {
      case PLANNING -> finishUnavailable("its ranges could not be found");
      case ONE_PHASE -> {
        if (outstanding.isEmpty()) {
          finishUnavailable("its range kept moving");
        }
      }
      case PREPARING -> {
        counters.unavailable++;
        abort(new TxnUnavailableException("transaction " + txn + " could not prepare at all its ranges by its"
            + " deadline " + deadline + "; nothing was committed: run it again", null));
      }
      case DECIDING -> finishWith(new TxnOutcomeUnknownException("the commit decision of transaction " + txn
          + " was proposed to " + decision.coordinatorRange() + " but could not be read back by its deadline "
          + deadline + "; it may or may not have committed: read back what it wrote before running it again", null));
      default -> { }
    }
  }

  private void finishConflict(ParticipantReply.Conflict conflict) {
    counters.conflicts++;
    finishWith(conflictException(conflict));
  }

  private void finishUnavailable(String why) {
    counters.unavailable++;
    finishWith(new TxnUnavailableException("transaction " + txn + " could not commit by its deadline "
        + deadline + ": " + why + "; nothing was committed: run it again", null));
  }

  /** Ends without resolves: nothing was prepared, or (40003) what is recorded is not known here. */
  private void finishWith(TxnException failure) {
    if (failure instanceof TxnOutcomeUnknownException) {
      counters.outcomesUnknown++;
    }
    answer(new ClientAnswer.Failed(failure));
    outstanding.clear();
    phase = Phase.DONE;
  }

  private TxnConflictException conflictException(ParticipantReply.Conflict conflict) {
    String message = "transaction " + txn + " conflicts" + (conflict.key() == null ? "" : " on " + conflict.key())
        + ": " + conflict.reason() + "; nothing was committed: run it again";
    return new TxnConflictException(message, conflict.key(), conflict.reason());
  }

  private void answer(ClientAnswer given) {
    Invariants.require(answer == null, "%s answered twice: %s then %s", txn, answer, given);
    answer = given;
    newAnswer = given;
  }

  private String overLimit(Footprint f) {
    long writeBytes = 0;
    for (Write write : f.writes()) {
      writeBytes += write.key().length() + (write.value() == null ? 0 : write.value().length) + TxnLimits.WRITE_OVERHEAD_BYTES;
    }
    if (writeBytes > txnLimits.maxWriteBufferBytes()) {
      return "transaction " + txn + " buffered " + writeBytes + " bytes of writes, more than the bound of "
          + txnLimits.maxWriteBufferBytes() + " (keys, values and " + TxnLimits.WRITE_OVERHEAD_BYTES
          + " bytes a key); nothing was committed: write in smaller transactions";
    }
    long readBytes = 0;
    for (Key key : f.readKeys()) {
      readBytes += key.length() + CoordinatorLimits.READ_ENTRY_OVERHEAD_BYTES;
    }
    for (KeySpan span : f.readSpans()) {
      readBytes += span.start().length() + (span.end() == null ? 0 : span.end().length())
          + CoordinatorLimits.READ_ENTRY_OVERHEAD_BYTES;
    }
    if (readBytes > limits.maxReadSetBytes()) {
      return "transaction " + txn + " read " + readBytes + " bytes of keys and spans, more than the bound of "
          + limits.maxReadSetBytes() + " on a read set (" + CoordinatorLimits.READ_ENTRY_OVERHEAD_BYTES
          + " bytes an entry); nothing was committed: read less in one transaction";
    }
    return null;
  }

  private String tooManyParticipants(int ranges) {
    return "transaction " + txn + " touches " + ranges + " ranges, more than the bound of "
        + limits.maxParticipants() + " participants of one transaction; nothing was committed: split it"
        + " into smaller transactions";
  }

  private void unexpected(Pending pending, ParticipantReply reply) {
    Invariants.require(false, "%s got %s to a %s request at %s", txn, reply, pending.kind(), pending.range());
  }

  private void send(Kind kind, RangeDescriptor target, CoordinatorRequest request) {
    long id = nextRequestId++;
    outstanding.put(id, new Pending(kind, request.range(), target));
    requests.add(new Outbound(id, target, request));
  }

  private void dropOutstanding(Kind kind) {
    outstanding.values().removeIf(p -> p.kind() == kind);
  }

  private void askRefresh(Refresh refresh) {
    awaitingRefresh = true;
    if (!refreshes.contains(refresh)) {
      refreshes.add(refresh);
    }
  }

  /** Definitely passed on this clock: safety never depends on it, only when to give up. */
  private static boolean passed(Timestamp t, TTInterval now) {
    return now.earliestMicros() > t.micros();
  }

  private Ready drain(TTInterval now) {
    Timestamp wake = switch (phase) {
      case COMMIT_WAIT -> commitTs;
      case PLANNING, ONE_PHASE, PREPARING, DECIDING -> deadline;
      default -> null;
    };
    Timestamp wakeAsked = wake != null && !wake.equals(lastWake) ? wake : null;
    lastWake = wake;
    Ready ready = new Ready(refreshes, requests, newAnswer, wakeAsked);
    refreshes.clear();
    requests.clear();
    newAnswer = null;
    return ready;
  }
}
