package dev.meridian.server.sql;

import dev.meridian.runtime.Invariants;
import dev.meridian.sql.exec.SqlExecutionException;
import dev.meridian.sql.exec.StatementGuard;
import java.util.function.LongSupplier;

/**
 * The {@link StatementGuard} of one statement: a deadline and a cancelled flag. A statement's
 * row iterator keeps the guard it was created with, so the guard is re-armed at the start of every
 * request that does work for the statement (execute, then each fetch): the statement timeout
 * bounds each request, not the time a client takes to read a long result.
 *
 * <p>Two ways to stop it, both failing the next check with 57014:
 *
 * <ul>
 *   <li>{@link #cancel} is for good: once a statement is closed, or its connection is closed or
 *       expires, every later check fails.
 *   <li>{@link #interrupt} ({@code Statement.cancel()}, through {@code CANCEL STATEMENT}) stops only
 *       the requests in flight: those between {@link #enter} and {@link #exit}. With none in flight
 *       it does nothing, as JDBC asks of a cancel of a statement that is not running; once the last
 *       one in flight has ended, the statement runs normally again.
 * </ul>
 *
 * <p>{@code enter}, {@code exit} and {@code interrupt} hold this object's monitor only to count, so
 * an interrupt never waits for the statement's work (nor for its connection's lock).
 */
final class RequestGuard implements StatementGuard {

  private final LongSupplier nanoClock;
  private volatile long deadlineNanos;
  private volatile long timeoutMillis;
  private volatile boolean armed;
  private volatile String cancelReason;
  private volatile String interruptReason;
  /** Requests in flight for the statement; guarded by this. */
  private int inFlight;

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

  /** A request working for the statement starts; every {@code enter} is followed by one {@link #exit}. */
  synchronized void enter() {
    inFlight++;
  }

  /** A request ends; after the last one in flight, an earlier {@link #interrupt} no longer applies. */
  synchronized void exit() {
    Invariants.require(inFlight > 0, "RequestGuard.exit without a matching enter");
    if (--inFlight == 0) {
      interruptReason = null;
    }
  }

  /** Stops the requests in flight, if any; returns whether there was one. Later requests run normally. */
  synchronized boolean interrupt(String reason) {
    if (inFlight == 0) {
      return false;
    }
    interruptReason = reason;
    return true;
  }

  boolean cancelled() {
    return cancelReason != null;
  }

  /** The error of a statement stopped for {@code reason}. */
  static SqlExecutionException cancelled(String reason) {
    return new SqlExecutionException("57014", "statement cancelled: " + reason);
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
    String reason = cancelReason != null ? cancelReason : interruptReason;
    if (reason != null) {
      throw cancelled(reason);
    }
    if (armed && nanoClock.getAsLong() - deadlineNanos >= 0) {
      throw new SqlExecutionException("57014", "statement timed out after " + timeoutMillis
          + " ms (the session's STATEMENT_TIMEOUT); raise it with SET STATEMENT_TIMEOUT = '30s', "
          + "or make the statement cheaper");
    }
  }
}
