package dev.meridian.sim.paxos;

import dev.meridian.paxos.replica.Options;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.sim.clock.SimClock;
import dev.meridian.sim.clock.SimTimeMasters;
import dev.meridian.sim.clock.SimTimeSync;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault and workload parameters of one run, themselves drawn from the seed (swarm testing, as in
 * VOPR and FoundationDB): one seed may have no packet loss but frequent crashes, the next heavy
 * duplication and long partitions. Every feature can be switched off entirely by the draw, because a
 * fault that is always on can mask the bug another fault would expose.
 *
 * <p>Times are microseconds of true time.
 */
public final class Swarm {

  /** Shapes of partition the nemesis may cut. */
  public enum PartitionKind {
    /** A random minority (often the leader) cut off from the majority, both ways. */
    MINORITY,
    /** Every node on a random side of two. */
    RANDOM_SPLIT,
    /** Some directed links blocked one way only: a node hears but is not heard, or the reverse. */
    ONE_WAY,
    /** Two sides that cannot talk, and one node that talks to both. */
    BRIDGE
  }

  public final long tickMicros;
  public final Options options;
  public final long faultPhaseMicros;
  public final long livenessBoundMicros;
  /** A generous round trip: longest link latency both ways plus twenty disk writes at each end. */
  public final long roundTripMicros;

  public final long minLatencyMicros;
  public final long maxLatencyMicros;
  public final long jitterMicros;
  public final double loss;
  public final double duplicate;
  public final double reorder;
  public final long reorderDelayMicros;
  public final double tail;

  /** Mean time between crashes, 0 if none. */
  public final long crashMeanMicros;
  public final long downMaxMicros;
  /** Mean time between partitions, 0 if none. */
  public final long partitionMeanMicros;
  public final long partitionMaxMicros;
  public final List<PartitionKind> partitionKinds;
  public final double targetLeader;
  /** Mean time between leadership transfers, 0 if none. */
  public final long transferMeanMicros;

  public final long diskMinMicros;
  public final long diskJitterMicros;
  public final double diskSlow;
  /** Most writes a disk queues before refusing one as busy, 0 if unbounded. */
  public final int diskQueueBound;
  /** How long the driver waits before retrying a write the disk refused. */
  public final long busyRetryMicros;

  public final long baseUncertaintyMicros;
  public final long maxDriftPpm;
  /** Clock offsets at the edges of the bound (±base/2) rather than anywhere inside it. */
  public final boolean edgeOffsets;

  public final long proposeMeanMicros;
  /** Most requests the client has outstanding at once. */
  public final int clientConcurrency;
  public final long clientTimeoutMicros;
  /** Compact the log every this many applied slots, 0 if never. */
  public final int compactEvery;
  /** Snapshot streaming: chunk size (small, so an image takes many chunks), window, resend ticks. */
  public final int snapshotChunkBytes;
  public final int snapshotWindow;
  public final int snapshotResendTicks;
  /**
   * Admission control in the driver: a node takes no proposal while this many of the proposals made
   * there are not yet applied ({@code PaxosDriver.Config.maxPendingProposals}).
   */
  public final int proposalQuota;
  /** How many Paxos groups every node hosts (through one driver, on one disk). */
  public final int groups;

  /** Time masters the nodes poll; 0: every node's TrueTime is its local clock. */
  public final int timeMasters;
  /** How many of the masters lie (always a minority). */
  public final int liars;
  public final long masterDeclaredMicros;
  public final long masterMinLatencyMicros;
  public final long masterMaxLatencyMicros;
  /** Probability that a time request or its answer is lost, during the fault phase. */
  public final double masterLoss;
  public final long pollMicros;
  /** Mean time between steps of some node's wall clock out of the bound, 0 if never. */
  public final long wallFaultMeanMicros;

