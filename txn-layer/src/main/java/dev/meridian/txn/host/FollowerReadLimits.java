package dev.meridian.txn.host;

import dev.meridian.txn.follower.FollowerReads;
import java.util.Set;

/**
 * The range host's settings for reads from any replica (M7).
 *
 * @param closeIntervalMicros the close cadence: how often each leaseholder of the node closes a
 *     timestamp (through the log for a range that proposed since the last close, on the node's
 *     coalesced closed-timestamp batch otherwise). 200 ms: with the core's target lag of 1 s a
 *     follower's safe time trails true time by 1–1.2 s; shorter costs one Paxos write per busy range
 *     per interval, longer makes stale reads staler.
 * @param maxStrongWaitMicros how long a strong follower read waits for its replica to apply the slot
 *     the leaseholder's ReadIndex named before it is answered "not yet" (the gateway then reads at the
 *     leaseholder). 500 ms: a replica further behind than that is better bypassed.
 * @param maxWaitingReads the most strong reads one replica holds waiting ({@link FollowerReads}'s
 *     bound; past it they are answered "not yet" at once)
 * @param maxClosedPerBatch the most closed-timestamp entries in one node-to-node message (32 bytes
 *     each, {@code wire.FollowerWireCodec}); more go in several messages
 * @param plantedBugs {@link FollowerReads.PlantedBug}s, for the tests that show the checks catch them;
 *     empty on a real node
 */
public record FollowerReadLimits(long closeIntervalMicros, long maxStrongWaitMicros, int maxWaitingReads,
    int maxClosedPerBatch, Set<FollowerReads.PlantedBug> plantedBugs) {

  public FollowerReadLimits {
    if (closeIntervalMicros <= 0) {
      throw new IllegalArgumentException("closeIntervalMicros must be positive, got " + closeIntervalMicros);
    }
    if (maxStrongWaitMicros <= 0) {
      throw new IllegalArgumentException("maxStrongWaitMicros must be positive, got " + maxStrongWaitMicros);
    }
    if (maxWaitingReads <= 0) {
      throw new IllegalArgumentException("maxWaitingReads must be positive, got " + maxWaitingReads);
    }
    if (maxClosedPerBatch <= 0) {
      throw new IllegalArgumentException("maxClosedPerBatch must be positive, got " + maxClosedPerBatch);
    }
    plantedBugs = Set.copyOf(plantedBugs);
  }

  public static FollowerReadLimits defaults() {
    return new FollowerReadLimits(200_000, 500_000, 1_000, 4_096, Set.of());
  }

  /** These limits with {@code bugs} planted. */
  public FollowerReadLimits withPlantedBugs(Set<FollowerReads.PlantedBug> bugs) {
    return new FollowerReadLimits(closeIntervalMicros, maxStrongWaitMicros, maxWaitingReads, maxClosedPerBatch, bugs);
  }
}
