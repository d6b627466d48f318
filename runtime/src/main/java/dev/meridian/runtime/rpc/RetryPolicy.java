package dev.meridian.runtime.rpc;

/**
 * How an idempotent request is retried: up to {@code maxAttempts} attempts in all, each waiting at
 * most {@code attemptTimeoutNanos} (and never past the call's deadline), separated by a backoff that
 * starts at {@code initialBackoffNanos}, doubles per attempt up to {@code maxBackoffNanos}, and is
 * drawn uniformly from its upper half (so retries of many callers do not fall into step).
 *
 * <p>Only requests whose repetition is harmless may be retried ({@link RequestType#idempotent}): a
 * timed-out attempt may have run, and its retry runs it again.
 */
public record RetryPolicy(
    int maxAttempts, long attemptTimeoutNanos, long initialBackoffNanos, long maxBackoffNanos) {

  /** One attempt, which waits for the whole deadline. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Long.MAX_VALUE, 0, 0);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (attemptTimeoutNanos <= 0) {
      throw new IllegalArgumentException("attemptTimeoutNanos must be positive");
    }
    if (initialBackoffNanos < 0 || maxBackoffNanos < initialBackoffNanos) {
      throw new IllegalArgumentException("need 0 <= initialBackoffNanos <= maxBackoffNanos, got "
          + initialBackoffNanos + " and " + maxBackoffNanos);
    }
  }

  public boolean retries() {
    return maxAttempts > 1;
  }

  /** The wait before attempt {@code nextAttempt} (2 for the first retry), drawn from {@code random}. */
  long backoffNanos(int nextAttempt, dev.meridian.runtime.RandomSource random) {
    long ceiling = initialBackoffNanos;
    for (int i = 2; i < nextAttempt && ceiling < maxBackoffNanos; i++) {
      ceiling = Math.min(maxBackoffNanos, ceiling * 2);
    }
    long floor = ceiling / 2;
    return floor + random.nextLong(ceiling - floor + 1);
  }
}
