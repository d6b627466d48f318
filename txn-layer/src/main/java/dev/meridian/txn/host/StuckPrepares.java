package dev.meridian.txn.host;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.TxnId;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.coordinator.message.Outbound;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.coordinator.message.Refresh;
import dev.meridian.txn.coordinator.recovery.StuckPrepareRecovery;
import dev.meridian.txn.gateway.Gateway;
import dev.meridian.txn.leaseholder.Reply;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.state.PreparedTxn;
import dev.meridian.txn.types.RangeId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Participant-side recovery of stuck prepares on one node (DESIGN §6): every {@code
 * checkEveryNanos}, for each range this node serves as leaseholder, a transaction still prepared
 * {@code stuckAfterMicros} past its prepare timestamp gets a {@link StuckPrepareRecovery}, which
 * asks the transaction's coordinator range for the decision (through this node's {@link Gateway},
 * which routes and refreshes) until the coordinator range answers with the record — an abort it
 * records itself once the transaction expired ({@code DecisionAuthority}) — and then the intents are
 * resolved with it through the local leaseholder, as a coordinator's resolve would be.
 *
 * <p>Invariants: at most one recovery per (range, transaction) at a time, and at most one request
 * of it outstanding (the recovery's own rule); a recovery is dropped as soon as its transaction is
 * no longer prepared in this node's replica (resolved by its coordinator, or by us), or this node
 * stops serving the range (the new leaseholder starts its own). It never decides: what it resolves
 * with is always the recorded decision, so it cannot disagree with the coordinator. A refresh's
 * answer is taken at the next check, not at once, so that a directory that cannot answer does not
 * turn into a loop that never yields.
 *
 * <p>Runs on the node's loop, like the {@link RangeServer} and the gateway it uses; reads the
 * clock only through {@code trueTime}.
 */
public final class StuckPrepares {

  private final RangeServer server;
  private final Gateway gateway;
  private final Scheduler loop;
  private final TrueTime trueTime;
  private final CoordinatorLimits limits;
  private final long stuckAfterMicros;
  private final long checkEveryNanos;
  private final Map<Key, Run> runs = new LinkedHashMap<>();
  private Cancellable timer;
  private boolean closed;
  private long started;
  private long resolved;

  private record Key(RangeId range, TxnId txn) {}

  /** One transaction's recovery in one range. */
  private final class Run {
    final Key key;
    final StuckPrepareRecovery recovery;
    boolean refreshPending;
    RangeCommand.Resolve resolveWith;
    boolean resolving;

    Run(Key key, StuckPrepareRecovery recovery) {
      this.key = key;
      this.recovery = recovery;
    }
  }

  public StuckPrepares(RangeServer server, Gateway gateway, Scheduler loop, TrueTime trueTime, CoordinatorLimits limits,
      long stuckAfterMicros, long checkEveryNanos) {
    this.server = Objects.requireNonNull(server, "server");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.trueTime = Objects.requireNonNull(trueTime, "trueTime");
    this.limits = Objects.requireNonNull(limits, "limits");
    if (stuckAfterMicros <= 0 || checkEveryNanos <= 0) {
      throw new IllegalArgumentException("stuck-prepare recovery needs positive periods: " + stuckAfterMicros
          + " us, " + checkEveryNanos + " ns");
    }
    this.stuckAfterMicros = stuckAfterMicros;
    this.checkEveryNanos = checkEveryNanos;
  }

  /** Starts the periodic checks. Call on the loop, once. */
  public void start() {
    Invariants.require(loop.inLoop() && timer == null && !closed, "stuck-prepare recovery started twice or off its loop");
    timer = loop.schedule(checkEveryNanos, this::check);
  }

  /** Stops checking; answers still in flight are ignored. */
  public void close() {
    closed = true;
    if (timer != null) {
      timer.cancel();
    }
    runs.clear();
  }

  /** Recoveries started so far (metric {@code meridian_txn_recovery_started_total}). */
  public long started() {
    return started;
  }

  /** Transactions this node resolved by recovery. */
  public long resolved() {
    return resolved;
  }

  /** Recoveries running now. */
  public int running() {
    return runs.size();
  }

  private void check() {
    if (closed) {
      return;
    }
    timer = loop.schedule(checkEveryNanos, this::check);
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      return; // Next check: nothing here is urgent enough to act without a clock.
    }
    Map<Key, PreparedTxn> stuck = new LinkedHashMap<>();
    for (Map.Entry<RangeId, LeaseholderHost> replica : server.replicas().entrySet()) {
      if (!replica.getValue().serving()) {
        continue;
      }
      for (PreparedTxn prepared : replica.getValue().machine().machine().prepared()) {
        stuck.put(new Key(replica.getKey(), prepared.txn()), prepared);
      }
    }
    for (Iterator<Map.Entry<Key, Run>> it = runs.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Run> run = it.next();
      if (!stuck.containsKey(run.getKey())) {
        run.getValue().recovery.resolvedElsewhere();
        it.remove();
      }
    }
    for (Map.Entry<Key, PreparedTxn> entry : stuck.entrySet()) {
      PreparedTxn prepared = entry.getValue();
      Run run = runs.get(entry.getKey());
      if (run == null) {
        if (now.earliestMicros() - prepared.prepareTs().micros() <= stuckAfterMicros) {
          continue;
        }
        run = new Run(entry.getKey(), new StuckPrepareRecovery(entry.getKey().range(), prepared.txn(),
            prepared.coordinatorRange(), prepared.prepareTs(), gateway.rangeLookup(), limits));
        runs.put(entry.getKey(), run);
        started++;
        drive(run, run.recovery.start(now));
        continue;
      }
      if (run.resolveWith != null) {
        resolve(run);
      } else if (run.refreshPending) {
        run.refreshPending = false;
        drive(run, run.recovery.onDescriptorsRefreshed(now));
      } else {
        drive(run, run.recovery.tick(now));
      }
    }
  }

  private void drive(Run run, StuckPrepareRecovery.RecoveryReady ready) {
    for (Refresh refresh : ready.refreshes()) {
      gateway.refresh(refresh).whenComplete((v, error) -> run.refreshPending = true);
    }
    for (Outbound outbound : ready.requests()) {
      gateway.call(outbound.target(), outbound.request(), new Gateway.CallOutcome() {
        @Override
        public void replied(ParticipantReply reply) {
          if (live(run)) {
            drive(run, run.recovery.onReply(outbound.requestId(), reply, nowOrNull()));
          }
        }

        @Override
        public void timedOut() {
          if (live(run)) {
            drive(run, run.recovery.onTimeout(outbound.requestId(), nowOrNull()));
          }
        }
      });
    }
    if (ready.resolve() != null) {
      run.resolveWith = ready.resolve();
      resolve(run);
    }
  }

  /** Resolves the intents here with the recorded decision; a refusal is tried again at the next check. */
  private void resolve(Run run) {
    if (run.resolving) {
      return;
    }
    LeaseholderHost host = server.replica(run.key.range());
    if (host == null || !host.serving()) {
      return;
    }
    run.resolving = true;
    RangeCommand.Resolve resolve = run.resolveWith;
    host.resolve(resolve.txn(), resolve.outcome(), resolve.commitTs(), reply -> {
      run.resolving = false;
      if (reply instanceof Reply.Resolved && live(run)) {
        resolved++;
        runs.remove(run.key);
      }
    });
  }

  private boolean live(Run run) {
    return !closed && runs.get(run.key) == run;
  }

  /** The recovery's inputs take a time only for their signatures' sake; its logic reads none but {@code tick}'s. */
  private TTInterval nowOrNull() {
    try {
      return trueTime.now();
    } catch (ClockUnavailableException e) {
      return null;
    }
  }
}
