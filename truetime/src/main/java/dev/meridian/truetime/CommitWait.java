package dev.meridian.truetime;

import dev.meridian.runtime.Scheduler;
import java.util.concurrent.CompletableFuture;

/**
 * Commit wait (DESIGN.md §6): a future that completes once {@code TT.after(t)} holds, so a
 * transaction is acknowledged only after true time has passed its commit timestamp.
 *
 * <p>Invariant: the future completes only inside a task of the given scheduler, and only after a call
 * of {@code tt.after(t)} in that same task returned true; by {@link TrueTime}'s monotonicity, {@code
 * tt.after(t)} stays true from then on. It never blocks: each check that finds {@code t} not yet
 * passed schedules the next one {@code t - earliest + 1} µs later, the soonest {@code earliest} can
 * exceed {@code t} while it advances no faster than the monotonic clock. So on a scheduler that shares
 * TrueTime's monotonic clock the wait ends at the first microsecond at which {@code after(t)} holds,
 * except when a sync inside the wait narrows the interval early; then it ends at most the drift term
 * of one sync period late. While the clock is unavailable it re-checks after the exception's retry
 * hint, or every {@link #UNAVAILABLE_RECHECK_MICROS} if there is none.
 *
 * <p>Cancelling the returned future stops the checks at the next one. Exceptions other than {@link
 * ClockUnavailableException} complete the future exceptionally.
 */
public final class CommitWait {

  /** Re-check period while the clock is unavailable and gives no hint. */
  public static final long UNAVAILABLE_RECHECK_MICROS = 10_000;

  /** Longest single timer, so delays stay far from overflow when converted to nanoseconds. */
  private static final long MAX_DELAY_MICROS = Long.MAX_VALUE / 1_000;

  private CommitWait() {}

  /**
   * Completes (inside a task of {@code scheduler}) once {@code tt.after(tMicros)} holds; the first
   * check runs as a task, never in the caller.
   */
  public static CompletableFuture<Void> untilAfter(TrueTime tt, Scheduler scheduler, long tMicros) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.execute(() -> check(tt, scheduler, tMicros, done));
    return done;
  }

  private static void check(
      TrueTime tt, Scheduler scheduler, long tMicros, CompletableFuture<Void> done) {
    if (done.isDone()) {
      return;
    }
    long delayMicros;
    try {
      TTInterval now = tt.now();
      if (now.earliestMicros() > tMicros) {
        done.complete(null);
        return;
      }
      delayMicros = tMicros - now.earliestMicros() + 1;
      if (delayMicros <= 0) {
        // t - earliest overflowed: t is far beyond any representable wait.
        delayMicros = MAX_DELAY_MICROS;
      }
    } catch (ClockUnavailableException unavailable) {
      delayMicros =
          unavailable.retryAfterMicros() > 0
              ? unavailable.retryAfterMicros()
              : UNAVAILABLE_RECHECK_MICROS;
    } catch (RuntimeException bug) {
      done.completeExceptionally(bug);
      return;
    }
    long delayNanos = Math.min(delayMicros, MAX_DELAY_MICROS) * 1_000;
    scheduler.schedule(delayNanos, () -> check(tt, scheduler, tMicros, done));
  }
}
