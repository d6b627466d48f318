package dev.meridian.txn.range;

import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.MvccEngine;
import dev.meridian.storage.mvcc.StorageBusyException;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.CommitWait;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnTooOldException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The leader of one range: serves snapshot reads, validates read-write transactions optimistically and
 * commits them at a TrueTime timestamp, acknowledging only after commit wait (DESIGN.md §6).
 *
 * <p>Glossary:
 * <ul>
 *   <li><b>read watermark</b>: the highest timestamp any read of this range was served at. No commit
 *       may take a timestamp at or below it, or a read already served would have missed it.
 *   <li><b>in-flight commit</b>: a commit whose timestamp is chosen but which is not yet durable and
 *       past commit wait. Its keys are locked: a read at or above its timestamp waits for it, and a
 *       validation touching them fails, because the outcome is decided but not yet visible.
 *   <li><b>read set</b>: the keys a transaction read and the spans it scanned; validation checks that
 *       no version newer than the transaction's read timestamp exists in it (spans catch phantoms).
 * </ul>
 *
 * <p>Invariants kept here, and why they give strict serializability on one range:
 * <ol>
 *   <li>Assigned commit timestamps strictly increase and each exceeds the read watermark and the
 *       {@code TT.now().latest} at the moment it was chosen. So a transaction that started after
 *       another was acknowledged (after {@code TT.after(commitTs)} held) reads at, and commits above,
 *       that commit timestamp: timestamp order agrees with real-time order.
 *   <li>A read at {@code t} returns only after every commit with timestamp {@code <= t} is durable, and
 *       raises the watermark to {@code t}, so the snapshot at {@code t} never changes afterwards.
 *   <li>A read-write transaction commits at {@code c} only if nothing it read changed in {@code
 *       (readTs, c)}: then its reads are equally valid at {@code c}, and serializing it at {@code c} is
 *       equivalent to the history that happened.
 * </ol>
 *
 * <p>Every method must be called on {@code loop}; returned futures complete on it. Nothing here
 * blocks: durable writes complete on the engine's thread and are brought back to the loop.
 *
 * <p>{@link PlantedBug}s, given only at construction and normally none, break invariant 3 or the
 * acknowledgement rule on purpose, so that tests can show the Jepsen runner catches them.
 */
public final class RangeLeader {

  /**
   * Test-only bugs this leader can be built with (M10, "teeth"): each removes one guarantee, so that a
   * test can show the checker notices. Production code passes none; {@code meridian start} accepts
   * them only with {@code --allow-fault-injection} and logs them and reports them in {@code /health}.
   */
  public enum PlantedBug {
    /** Commit without checking the read set (writes still lock): write skew and lost updates commit. */
    SKIP_READ_VALIDATION,
    /** Acknowledge without waiting for {@code TT.after(commitTs)}: breaks real-time order across clocks. */
    SKIP_COMMIT_WAIT,
    /**
     * Acknowledge once commit wait is over, without waiting for the engine's durable write: a crash in
     * between loses an acknowledged commit. The keys stay locked until the write lands, so reads still
     * never see a commit before it is durable; only the client is told too early.
     */
    ACK_BEFORE_DURABLE;
  }

  /** Told, on the loop, how long each commit waited for {@code TT.after(commitTs)}; must not block. */
  @FunctionalInterface
  public interface CommitWaitListener {
    void waited(long nanos);
  }

  /** A commit between timestamp choice and acknowledgement; see the class glossary. */
  private static final class InflightCommit {
    final TxnId txnId;
    final Timestamp commitTs;
    final CompletableFuture<Void> released = new CompletableFuture<>();

    InflightCommit(TxnId txnId, Timestamp commitTs) {
      this.txnId = txnId;
      this.commitTs = commitTs;
    }
  }

  private final MvccEngine engine;
  private final TrueTime trueTime;
  private final Scheduler loop;

