package dev.meridian.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * What the driver retries, and for how long. It retries one thing only: opening a connection.
 *
 * <ul>
 *   <li>Hosts are tried once each, in the order the URL lists them (so put the nearest first; to
 *       spread clients, give them the hosts in different orders). No host is tried twice.
 *   <li>A host is skipped when it cannot be reached or does not answer: refused, timed out, reset,
 *       or not speaking Avatica. An error the server answers with (bad password, bad property) ends
 *       the connect at once, since every host would answer the same.
 *   <li>Each attempt is bounded by {@code min(connectTimeoutMs, what is left of loginTimeoutMs)},
 *       and is charged that whole bound against {@code loginTimeoutMs}, even if it failed sooner.
 *       That keeps the total bounded without reading a clock (DESIGN.md §1 keeps clocks out of
 *       library code); the cost is that after many fast refusals, later hosts may be left untried.
 * </ul>
 *
 * <p>Once connected, nothing is retried: a statement is never re-run and a broken connection is
 * never silently re-established, because the server holds the session (transaction, staleness)
 * and the outcome of an interrupted statement is unknown. The application decides.
 */
public final class ConnectRetryPolicy {

  /** One planned attempt: which host, and its time bound. */
  public record Attempt(HostAndPort host, long timeoutMs) {}

  private final long connectTimeoutMs;
  private final long loginTimeoutMs;

  public ConnectRetryPolicy(long connectTimeoutMs, long loginTimeoutMs) {
    if (connectTimeoutMs < 1 || loginTimeoutMs < 1) {
      throw new IllegalArgumentException("timeouts must be positive: connectTimeoutMs="
          + connectTimeoutMs + ", loginTimeoutMs=" + loginTimeoutMs);
    }
    this.connectTimeoutMs = connectTimeoutMs;
    this.loginTimeoutMs = loginTimeoutMs;
  }

  /**
   * The attempts to make, in order; hosts left out did not fit in the budget. The bounds add up
   * to at most {@code loginTimeoutMs}.
   */
  public List<Attempt> plan(List<HostAndPort> hosts) {
    List<Attempt> attempts = new ArrayList<>();
    long remainingMs = loginTimeoutMs;
    for (HostAndPort host : hosts) {
      if (remainingMs <= 0) {
        break;
      }
      long timeoutMs = Math.min(connectTimeoutMs, remainingMs);
      attempts.add(new Attempt(host, timeoutMs));
      remainingMs -= timeoutMs;
    }
    return attempts;
  }

  /** Whether a failed attempt lets the connect go on to the next host. */
  public boolean failsOver(Throwable failure) {
    return failure instanceof TransportException t && t.duringHandshake();
  }
}
