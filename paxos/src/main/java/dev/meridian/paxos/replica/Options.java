package dev.meridian.paxos.replica;

/**
 * Tuning of one replica.
 *
 * @param electionTicks ticks without hearing from a leader before a voter starts a pre-vote; each
 *     timeout is drawn uniformly from {@code [electionTicks, 2·electionTicks)}. Also the period of the
 *     leader's quorum check.
 * @param heartbeatTicks ticks between a leader's heartbeats (which also renew its lease)
 * @param leaseDurationMicros length of a lease grant, in TrueTime microseconds. Must be shorter than
 *     the election timeout in true time, or followers campaign before the lease they granted ends.
 * @param maxBatchEntries most entries in one Accept
 * @param maxInflightEntries most entries sent to one follower and not yet acknowledged
 * @param maxApplyBatch most committed entries handed out in one Ready
 */
public record Options(
    int electionTicks,
    int heartbeatTicks,
    long leaseDurationMicros,
    int maxBatchEntries,
    int maxInflightEntries,
    int maxApplyBatch) {

  public Options {
    if (electionTicks < 2 || heartbeatTicks < 1 || heartbeatTicks >= electionTicks) {
      throw new IllegalArgumentException("need 1 <= heartbeatTicks < electionTicks, 2 <= electionTicks");
    }
    if (leaseDurationMicros <= 0 || maxBatchEntries < 1 || maxInflightEntries < maxBatchEntries
        || maxApplyBatch < 1) {
      throw new IllegalArgumentException("bad Options " + this);
    }
  }

  /** Ticks of 100 ms: election after 1–2 s, heartbeats every 200 ms, leases of 10 s (DESIGN §5). */
  public static Options defaults() {
    return new Options(10, 2, 10_000_000, 64, 1024, 256);
  }
}