  public Swarm(RandomSource r, int nodes) {
    tickMicros = pick(r, 10_000, 20_000, 50_000);
    int electionTicks = 10;
    int heartbeatTicks = 1 + r.nextInt(3);
    // Options asks for leases shorter than the election timeout, or followers campaign while the
    // lease they granted still runs. That is for liveness only: safety must not depend on it, and
    // with short leases every lease has ended before anyone campaigns, so the lease checks never
    // bite. So some runs break the rule on purpose, with leases up to three election timeouts.
    long electionMicros = tickMicros * electionTicks;
    long leaseMicros =
        r.chance(0.6)
            ? electionMicros * (40 + r.nextInt(55)) / 100
            : electionMicros * (100 + r.nextInt(r.chance(0.5) ? 100 : 200)) / 100;
    int maxBatch = pick(r, 1, 4, 64);
    options = new Options(electionTicks, heartbeatTicks, leaseMicros, maxBatch, maxBatch * pick(r, 1, 4), pick(r, 1, 8, 64));
    faultPhaseMicros = 3_000_000 + r.nextLong(12_000_000);

    minLatencyMicros = 50 + r.nextLong(2_000);
    maxLatencyMicros = minLatencyMicros + r.nextLong(r.chance(0.3) ? 40_000 : 5_000);
    jitterMicros = r.nextLong(r.chance(0.5) ? 1_000 : 10_000);
    loss = r.chance(0.3) ? 0 : r.nextDouble() * 0.2;
    duplicate = r.chance(0.5) ? 0 : r.nextDouble() * 0.1;
    reorder = r.chance(0.5) ? 0 : r.nextDouble() * 0.2;
    reorderDelayMicros = r.nextLong(50_000);
    tail = r.chance(0.5) ? 0 : r.nextDouble() * 0.02;

    crashMeanMicros = r.chance(0.2) ? 0 : 200_000 + r.nextLong(3_000_000);
    downMaxMicros = 10_000 + r.nextLong(r.chance(0.5) ? 200_000 : 3_000_000);
    partitionMeanMicros = r.chance(0.2) ? 0 : 200_000 + r.nextLong(3_000_000);
    partitionMaxMicros = 50_000 + r.nextLong(3_000_000);
    List<PartitionKind> kinds = new ArrayList<>();
    for (PartitionKind kind : PartitionKind.values()) {
      if (r.chance(0.6)) {
        kinds.add(kind);
      }
    }
    if (kinds.isEmpty()) {
      kinds.add(PartitionKind.MINORITY);
    }
    partitionKinds = List.copyOf(kinds);
    targetLeader = r.nextDouble();
    transferMeanMicros = r.chance(0.5) ? 0 : 500_000 + r.nextLong(3_000_000);

    diskMinMicros = 20 + r.nextLong(2_000);
    diskJitterMicros = r.nextLong(r.chance(0.5) ? 500 : 10_000);
    diskSlow = r.chance(0.5) ? 0 : r.nextDouble() * 0.02;

    // Mostly a healthy few ms; sometimes the wide uncertainty of a node that lost its time masters,
    // as wide as a lease, which is where lease disjointness rests on TrueTime alone.
    double clockHealth = r.nextDouble();
    baseUncertaintyMicros =
        clockHealth < 0.5 ? 1_000 + r.nextLong(4_000)
            : clockHealth < 0.8 ? 1_000 + r.nextLong(30_000)
            : 50_000 + r.nextLong(250_000);
    maxDriftPpm = r.nextLong(201);
    edgeOffsets = r.chance(0.5);

    proposeMeanMicros = 1_000 + r.nextLong(r.chance(0.5) ? 20_000 : 200_000);
    clientConcurrency = pick(r, 1, 4, 16, 64);
    clientTimeoutMicros = 200_000 + r.nextLong(2_000_000);
    compactEvery = r.chance(0.4) ? 0 : 5 + r.nextInt(100);
    proposalQuota = pick(r, 16, 64, 256);

    // The bound is fixed before the run: time to elect (many election timeouts, lease waits) plus
    // time to commit a backlog of a few leaders' quotas at one inflight window per round trip.
    roundTripMicros =
        2 * (maxLatencyMicros + jitterMicros + reorderDelayMicros) + 2 * 20 * (diskMinMicros + diskJitterMicros);
    livenessBoundMicros =
        20_000_000 + 4L * proposalQuota * roundTripMicros / options.maxInflightEntries();

    // Drawn last, so that every draw above stays what it was before these were added.
    diskQueueBound = r.chance(0.7) ? 0 : 1 + r.nextInt(3);
    busyRetryMicros = 1 + r.nextLong(2 * (diskMinMicros + diskJitterMicros));
    groups = 1 + r.nextInt(3);

    // TrueTime from time masters (M6), drawn after everything above for the same reason. A quarter
    // of the runs keep the local-clock TrueTime of before.
    timeMasters = r.chance(0.25) ? 0 : pick(r, 3, 5);
    liars = timeMasters == 0 || r.chance(0.3) ? 0 : 1 + r.nextInt((timeMasters - 1) / 2);
    masterDeclaredMicros = 100 + r.nextLong(r.chance(0.5) ? 1_000 : baseUncertaintyMicros);
    masterMinLatencyMicros = 20 + r.nextLong(1_000);
    masterMaxLatencyMicros = masterMinLatencyMicros + r.nextLong(r.chance(0.3) ? 20_000 : 2_000);
    masterLoss = r.chance(0.5) ? 0 : r.nextDouble() * 0.3;
    pollMicros = 200_000 + r.nextLong(r.chance(0.5) ? 1_000_000 : 5_000_000);
    wallFaultMeanMicros = timeMasters == 0 || r.chance(0.5) ? 0 : 300_000 + r.nextLong(3_000_000);

    // Chunked snapshots (durable state machines), drawn after everything above.
    snapshotChunkBytes = pick(r, 64, 256, 4096, 64 << 10);
    snapshotWindow = pick(r, 2, 4, 16);
    snapshotResendTicks = pick(r, 2, 5, 20);
  }

