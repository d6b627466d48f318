package dev.meridian.server.sql;

import dev.meridian.sql.exec.SqlExecutionException;
import dev.meridian.sql.exec.StatementGuard;
import java.util.function.LongSupplier;

/**
 * The {@link StatementGuard} of one statement: a deadline and a cancelled flag. A statement's
 * row iterator keeps the guard it was created with, so the guard is re-armed at the start of every
 * request that does work for the statement (execute, then each fetch): the statement timeout
 * bounds each request, not the time a client takes to read a long result.
 *
 * <p>Cancelled is for good: once a statement is closed, or its connection is closed or expires,
 * every later check fails with 57014.
 */
final class RequestGuard implements StatementGuard {

  private final LongSupplier nanoClock;
  private volatile long deadlineNanos;
  private volatile long timeoutMillis;
  private volatile boolean armed;
  private volatile String cancelReason;

  RequestGuard(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Starts a request that may run for {@code timeoutMillis} (0: no limit). */
  void arm(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    this.deadlineNanos = timeoutMillis <= 0 ? Long.MAX_VALUE : nanoClock.getAsLong() + timeoutMillis * 1_000_000L;
    this.armed = timeoutMillis > 0;
  }

  void cancel(String reason) {
    cancelReason = reason;
  }

  boolean cancelled() {
    return cancelReason != null;
  }

  @Override
  public long remainingNanos() {
    if (!armed) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, deadlineNanos - nanoClock.getAsLong());
  }

  @Override
  public void check() {
    String reason = cancelReason;
    if (reason != null) {
      throw new SqlExecutionException("57014", "statement cancelled: " + reason);
    }
    if (armed && nanoClock.getAsLong() - deadlineNanos >= 0) {
      throw new SqlExecutionException("57014", "statement timed out after " + timeoutMillis
          + " ms (the session's STATEMENT_TIMEOUT); raise it with SET STATEMENT_TIMEOUT = '30s', "
          + "or make the statement cheaper");
    }
  }
}
