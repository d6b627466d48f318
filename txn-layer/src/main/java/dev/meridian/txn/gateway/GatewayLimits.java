package dev.meridian.txn.gateway;

import dev.meridian.txn.directory.MultiRangeScan;

/**
 * The bounds of a gateway node's routing (DESIGN §11, Bounds), besides the transaction's own ({@code
 * TxnLimits}: write buffer) and the coordinator's ({@code CoordinatorLimits}: read set,
 * participants, duration).
 *
 * @param requestTimeoutNanos how long one request to a leaseholder may take before the gateway
 *     gives up on it: a read fails (retryably), a one-range commit's outcome is unknown (40003), a
 *     prepare or decision is resent by the coordinator. It must exceed a commit's replication plus
 *     commit wait (two clock uncertainties) with room to spare; 5 s.
 * @param maxRouteAttempts tries of one read or meta lookup across redirects, unreachable replicas
 *     and failed lookups before it fails with {@code TxnUnavailableException} (retryable): each try
 *     follows a fresher cache, so a handful succeed unless the cluster is in trouble; 8.
 * @param retryBackoffNanos the pause before the second retry of a read or a lookup, or the second
 *     resend of a coordinator's requests after a redirect, doubling with each further one; the
 *     first goes at once (after a split the fresh descriptor is one meta read away), but a range
 *     that is electing a leaseholder answers "not leaseholder" without a hint, and resending at
 *     once every time would only spin; 1 ms.
 * @param maxRetryBackoffNanos the cap of that doubling; 100 ms, about an election.
 * @param scan the bounds of one scan over several ranges (parallel pieces, rows held, batch rows,
 *     redirects)
 */
public record GatewayLimits(
    long requestTimeoutNanos,
    int maxRouteAttempts,
    long retryBackoffNanos,
    long maxRetryBackoffNanos,
    MultiRangeScan.ScanLimits scan) {

  public GatewayLimits {
    if (requestTimeoutNanos <= 0 || maxRouteAttempts <= 0 || retryBackoffNanos < 0
        || maxRetryBackoffNanos < retryBackoffNanos) {
      throw new IllegalArgumentException("invalid gateway limits: " + requestTimeoutNanos + " "
          + maxRouteAttempts + " " + retryBackoffNanos + " " + maxRetryBackoffNanos);
    }
  }

  public static GatewayLimits defaults() {
    return new GatewayLimits(5_000_000_000L, 8, 1_000_000L, 100_000_000L, MultiRangeScan.ScanLimits.defaults());
  }

  /** The pause before retry {@code retry} (1-based): none before the first, then doubling from {@code retryBackoffNanos}. */
  public long backoffNanos(int retry) {
    if (retry <= 1) {
      return 0;
    }
    int doublings = Math.min(retry - 2, 30);
    return Math.min(maxRetryBackoffNanos, retryBackoffNanos << doublings);
  }
}