  private Timestamp lastAssignedTs = Timestamp.ZERO;
  private Timestamp readWatermark = Timestamp.ZERO;
  private final TreeMap<Key, InflightCommit> inflightByKey = new TreeMap<>();
  private Throwable storageFailure;

  private long commitsApplied;
  private long conflicts;

  private final Set<PlantedBug> plantedBugs;
  private final CommitWaitListener commitWaitListener;
  private final boolean skipReadValidation;
  private final boolean skipCommitWait;
  private final boolean ackBeforeDurable;

  public RangeLeader(MvccEngine engine, TrueTime trueTime, Scheduler loop) {
    this(engine, trueTime, loop, Set.of());
  }

  /** A leader with {@code plantedBugs} (tests and {@code --plant-bug} only; see {@link PlantedBug}). */
  public RangeLeader(MvccEngine engine, TrueTime trueTime, Scheduler loop, Set<PlantedBug> plantedBugs) {
    this(engine, trueTime, loop, plantedBugs, waitedNanos -> {});
  }

  /**
   * As above, telling {@code commitWaitListener} each commit's wait: the scheduler's time from
   * choosing its timestamp until {@code TT.after} of it held (the node's metrics and console show it).
   */
  public RangeLeader(MvccEngine engine, TrueTime trueTime, Scheduler loop, Set<PlantedBug> plantedBugs,
      CommitWaitListener commitWaitListener) {
    this.commitWaitListener = commitWaitListener;
    this.engine = engine;
    this.trueTime = trueTime;
    this.loop = loop;
    this.plantedBugs = Set.copyOf(plantedBugs);
    this.skipReadValidation = plantedBugs.contains(PlantedBug.SKIP_READ_VALIDATION);
    this.skipCommitWait = plantedBugs.contains(PlantedBug.SKIP_COMMIT_WAIT);
    this.ackBeforeDurable = plantedBugs.contains(PlantedBug.ACK_BEFORE_DURABLE);
  }

  /** The bugs this leader was built with; empty unless a test or {@code --plant-bug} asked. */
  public Set<PlantedBug> plantedBugs() {
    return plantedBugs;
  }

  public Scheduler loop() {
    return loop;
  }

  /** The newest version of {@code key} at or below {@code readTs} (tombstones included). */
  public CompletableFuture<Optional<Version>> read(Key key, Timestamp readTs) {
    CompletableFuture<Optional<Version>> result = new CompletableFuture<>();
    readWhenSafe(KeySpan.point(key), readTs, () -> engine.get(key, readTs), result);
    return result;
  }

  /** Live versions visible at {@code readTs} in {@code span}, at most {@code limit}, in order. */
  public CompletableFuture<List<Version>> scan(
      KeySpan span, Timestamp readTs, Direction direction, int limit) {
    CompletableFuture<List<Version>> result = new CompletableFuture<>();
    readWhenSafe(span, readTs, () -> engine.scan(span, readTs, direction, limit), result);
    return result;
  }

