package dev.meridian.txn.host;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.follower.FollowerReads;
import dev.meridian.txn.leaseholder.ClosedTimestampUpdate;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.RequestId;
import dev.meridian.txn.range.state.RangeReadView;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.wire.FollowerReadMessages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The follower-read side of one range replica on the Paxos host (M7): the replica's {@link
 * FollowerReads} over its current {@link RangeStateMachine}, the strong reads waiting for a slot
 * (each with its timer), the closed timestamps peers sent that this replica could not take yet, and
 * the reads themselves, each against one store snapshot opened on the loop at admission and read
 * on the storage executor. Owned by the replica's {@link LeaseholderHost}, which tells it of every
 * applied slot and snapshot install; everything runs on the node's loop.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li><b>A read is served only as {@link FollowerReads} admitted it</b>, from a snapshot opened in
 *       the same loop task as the admission, so the state read is the state admitted (a later apply
 *       cannot slip in between).
 *   <li><b>Every read is answered exactly once</b>: served, "not yet" (its wait ran out, or a bound),
 *       or "too old"; a waiting strong read survives a snapshot install (it is re-admitted against the
 *       installed machine).
 *   <li><b>A closed timestamp is taken only by {@link RangeStateMachine#observeClosed}</b>; one this
 *       replica is too far behind for is kept (the newest per range) and offered again after each
 *       applied slot, so a lagging replica catches up on safe time as soon as it catches up on the log.
 * </ol>
 */
final class FollowerReplica {

  /** One read: a point get ({@code key} non-null) or a scan of {@code span}. */
  record Read(Key key, KeySpan span, Timestamp readTs, Direction direction, int limit) {
    static Read get(Key key, Timestamp readTs) {
      return new Read(key, KeySpan.point(key), readTs, Direction.FORWARD, 1);
    }

    static Read scan(KeySpan span, Timestamp readTs, Direction direction, int limit) {
      return new Read(null, span, readTs, direction, limit);
    }
  }

  private record Waiter(Read read, LogSlot slot, Consumer<FollowerReadMessages.Answer> answer, Cancellable timer) {}

  private final HostedRangeMachine machine;
  private final Scheduler loop;
  private final Executor storageExecutor;
  private final FollowerReadLimits limits;
  private FollowerReads reads;
  private RangeStateMachine readsOver;
  private Timestamp gcHorizon = Timestamp.ZERO;
  private final Map<RequestId, Waiter> waiting = new LinkedHashMap<>();
  private ClosedTimestampUpdate pendingClosed;
  private long nextRequest = 1;
  private long closedTaken;
  private long closedDropped;
  /** Totals of the FollowerReads instances replaced by snapshot installs. */
  private FollowerReads.Stats before = new FollowerReads.Stats(0, 0, 0, 0, 0);

  FollowerReplica(HostedRangeMachine machine, Scheduler loop, Executor storageExecutor, FollowerReadLimits limits) {
    this.machine = machine;
    this.loop = loop;
    this.storageExecutor = storageExecutor;
    this.limits = limits;
    rebuild();
  }

  private void rebuild() {
    readsOver = machine.machine();
    reads = new FollowerReads(readsOver, limits.maxWaitingReads(), limits.plantedBugs());
    reads.gcHorizonRaised(gcHorizon);
  }

  Timestamp safeTime() {
    return reads.safeTime();
  }

  void gcHorizonRaised(Timestamp horizon) {
    gcHorizon = Timestamp.max(gcHorizon, horizon);
    reads.gcHorizonRaised(horizon);
  }

  /** A stale read at {@code read.readTs()}: served iff the safe time covers it (invariant 1). */
  void stale(Read read, Consumer<FollowerReadMessages.Answer> answer) {
    switch (reads.admitStale(read.readTs())) {
      case FollowerReads.Admission.Serve serve -> serve(read, answer);
      case FollowerReads.Admission.NotYet notYet -> answer.accept(new FollowerReadMessages.NotYet(notYet.safeTime(),
          "the replica's safe time " + notYet.safeTime() + " is below the read at " + read.readTs()
              + "; read at the leaseholder or at an older timestamp"));
      case FollowerReads.Admission.TooOld old -> answer.accept(new FollowerReadMessages.TooOld(old.gcHorizon()));
      case FollowerReads.Admission.Waiting waiting -> throw new IllegalStateException("a stale read never waits");
    }
  }

  /**
   * A strong read the leaseholder's ReadIndex answered with {@code slot}: served once this replica
   * has applied it, or "not yet" after {@code maxWaitNanos}.
   */
  void strong(Read read, LogSlot slot, long maxWaitNanos, Consumer<FollowerReadMessages.Answer> answer) {
    RequestId id = new RequestId(nextRequest++);
    switch (reads.admitStrong(id, read.readTs(), slot)) {
      case FollowerReads.Admission.Serve serve -> serve(read, answer);
      case FollowerReads.Admission.NotYet notYet -> answer.accept(new FollowerReadMessages.NotYet(notYet.safeTime(),
          "the replica holds " + limits.maxWaitingReads() + " strong reads waiting already; read at the leaseholder"));
      case FollowerReads.Admission.TooOld old -> answer.accept(new FollowerReadMessages.TooOld(old.gcHorizon()));
      case FollowerReads.Admission.Waiting w -> {
        Cancellable timer = loop.schedule(Math.max(1, maxWaitNanos), () -> giveUp(id));
        waiting.put(id, new Waiter(read, slot, answer, timer));
      }
    }
  }

  private void giveUp(RequestId id) {
    Waiter waiter = waiting.remove(id);
    if (waiter == null) {
      return;
    }
    boolean wasWaiting = reads.abandon(id);
    Invariants.require(wasWaiting, "range %s: a strong read waited here but not in FollowerReads", machine.range());
    waiter.answer().accept(new FollowerReadMessages.NotYet(reads.safeTime(), "the replica applied slot "
        + readsOver.appliedSlot() + ", not yet slot " + waiter.slot().value() + " the leaseholder named; read there"));
  }

  /** The state machine applied a slot: release the strong reads it covers, retry a kept closed timestamp. */
  void applied() {
    if (machine.machine() != readsOver) {
      installed();
      return;
    }
    for (RequestId released : reads.applied()) {
      Waiter waiter = waiting.remove(released);
      Invariants.require(waiter != null, "range %s: FollowerReads released %s, which nobody waits for",
          machine.range(), released);
      waiter.timer().cancel();
      serve(waiter.read(), waiter.answer());
    }
    if (pendingClosed != null && readsOver.appliedSlot() >= pendingClosed.requiredSlot().value()) {
      ClosedTimestampUpdate update = pendingClosed;
      pendingClosed = null;
      observe(update);
    }
  }

  /** A snapshot replaced the state machine: a new {@link FollowerReads} over it; waiting reads re-admitted. */
  void installed() {
    FollowerReads.Stats old = reads.stats();
    before = new FollowerReads.Stats(before.servedStale() + old.servedStale(), before.servedStrong() + old.servedStrong(),
        before.notYet() + old.notYet(), before.tooOld() + old.tooOld(), 0);
    rebuild();
    List<Waiter> again = new ArrayList<>(waiting.values());
    waiting.clear();
    for (Waiter waiter : again) {
      waiter.timer().cancel();
      strong(waiter.read(), waiter.slot(), limits.maxStrongWaitMicros() * 1_000, waiter.answer());
    }
  }

  /** A closed timestamp the range's leaseholder promised outside the log (invariant 3). */
  void observe(ClosedTimestampUpdate update) {
    RangeStateMachine current = machine.machine();
    if (current.observeClosed(update)) {
      closedTaken++;
      return;
    }
    boolean behind = current.appliedSlot() < update.requiredSlot().value()
        && update.leaseSequence() >= current.meta().leaseSequence();
    if (behind && (pendingClosed == null || !update.closedTs().isBefore(pendingClosed.closedTs()))) {
      pendingClosed = update;
    } else {
      closedDropped++;
    }
  }

  private void serve(Read read, Consumer<FollowerReadMessages.Answer> answer) {
    RangeReadView view = machine.machine().openReadView();
    storageExecutor.execute(() -> {
      FollowerReadMessages.Answer result;
      try {
        List<Version> versions = read.key() != null
            ? view.get(read.key(), read.readTs()).map(List::of).orElse(List.of())
            : view.scan(read.span(), read.readTs(), read.direction(), read.limit());
        result = new FollowerReadMessages.Versions(versions);
      } catch (RuntimeException e) {
        result = new FollowerReadMessages.NotYet(Timestamp.ZERO, "the replica's read failed: " + e.getMessage());
      } finally {
        view.close();
      }
      FollowerReadMessages.Answer done = result;
      loop.execute(() -> answer.accept(done));
    });
  }

  /** Counters since start, across snapshot installs. */
  FollowerReads.Stats stats() {
    FollowerReads.Stats now = reads.stats();
    return new FollowerReads.Stats(before.servedStale() + now.servedStale(), before.servedStrong() + now.servedStrong(),
        before.notYet() + now.notYet(), before.tooOld() + now.tooOld(), now.waiting());
  }

  long closedTaken() {
    return closedTaken;
  }

  long closedDropped() {
    return closedDropped;
  }
}
