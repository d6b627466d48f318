package dev.meridian.txn;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.range.RangeLeader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The transaction client of a node with one local range ({@link TransactionClient} over {@link
 * RangeLeader}): begins read-write and read-only transactions and runs read-write transactions with
 * retries on conflict. Thread-safe.
 *
 * <p>This node coordinates the transactions it begins. With one range per node (M1), every
 * transaction talks to that range's leader; the range directory replaces the single leader when
 * ranges split and replicate.
 */
public final class TxnClient implements TransactionClient {

  /** How {@link #runReadWrite} retries: attempts, and the backoff between them. */
  public record RetryPolicy(int maxAttempts, long initialBackoffMicros, long maxBackoffMicros) {
    public RetryPolicy {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
    }

    public static RetryPolicy defaults() {
      return new RetryPolicy(100, 100, 50_000);
    }
  }

  /** The outcome of a committed read-write transaction: the body's value and the commit timestamp. */
  public record Committed<T>(T value, Timestamp commitTs, int attempts) {}

  /** The region of a node that was not given one (as {@code meridian start} without {@code --region}). */
  public static final String DEFAULT_REGION = "default";

  private final int nodeId;
  private final RangeLeader range;
  private final TrueTime trueTime;
  private final RandomSource random;
  private final TxnLimits limits;
  private final AtomicLong lastTxnSequence = new AtomicLong();
  private final LocalRangeAdmin rangeAdmin;

  public TxnClient(int nodeId, RangeLeader range, TrueTime trueTime, RandomSource random) {
    this(nodeId, range, trueTime, random, TxnLimits.defaults());
  }

  public TxnClient(int nodeId, RangeLeader range, TrueTime trueTime, RandomSource random, TxnLimits limits) {
    this(nodeId, range, trueTime, random, limits, DEFAULT_REGION);
  }

  /** As above, on a node in {@code region} (what SHOW RANGES says of the one range's replica). */
  public TxnClient(int nodeId, RangeLeader range, TrueTime trueTime, RandomSource random, TxnLimits limits,
      String region) {
    this.nodeId = nodeId;
    this.rangeAdmin = new LocalRangeAdmin(new NodeId(nodeId), region);
    this.range = range;
    this.trueTime = trueTime;
    this.random = random;
    this.limits = limits;
  }

  /** The bounds every transaction of this client keeps. */
  @Override
  public TxnLimits limits() {
    return limits;
  }

  /** The node this client runs on: the coordinator node of its transaction ids. */
  @Override
  public int nodeId() {
    return nodeId;
  }

  @Override
  public RangeAdmin rangeAdmin() {
    return rangeAdmin;
  }

  /**
   * Begins a read-write transaction reading at {@code TT.now().latest}.
   *
   * @throws TxnUnavailableException if the clock is not trustworthy (retryable)
   */
  @Override
  public ReadWriteTransaction beginReadWrite() {
    TTInterval now = now();
    return new ReadWriteTransaction(nextTxnId(now), Timestamp.ofMicros(now.latestMicros()), range, limits);
  }

  /**
   * Begins a read-only transaction at the timestamp {@code bound} picks.
   *
   * @throws TxnUnavailableException if the clock is not trustworthy (retryable)
   */
  @Override
  public ReadOnlyTransaction beginReadOnly(TimestampBound bound) {
    return new ReadOnlyTransaction(bound.readTs(this::now), range);
  }

  /**
   * Runs {@code body} in a read-write transaction and commits it; on a retryable failure (a conflict,
   * an unavailable clock) runs it again in a new transaction, after a randomized, growing backoff.
   * The body must not have effects outside the transaction, as it may run several times.
   */
  public <T> CompletableFuture<Committed<T>> runReadWrite(
      Function<ReadWriteTransaction, CompletableFuture<T>> body, RetryPolicy policy) {
    CompletableFuture<Committed<T>> result = new CompletableFuture<>();
    attempt(body, policy, 1, policy.initialBackoffMicros(), result);
    return result;
  }

  private <T> void attempt(
      Function<ReadWriteTransaction, CompletableFuture<T>> body,
      RetryPolicy policy,
      int attempt,
      long backoffMicros,
      CompletableFuture<Committed<T>> result) {
    CompletableFuture<Committed<T>> thisAttempt;
    try {
      ReadWriteTransaction txn = beginReadWrite();
      thisAttempt =
          body.apply(txn)
              .thenCompose(
                  value -> txn.commit().thenApply(ts -> new Committed<>(value, ts, attempt)))
              .whenComplete(
                  (committed, failure) -> {
                    if (failure != null) {
                      txn.abort();
                    }
                  });
    } catch (TxnException e) {
      thisAttempt = CompletableFuture.failedFuture(e);
    }
    thisAttempt.whenComplete(
        (committed, failure) -> {
          if (failure == null) {
            result.complete(committed);
            return;
          }
          Throwable cause = TxnFutures.unwrap(failure);
          boolean retryable = cause instanceof TxnException txnFailure && txnFailure.isRetryable();
          if (!retryable || attempt >= policy.maxAttempts()) {
            result.completeExceptionally(cause);
            return;
          }
          long jitteredMicros;
          synchronized (random) {
            jitteredMicros = backoffMicros / 2 + random.nextLong(Math.max(1, backoffMicros));
          }
          long nextBackoff = Math.min(policy.maxBackoffMicros(), backoffMicros * 2);
          range
              .loop()
              .schedule(
                  jitteredMicros * 1_000,
                  () -> attempt(body, policy, attempt + 1, nextBackoff, result));
        });
  }

  private TTInterval now() {
    try {
      return trueTime.now();
    } catch (ClockUnavailableException e) {
      throw new TxnUnavailableException("cannot begin a transaction: " + e.getMessage(), e);
    }
  }

  /**
   * Transaction ids are unique on this node across restarts: the sequence is never below the clock's
   * latest microsecond, which does not go backwards, and always above the previous sequence.
   */
  private TxnId nextTxnId(TTInterval now) {
    long sequence = lastTxnSequence.updateAndGet(last -> Math.max(last + 1, now.latestMicros()));
    return new TxnId(nodeId, sequence);
  }
}