  /**
   * Serves {@code read} once the snapshot at {@code readTs} over {@code span} is final: the timestamp
   * is not in the future and no in-flight commit at or below it touches the span. Then raises the
   * read watermark so that it stays final.
   */
  private <T> void readWhenSafe(
      KeySpan span, Timestamp readTs, Supplier<T> read, CompletableFuture<T> result) {
    assertOnLoop();
    if (storageFailure != null) {
      result.completeExceptionally(unavailable("storage failed", storageFailure));
      return;
    }
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      result.completeExceptionally(unavailable("clock is not trustworthy", e));
      return;
    }
    if (readTs.micros() > now.latestMicros()) {
      // A read in the future would have to hold back every commit until then: wait for it instead.
      long waitMicros = readTs.micros() - now.latestMicros();
      loop.schedule(waitMicros * 1_000, () -> readWhenSafe(span, readTs, read, result));
      return;
    }
    if (readTs.isBefore(engine.gcHorizon())) {
      result.completeExceptionally(new TxnTooOldException(readTs, engine.gcHorizon()));
      return;
    }
    InflightCommit blocking = firstInflightAtOrBelow(span, readTs);
    if (blocking != null) {
      blocking.released.whenComplete(
          (ignored, failure) -> loop.execute(() -> readWhenSafe(span, readTs, read, result)));
      return;
    }
    readWatermark = Timestamp.max(readWatermark, readTs);
    try {
      result.complete(read.get());
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  private InflightCommit firstInflightAtOrBelow(KeySpan span, Timestamp readTs) {
    for (InflightCommit inflight : inflightIn(span).values()) {
      if (!inflight.commitTs.isAfter(readTs)) {
        return inflight;
      }
    }
    return null;
  }

  private SortedMap<Key, InflightCommit> inflightIn(KeySpan span) {
    return span.end() == null
        ? inflightByKey.tailMap(span.start())
        : inflightByKey.subMap(span.start(), span.end());
  }

  /**
   * Validates and commits {@code request} (the single-range fast path). Completes with the commit
   * timestamp once the writes are durable and {@code TT.after(commitTs)} holds; fails with {@link
   * TxnConflictException} if validation fails, in which case nothing was written. (A {@link
   * PlantedBug} weakens this on purpose.)
   */
  public CompletableFuture<Timestamp> commit(CommitRequest request) {
    assertOnLoop();
    if (storageFailure != null) {
      return CompletableFuture.failedFuture(unavailable("storage failed", storageFailure));
    }
    Optional<TxnConflictException> conflict = validate(request);
    if (conflict.isPresent()) {
      conflicts++;
      return CompletableFuture.failedFuture(conflict.get());
    }
    if (request.writes().isEmpty()) {
      // Nothing to order: the reads form a consistent snapshot at readTs, which the watermark froze.
      return CompletableFuture.completedFuture(request.readTs());
    }
    TTInterval now;
    try {
      now = trueTime.now();
    } catch (ClockUnavailableException e) {
      return CompletableFuture.failedFuture(unavailable("clock is not trustworthy", e));
    }
    Timestamp commitTs =
        Timestamp.max(Timestamp.ofMicros(now.latestMicros()), Timestamp.max(lastAssignedTs, readWatermark))
            .next();
    Invariants.require(commitTs.isAfter(lastAssignedTs), "commit timestamps strictly increase");
    lastAssignedTs = commitTs;
    long chosenNanos = loop.nowNanos();

    InflightCommit inflight = new InflightCommit(request.txnId(), commitTs);
    for (Write write : request.writes()) {
      InflightCommit previous = inflightByKey.put(write.key(), inflight);
      Invariants.require(previous == null, "validation let two in-flight commits lock one key");
    }
    CompletableFuture<Void> durable;
    try {
      durable = engine.commit(request.writes(), commitTs);
    } catch (StorageBusyException busy) {
      // Refused before anything was queued: the transaction simply did not happen.
      release(request.writes(), inflight);
      return CompletableFuture.failedFuture(unavailable("the disk is not keeping up", busy));
    }
    CompletableFuture<Void> waited = skipCommitWait
        ? CompletableFuture.completedFuture(null)
        : CommitWait.untilAfter(trueTime, loop, commitTs.micros())
            .thenRun(() -> commitWaitListener.waited(loop.nowNanos() - chosenNanos));
    CompletableFuture<Timestamp> acknowledged = new CompletableFuture<>();
    if (ackBeforeDurable) {
      // The planted bug: the client hears "committed" now; a later storage failure cannot take it back.
      waited.thenRunAsync(() -> acknowledged.complete(commitTs), loop);
    }
    CompletableFuture.allOf(durable, waited)
        .whenCompleteAsync(
            (ignored, failure) -> {
              release(request.writes(), inflight);
              if (failure != null) {
                // Whether the batch reached the disk is unknown: the range cannot go on safely.
                storageFailure = failure;
                acknowledged.completeExceptionally(new TxnOutcomeUnknownException(
                    "the outcome of transaction " + request.txnId() + " (commit at " + commitTs
                        + ") is unknown: storage failed after its write was queued; read back what it"
                        + " wrote before running it again", failure));
                return;
              }
              commitsApplied++;
              acknowledged.complete(commitTs);
            },
            loop);
    return acknowledged;
  }

  private void release(List<Write> writes, InflightCommit inflight) {
    for (Write write : writes) {
      boolean removed = inflightByKey.remove(write.key(), inflight);
      Invariants.require(removed, "in-flight lock of %s lost before release", write.key());
    }
    inflight.released.complete(null);
  }

  private Optional<TxnConflictException> validate(CommitRequest request) {
    Timestamp readTs = request.readTs();
    if (readTs.isBefore(engine.gcHorizon())) {
      return Optional.of(
          new TxnConflictException(
              "transaction "
                  + request.txnId()
                  + " read at "
                  + readTs
                  + ", below the GC horizon "
                  + engine.gcHorizon()
                  + ", so its reads cannot be validated; retry it"));
    }
    if (skipReadValidation) {
      // The planted bug: the read set is not checked. Writes below still lock, as the invariant needs.
      return validateWrites(request);
    }
    for (Key key : request.readKeys()) {
      Optional<TxnConflictException> conflict = validateSpan(request, KeySpan.point(key), () -> "key " + key);
      if (conflict.isPresent()) {
        return conflict;
      }
    }
    for (KeySpan span : request.readSpans()) {
      Optional<TxnConflictException> conflict = validateSpan(request, span, () -> "span " + span);
      if (conflict.isPresent()) {
        return conflict;
      }
    }
    return validateWrites(request);
  }

  /** A write to a key an in-flight commit holds conflicts: one key has at most one in-flight commit. */
  private Optional<TxnConflictException> validateWrites(CommitRequest request) {
    for (Write write : request.writes()) {
      InflightCommit holder = inflightByKey.get(write.key());
      if (holder != null) {
        return Optional.of(conflict(request, "key " + write.key(), write.key(),
            "is being written by transaction " + holder.txnId + ", which is committing"));
      }
    }
    return Optional.empty();
  }

  /** {@code what} names the key or span in a conflict's message, built only then (keys print as hex). */
  private Optional<TxnConflictException> validateSpan(
      CommitRequest request, KeySpan span, Supplier<String> what) {
    Optional<Version> newer = engine.newestAfter(span, request.readTs());
    if (newer.isPresent()) {
      Version version = newer.get();
      return Optional.of(conflict(request, what.get(), version.key(),
          "was written by a transaction that committed at " + version.commitTs() + ", after this one read it"));
    }
    SortedMap<Key, InflightCommit> inflight = inflightIn(span);
    if (!inflight.isEmpty()) {
      Map.Entry<Key, InflightCommit> first = inflight.entrySet().iterator().next();
      return Optional.of(conflict(request, what.get(), first.getKey(),
          "is being written by transaction " + first.getValue().txnId + ", which is committing"));
    }
    return Optional.empty();
  }

  /** A conflict of {@code request} over {@code what} it read or writes: {@code key} {@code reason}. */
  private static TxnConflictException conflict(CommitRequest request, String what, Key key, String reason) {
    return new TxnConflictException(
        "transaction " + request.txnId() + " conflicts: " + what + ", read at " + request.readTs() + ": "
            + key + " " + reason + "; retry the transaction",
        key,
        reason);
  }

  private static TxnUnavailableException unavailable(String why, Throwable cause) {
    return new TxnUnavailableException("range unavailable: " + why + "; retry later", cause);
  }

  private void assertOnLoop() {
    Invariants.require(loop.inLoop(), "range leader used off its loop");
  }

  /** Diagnostics: commits acknowledged, validations failed, locks held, timestamps. */
  public Stats stats() {
    return new Stats(commitsApplied, conflicts, inflightByKey.size(), lastAssignedTs, readWatermark);
  }

  public record Stats(
      long commitsApplied,
      long conflicts,
      int inflightLocks,
      Timestamp lastAssignedTs,
      Timestamp readWatermark) {}
}
