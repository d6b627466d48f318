package dev.meridian.truetime;

/**
 * Thrown by {@link TrueTime#now()} when the node's clock cannot currently bound true time. Retryable:
 * the condition is a state of the clock, not a bug, and it ends by itself once the clock is
 * trustworthy again. Callers stop granting leases and refuse or delay transactions meanwhile.
 *
 * <p>Carries no stack trace: it marks a state, is thrown on a hot path while that state lasts, and
 * the message says everything a reader needs.
 */
public final class ClockUnavailableException extends RuntimeException {

  /** Why the clock is unavailable; also a metric label. */
  public enum Reason {
    /** Uncertainty would exceed the configured maximum epsilon. */
    EPSILON_ABOVE_MAX,
    /**
     * The wall clock jumped against the monotonic clock (or the monotonic clock went backwards), and
     * the node has not yet seen a clean period since.
     */
    CLOCK_JUMP,
    /** No successful sync yet, or the start-up wait that keeps {@code latest} monotonic across restarts. */
    NOT_SYNCED,
    /** The last sync round found no majority of the time masters agreeing on an interval. */
    NO_MAJORITY,
    /** The node's wall clock lies further than the maximum epsilon outside the masters' time. */
    WALL_CLOCK_OFFSET,
    /**
     * A sync found the masters' time outside the interval predicted from the previous sync: the
     * oscillator ran faster or slower than the drift bound (or the masters stepped).
     */
    DRIFT_EXCEEDED,
  }

  private final Reason reason;
  private final long retryAfterMicros;

  /**
   * @param reason why the clock is unavailable
   * @param detail what was observed, with numbers
   * @param retryAfterMicros earliest time (on this node's clock, from now) at which a retry can
   *     succeed, or 0 if unknown
   */
  public ClockUnavailableException(Reason reason, String detail, long retryAfterMicros) {
    super(
        "TrueTime unavailable ("
            + reason
            + "): "
            + detail
            + "; this node cannot bound true time right now, so the operation may be retried"
            + (retryAfterMicros > 0 ? " in about " + retryAfterMicros + " µs" : " later"),
        null,
        false,
        false);
    this.reason = reason;
    this.retryAfterMicros = Math.max(0, retryAfterMicros);
  }

  public Reason reason() {
    return reason;
  }

  /** Earliest delay after which a retry can succeed, or 0 if unknown. A hint, not a promise. */
  public long retryAfterMicros() {
    return retryAfterMicros;
  }
}
