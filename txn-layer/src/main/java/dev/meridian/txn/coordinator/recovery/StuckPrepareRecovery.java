package dev.meridian.txn.coordinator.recovery;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.coordinator.RangeLookup;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.Outbound;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.coordinator.message.Refresh;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recovery of one transaction whose intents stayed prepared in this participant's range past a
 * timeout (DESIGN §6): the participant's leaseholder core makes one per stuck transaction and
 * drives it like the coordinator (I/O-free; replies, timeouts, refreshes and ticks in, a {@link
 * RecoveryReady} out). It asks the coordinator range named in the transaction's {@code Prepare}
 * until that range answers with the record, then hands back the {@code Resolve} to propose in this
 * range. It never decides anything itself: the coordinator range records an abort for it once the
 * transaction expired ({@link DecisionAuthority}), so what it resolves with is always the record.
 *
 * <p>{@code expiresAt = prepareTs + maxTxnDurationMicros}: the coordinator gives up at {@code readTs
 * + maxTxnDurationMicros}, and {@code prepareTs > readTs}, so by then the coordinator proposes no
 * more (it still may have proposed a commit, which then wins or loses against the abort in the
 * coordinator range's log, atomically). This keeps the deadline out of the replicated {@code
 * Prepare} command.
 */
public final class StuckPrepareRecovery {

  /** What the leaseholder does next, in field order: refreshes, requests, then propose {@code resolve}. */
  public record RecoveryReady(
      List<Refresh> refreshes, List<Outbound> requests, RangeCommand.Resolve resolve, Timestamp wakeAfter) {
    public RecoveryReady {
      refreshes = List.copyOf(refreshes);
      requests = List.copyOf(requests);
    }
  }

  private final RangeId ownRange;
  private final TxnId txn;
  private final RangeId coordinatorRange;
  private final Timestamp expiresAt;
  private final RangeLookup lookup;

  private long nextRequestId = 1;
  private long outstandingId = -1;
  private RangeDescriptor outstandingTarget;
  private boolean waitingForRefresh;
  private Timestamp undecidedUntil;
  private boolean done;
  private long queries;

  private final List<Refresh> refreshes = new ArrayList<>();
  private final List<Outbound> requests = new ArrayList<>();
  private RangeCommand.Resolve resolve;
  private Timestamp wake;

  public StuckPrepareRecovery(RangeId ownRange, TxnId txn, RangeId coordinatorRange, Timestamp prepareTs,
      RangeLookup lookup, CoordinatorLimits limits) {
    this.ownRange = ownRange;
    this.txn = txn;
    this.coordinatorRange = coordinatorRange;
    this.expiresAt = new Timestamp(Math.addExact(prepareTs.micros(), limits.maxTxnDurationMicros()));
    this.lookup = lookup;
  }

  public TxnId txn() {
    return txn;
  }

  public Timestamp expiresAt() {
    return expiresAt;
  }

  public boolean isDone() {
    return done;
  }

  /** Queries sent so far (metric {@code meridian_txn_recovery_queries_total}). */
  public long queries() {
    return queries;
  }

  public RecoveryReady start(TTInterval now) {
    Invariants.require(queries == 0 && !done, "recovery of %s started twice", txn);
    query();
    return drain();
  }

  public RecoveryReady onReply(long requestId, ParticipantReply reply, TTInterval now) {
    if (done || requestId != outstandingId) {
      return drain();
    }
    outstandingId = -1;
    switch (reply) {
      case ParticipantReply.Recorded recorded -> {
        done = true;
        resolve = new RangeCommand.Resolve(ownRange, txn, recorded.outcome(), recorded.commitTs());
      }
      case ParticipantReply.Undecided undecided -> {
        undecidedUntil = undecided.expiresAt();
        wake = undecidedUntil;
      }
      case ParticipantReply.Redirect redirect -> {
        waitingForRefresh = true;
        refreshes.add(new Refresh.Stale(outstandingTarget));
      }
      case ParticipantReply.OutcomeUnknown unknown -> query();
      default -> Invariants.require(false, "recovery of %s got %s to a decision query", txn, reply);
    }
    return drain();
  }

  public RecoveryReady onTimeout(long requestId, TTInterval now) {
    if (!done && requestId == outstandingId) {
      outstandingId = -1;
      query();
    }
    return drain();
  }

  public RecoveryReady onDescriptorsRefreshed(TTInterval now) {
    if (!done && waitingForRefresh) {
      waitingForRefresh = false;
      query();
    }
    return drain();
  }

  /** Time passed: ask again once the coordinator range's {@code Undecided} deadline is behind us. */
  public RecoveryReady tick(TTInterval now) {
    if (!done && undecidedUntil != null && now.earliestMicros() > undecidedUntil.micros()) {
      undecidedUntil = null;
      query();
    }
    return drain();
  }

  /** The intents were resolved another way (the coordinator's resolve arrived): stop asking. */
  public void resolvedElsewhere() {
    done = true;
    outstandingId = -1;
  }

  private void query() {
    Optional<RangeDescriptor> target = lookup.range(coordinatorRange);
    if (target.isEmpty()) {
      waitingForRefresh = true;
      refreshes.add(new Refresh.MissingRange(coordinatorRange));
      return;
    }
    outstandingId = nextRequestId++;
    outstandingTarget = target.get();
    queries++;
    requests.add(new Outbound(outstandingId, outstandingTarget,
        new CoordinatorRequest.QueryDecision(coordinatorRange, txn, expiresAt)));
  }

  private RecoveryReady drain() {
    RecoveryReady ready = new RecoveryReady(refreshes, requests, resolve, wake);
    wake = null;
    refreshes.clear();
    requests.clear();
    resolve = null;
    return ready;
  }
}
