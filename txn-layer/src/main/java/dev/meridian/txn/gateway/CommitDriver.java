package dev.meridian.txn.gateway;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.CommitWait;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.coordinator.ClientAnswer;
import dev.meridian.txn.coordinator.Ready;
import dev.meridian.txn.coordinator.TxnCoordinator;
import dev.meridian.txn.coordinator.message.Outbound;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.coordinator.message.Refresh;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Drives one {@link TxnCoordinator} on the gateway's loop: acts on each {@link Ready} in its
 * order (refreshes, requests, the answer, the wake-up) and feeds back replies, timeouts, refreshed
 * descriptors and ticks. It holds no protocol state of its own; the coordinator decides everything.
 *
 * <p>Invariants: (1) every input reaches the coordinator on the loop, one at a time, with a fresh
 * {@link TTInterval} (an input that finds the clock untrustworthy waits for it, since the
 * coordinator may not guess the time); (2) every Outbound ends in exactly one {@code onReply} or
 * {@code onTimeout} (the channel answers every call once); (3) the refreshes of one Ready end in one
 * {@code onDescriptorsRefreshed}, after all of them, and consecutive refresh rounds back off ({@link
 * GatewayLimits#backoffNanos}), so a range without a leaseholder is not asked in a tight loop; (4) at
 * most one wake-up wait is live: a new {@code wakeAfter} replaces (cancels) the one before, and the
 * wait ends once the coordinator is done; (5) the client's future completes once, with the
 * coordinator's one answer, which comes only after commit wait.
 */
final class CommitDriver {

  /** How long to wait before asking an untrustworthy clock again. */
  private static final long CLOCK_RECHECK_NANOS = CommitWait.UNAVAILABLE_RECHECK_MICROS * 1_000;

  private final Gateway gateway;
  private final TxnCoordinator coordinator;
  private final CompletableFuture<Timestamp> answer = new CompletableFuture<>();
  private CompletableFuture<Void> wake;
  private int refreshRounds;

  CommitDriver(Gateway gateway, TxnCoordinator coordinator) {
    this.gateway = gateway;
    this.coordinator = coordinator;
  }

  /** Starts the commit; the future completes with the coordinator's answer. Call once, on the loop. */
  CompletableFuture<Timestamp> start(List<Write> writes, List<Key> readKeys, List<KeySpan> readSpans) {
    input(now -> coordinator.commit(writes, readKeys, readSpans, now));
    return answer;
  }

  private void input(Function<TTInterval, Ready> step) {
    TTInterval now;
    try {
      now = gateway.trueTime().now();
    } catch (ClockUnavailableException e) {
      gateway.loop().schedule(CLOCK_RECHECK_NANOS, () -> input(step));
      return;
    }
    act(step.apply(now));
  }

  private void act(Ready ready) {
    if (!ready.refreshes().isEmpty()) {
      refresh(ready.refreshes());
    }
    for (Outbound outbound : ready.requests()) {
      long id = outbound.requestId();
      gateway.call(outbound.target(), outbound.request(), new Gateway.CallOutcome() {
        @Override
        public void replied(ParticipantReply reply) {
          input(now -> coordinator.onReply(id, reply, now));
        }

        @Override
        public void timedOut() {
          input(now -> coordinator.onTimeout(id, now));
        }
      });
    }
    if (ready.answer() != null) {
      switch (ready.answer()) {
        case ClientAnswer.Committed committed -> answer.complete(committed.commitTs());
        case ClientAnswer.Failed failed -> answer.completeExceptionally(failed.failure());
      }
    }
    if (ready.wakeAfter() != null) {
      if (wake != null) {
        wake.cancel(false);
      }
      CompletableFuture<Void> wait =
          CommitWait.untilAfter(gateway.trueTime(), gateway.loop(), ready.wakeAfter().micros());
      wake = wait;
      wait.thenRun(() -> input(coordinator::tick));
    }
    if (coordinator.isDone() && wake != null) {
      wake.cancel(false);
      wake = null;
    }
  }

  private void refresh(List<Refresh> refreshes) {
    refreshRounds++;
    CompletableFuture<?>[] all = new CompletableFuture<?>[refreshes.size()];
    for (int i = 0; i < refreshes.size(); i++) {
      all[i] = gateway.refresh(refreshes.get(i));
    }
    long pause = gateway.limits().backoffNanos(refreshRounds);
    CompletableFuture.allOf(all).thenRun(() -> {
      if (pause == 0) {
        // As a task of its own: a refresh the cache answered at once must not re-enter act().
        gateway.loop().execute(() -> input(coordinator::onDescriptorsRefreshed));
      } else {
        gateway.loop().schedule(pause, () -> input(coordinator::onDescriptorsRefreshed));
      }
    });
  }
}