  /** The time masters every node polls, drawn from {@code random}; null when nodes use local clocks. */
  public SimTimeSync timeSync(ManualClock truth, RandomSource random) {
    return timeMasters == 0 ? null : new SimTimeSync(
        new SimTimeMasters(truth, timeMasters, liars, masterDeclaredMicros, random.fork()),
        pollMicros, masterMinLatencyMicros, masterMaxLatencyMicros, masterLoss);
  }

  /** One node's clocks: an offset and a drift within the bound, drawn from {@code nodeRandom}. */
  public SimClock clock(ManualClock truth, RandomSource nodeRandom, SimTimeSync sync, PlantedBug bug) {
    long base = baseUncertaintyMicros;
    long offset =
        edgeOffsets
            ? (nodeRandom.chance(0.5) ? base / 2 : -(base / 2))
            : nodeRandom.nextLong(2 * (base / 2) + 1) - base / 2;
    long drift = maxDriftPpm == 0 ? 0 : nodeRandom.nextLong(2 * maxDriftPpm + 1) - maxDriftPpm;
    return new SimClock(truth, base, offset, drift, nodeRandom.fork(),
        bug == PlantedBug.LEASE_WAIT_IGNORES_UNCERTAINTY, sync, bug == PlantedBug.WALL_CLOCK_UNWATCHED);
  }

  /** A step of {@code clock}'s wall clock out of its bound (at least twice its widest epsilon). */
  public static long outOfBoundStepMicros(SimClock clock, RandomSource random) {
    long magnitude = 2 * clock.maxEpsilonMicros() + random.nextLong(2_000_000);
    return random.chance(0.5) ? magnitude : -magnitude;
  }

  private static int pick(RandomSource r, int... choices) {
    return choices[r.nextInt(choices.length)];
  }

  private static long pick(RandomSource r, long... choices) {
    return choices[r.nextInt(choices.length)];
  }

  @Override
  public String toString() {
    return String.format(
        "groups=%d tick=%dus %s fault-phase=%dms | net latency=%d..%dus jitter=%dus loss=%.3f dup=%.3f"
            + " reorder=%.3f/%dus tail=%.3f | crash-mean=%dms down-max=%dms partition-mean=%dms"
            + " partition-max=%dms kinds=%s target-leader=%.2f transfer-mean=%dms | disk=%d+%dus"
            + " slow=%.3f queue=%d busy-retry=%dus | clock base-eps=%dus drift<=%dppm masters=%d liars=%d declared=%dus master-latency=%d..%dus master-loss=%.3f poll=%dms wall-fault-mean=%dms | propose-mean=%dus client=%dx%dms quota=%d compact-every=%d liveness-bound=%dms | snapshot chunk=%dB window=%d resend=%dticks",
        groups, tickMicros, options, faultPhaseMicros / 1000, minLatencyMicros, maxLatencyMicros,
        jitterMicros, loss, duplicate, reorder, reorderDelayMicros, tail, crashMeanMicros / 1000,
        downMaxMicros / 1000, partitionMeanMicros / 1000, partitionMaxMicros / 1000,
        partitionKinds, targetLeader, transferMeanMicros / 1000, diskMinMicros, diskJitterMicros,
        diskSlow, diskQueueBound, busyRetryMicros, baseUncertaintyMicros, maxDriftPpm, timeMasters, liars,
        masterDeclaredMicros, masterMinLatencyMicros, masterMaxLatencyMicros, masterLoss, pollMicros / 1000,
        wallFaultMeanMicros / 1000, proposeMeanMicros, clientConcurrency,
        clientTimeoutMicros / 1000, proposalQuota, compactEvery, livenessBoundMicros / 1000,
        snapshotChunkBytes, snapshotWindow, snapshotResendTicks);
  }
}
