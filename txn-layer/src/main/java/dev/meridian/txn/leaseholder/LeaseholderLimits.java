package dev.meridian.txn.leaseholder;

/**
 * The bounds of one leaseholder core (DESIGN §11, Bounds).
 *
 * @param maxPendingRequests requests the core holds at once: reads waiting for an intent or for
 *     their timestamp, reads and validations out at storage, proposals in flight, commits in commit
 *     wait, status queries waiting for a decision. Each holds its read set or writes on the heap of
 *     the loop. Past it a new request is refused with {@link Refusal.Kind#RETRY_LATER} (certainly
 *     not applied), counted in {@link LeaseholderCore.Stats#refusedOverloaded()}. The default, 10,000,
 *     is far above what the loop can turn over in a commit wait (a few ms) at the rates the node
 *     sustains, so it bites only when something downstream (storage, Paxos) has stalled.
 * @param leaseEndMarginMicros the core assigns no timestamp within this much of the lease end: a
 *     commit assigned that late would likely still be in flight when the lease lapses, and its
 *     client would get "outcome unknown" (40003) instead of a clean retry (40001). Safety needs
 *     only that timestamps stay below the lease end; this margin is about the answer. Paxos renews
 *     the lease every heartbeat, so in a healthy group the margin never bites. Default 100 ms, a few
 *     WAN round trips of phase 2. Counted in {@link LeaseholderCore.Stats#refusedNearLeaseEnd()}.
 * @param closedTsTargetLagMicros how far behind {@code TT.now().latest} the core closes timestamps
 *     ({@link LeaseholderCore#closeTimestamp}): a follower serves reads this stale (plus the close
 *     cadence and the log's delay) without asking the leaseholder. Smaller lets fresher reads go to
 *     followers; but a commit's timestamp is assigned at {@code now.latest} and must stay above the
 *     closed timestamp until it is applied, so the lag must exceed a commit's replication time or
 *     every in-flight commit holds the close back (safe, only less useful). Default 1 s: a WAN
 *     phase 2 is ~100 ms, and CockroachDB's 3 s and TiDB's 5 s minimum staleness are the peers.
 */
public record LeaseholderLimits(int maxPendingRequests, long leaseEndMarginMicros, long closedTsTargetLagMicros) {

  /** The default closed-timestamp lag, 1 s. */
  public static final long DEFAULT_CLOSED_TS_TARGET_LAG_MICROS = 1_000_000;

  /** Limits with the default closed-timestamp lag. */
  public LeaseholderLimits(int maxPendingRequests, long leaseEndMarginMicros) {
    this(maxPendingRequests, leaseEndMarginMicros, DEFAULT_CLOSED_TS_TARGET_LAG_MICROS);
  }

  public LeaseholderLimits {
    if (maxPendingRequests <= 0) {
      throw new IllegalArgumentException("maxPendingRequests must be positive, got " + maxPendingRequests);
    }
    if (leaseEndMarginMicros < 0) {
      throw new IllegalArgumentException("leaseEndMarginMicros must be non-negative, got " + leaseEndMarginMicros);
    }
    if (closedTsTargetLagMicros < 0) {
      throw new IllegalArgumentException("closedTsTargetLagMicros must be non-negative, got " + closedTsTargetLagMicros);
    }
  }

  public static LeaseholderLimits defaults() {
    return new LeaseholderLimits(10_000, 100_000, DEFAULT_CLOSED_TS_TARGET_LAG_MICROS);
  }
}
