package dev.meridian.sim.txn;

import dev.meridian.jepsen.checker.CheckOptions;
import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.jepsen.checker.Checker;
import dev.meridian.jepsen.checker.Keyword;
import dev.meridian.jepsen.checker.Mop;
import dev.meridian.jepsen.checker.Op;
import dev.meridian.jepsen.checker.OpType;
import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.replica.Options;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.runtime.rpc.RpcLimits;
import dev.meridian.sim.SimViolation;
import dev.meridian.sim.SimViolation.Kind;
import dev.meridian.sim.Trace;
import dev.meridian.sim.clock.SimClock;
import dev.meridian.sim.clock.SimNodeScheduler;
import dev.meridian.sim.clock.SimTimeSync;
import dev.meridian.sim.net.SimEnvelopeNetwork;
import dev.meridian.sim.net.SimNetwork;
import dev.meridian.sim.paxos.PartitionPlan;
import dev.meridian.sim.paxos.PlantedBug;
import dev.meridian.sim.paxos.SimPaxosNetwork;
import dev.meridian.sim.paxos.SimPaxosStorage;
import dev.meridian.sim.paxos.Swarm;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TrueTime;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnException;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.directory.ClusterKeySpace;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.directory.MetaLookups;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.gateway.Gateway;
import dev.meridian.txn.gateway.GatewayLimits;
import dev.meridian.txn.gateway.GatewayTxnClient;
import dev.meridian.txn.gateway.RangeSplitter;
import dev.meridian.txn.host.DirectoryRepair;
import dev.meridian.txn.follower.FollowerReads;
import dev.meridian.txn.host.FollowerReadLimits;
import dev.meridian.txn.host.LeaseholderHost;
import dev.meridian.txn.host.RangeServer;
import dev.meridian.txn.host.StuckPrepares;
import dev.meridian.txn.leaseholder.LeaseholderLimits;
import dev.meridian.txn.range.state.RangeSnapshots;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.wire.ParticipantAnswer;
import dev.meridian.txn.wire.RangeRequests;
import dev.meridian.txn.wire.RpcFollowerReadChannel;
import dev.meridian.txn.wire.RpcRangeChannel;
import dev.meridian.txn.wire.SnapshotReads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * One seeded run of ranges hosted on Paxos ({@code sim txn}): 3 or 5 simulated machines, each
 * running the real {@link PaxosDriver}, {@link RangeServer} (one Paxos group per range, the range
 * state machine, the leaseholder core) and {@link Rpc} endpoint on its own event loop, disk and
 * clock; {@link #RANGES} ranges over a small key space with a replica on every node; and clients
 * running a list-append workload, by default through each node's {@link GatewayTxnClient} over
 * {@link RpcRangeChannel} (transactions over 1–3 ranges, so 2PC: prepares, the decision record in the
 * coordinator range, resolves; and each node's {@link StuckPrepares} recovering the prepares of
 * gateways that crashed), or ({@link Clients#DIRECT}) straight through the wire request types. Every random choice comes from the
 * seed; faults are drawn per seed by {@link Swarm} (M4's: message loss, duplication, delay and
 * reordering, partitions, crashes and restarts, leadership transfers, clock faults within the
 * TrueTime bound).
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>client
 *   <dd>One logical process of the workload: it runs one transaction at a time through a gateway
 *       node (a node's RPC endpoint and TrueTime), as {@code TxnCoordinator}'s fast path would.
 *   <dt>transaction
 *   <dd>Direct: 1–4 micro-ops on keys of one range: reads {@code [:r k]} and appends {@code [:append k v]}.
 *       It takes {@code readTs = TT.now().latest} at its gateway, reads every key it touches at the
 *       leaseholder at {@code readTs} (an append is a read-modify-write of the key's list), then, if
 *       it appends, sends one {@code CommitOnePhase}. Gateway: the same micro-ops over 1–3 ranges, read
 *       with one {@code getAll} and committed by the gateway's coordinator (40001 is {@code :fail},
 *       40003 {@code :info}).
 *   <dt>outcome
 *   <dd>{@code :ok} on {@code Committed} (or a read-only transaction's reads); {@code :fail} when
 *       the answer says nothing was applied (conflict, redirect after the attempts, an RPC error
 *       that certainly did not run); {@code :info} when it may have been (outcome unknown, a timeout
 *       or an RPC failure after the commit left, a gateway crash). A process whose operation ended
 *       {@code :info} is retired and the client continues as a new process, as in Jepsen.
 * </dl>
 *
 * <h2>Checks</h2>
 *
 * Throughout: every invariant of the protocol code ({@code Invariants}, which the node's loop would
 * turn into a crash) and no RPC handler failure. After the fault phase, the heal: every node up,
 * network whole; within {@link Swarm#livenessBoundMicros} every range must commit a fresh
 * transaction, and then every replica of every range must hold the same state (fingerprint) at
 * the same applied slot. Finally the whole history is checked for strict serializability by the
 * {@code jepsen} module's Elle-style checker ({@link Workload#LIST_APPEND}); with {@link
 * Workload#BANK}, every strong snapshot of the accounts must see the exact total when it completes,
 * and so must the converged state.
 *
 * <h2>Not modelled yet</h2>
 *
 * A crash loses no range store write: the store syncs its own applies (the "machine that does not
 * share the Paxos storage's ordered log" of {@code PaxosDriver.StateMachine}), where a node's one
 * RocksDB would lose unsynced applies with the log's unsynced tail. Lease transfers carry no
 * hand-over (a transfer's target starts above the clock bound instead). The directory is hosted (the
 * meta range starts with the layout's entries; gateways know only the meta range) and, with gateway
 * clients, a nemesis splits ranges at random keys; replicas never move. A replica that catches up
 * on a range by a snapshot taken after one of its splits never hosts the split-off range (see the
 * txn-layer README): such a run fails its convergence check.
 */
public final class TxnSimulation {

  static final long START_MICROS = 1_700_000_000_000_000L;
  /** Key groups of the run, each a bootstrap range (ids 2, 3, ...; id 1 is the meta range's). */
  static final int RANGES = 3;
  static final int KEYS_PER_RANGE = 4;
  /** How often a node looks for stuck prepares in the ranges it leads. */
  static final long RECOVERY_CHECK_MICROS = 100_000;

  static final int BOOT = 10;
  static final int CRASH = 12;
  static final int RESTART = 13;
  static final int PARTITION = 15;
  static final int HEAL = 16;
  static final int INVOKE = 30;
  static final int COMPLETE = 31;
  static final int CLOCK_FAULT = 21;
  static final int TRANSFER = 17;
  static final int SPLIT = 18;
  static final int SPLIT_HOSTED = 19;

  /** How clients reach the ranges. */
  public enum Clients {
    /** Through each node's {@link GatewayTxnClient}: transactions over 1–3 ranges, 2PC across them. */
    GATEWAY,
    /** The one-range path: snapshot reads and one {@code CommitOnePhase} sent by the client itself. */
    DIRECT
  }

  /** What the clients run. */
  public enum Workload {
    /** Reads and appends to lists, the history checked for strict serializability (Elle). */
    LIST_APPEND,
    /**
     * Transfers between accounts in different ranges, and strong read-only snapshots of every
     * account, each of which must see the exact total (checked as it completes, and at the end).
     * Gateway clients only.
     */
    BANK,
    /**
     * List-append through the gateways, with half the clients' operations read-only transactions
     * over 1–3 keys or one range's scan: strong ({@code TT.now().latest}, at a replica in the
     * gateway's region through the leaseholder's ReadIndex when the leaseholder is elsewhere), exact
     * staleness, or bounded staleness (both at the nearest replica if its safe time covers them).
     * Every read is checked against the converged state at its timestamp; strong ones also go into
     * the history Elle checks for strict serializability (stale ones are serializable but not
     * linearizable, so they stay out of it). Gateway clients only.
     */
    STALE_READS
  }

  /**
   * The leaseholders' closed-timestamp target lag in the simulator: a fraction of the swarm's fault
   * phase (seconds), so that follower reads at a staleness of a few hundred milliseconds are served
   * by followers and fresher ones fall back to the leaseholder.
   */
  static final long CLOSED_TS_LAG_MICROS = 300_000;
  /** The simulator's close cadence (a real node's default is 200 ms against a 1 s lag). */
  static final long CLOSE_INTERVAL_MICROS = 100_000;

  /** Bank accounts per range, keys {@code r<range>/a<i>}; an account never written holds {@link #INITIAL_BALANCE}. */
  static final int ACCOUNTS_PER_RANGE = 2;
  static final long INITIAL_BALANCE = 100;

  /** The first range id a split takes: above the meta range's and the key groups'. */
  static final long FIRST_SPLIT_RANGE_ID = RANGES + 2;
  /** How often each node's {@link DirectoryRepair} files the descriptors of the ranges it leads. */
  static final long DIRECTORY_REPAIR_MICROS = 200_000;

  /** The outcome of one run. */
  public record Result(long seed, int nodes, PlantedBug bug, SimViolation violation, long traceHash, String swarm,
      String summary, List<String> traceTail, Counts counts) {
    public boolean ok() {
      return violation == null;
    }
  }

  /** What a run did, so that a batch that exercised nothing cannot pass unnoticed. */
  public record Counts(long transactions, long ok, long fail, long info, long crashes, long partitions,
      long clockFaults, long transfers, long leasesStarted, long snapshotsInstalled, long multiRangeCommits,
      long recovered, long splits) {}

  private final long seed;
  private final int size;
  private final PlantedBug bug;
  private final Clients clients;
  private final Workload workload;
  private final GatewayLimits gatewayLimits;
  private final CoordinatorLimits coordinatorLimits;
  private final Swarm swarm;
  private final ManualClock truth = new ManualClock(START_MICROS);
  private final ManualScheduler scheduler = new ManualScheduler(truth);
  private final Trace trace;
  private final SimNetwork<SimPaxosNetwork.Packet> paxosNet;
  private final SimPaxosNetwork paxosWire;
  private final SimEnvelopeNetwork rpcNet;
  private final PaxosDriver.Config driverConfig;
  private final RangeServer.Config serverConfig;
  private final FollowerReadLimits followerLimits;
  /** The bootstrap ranges of the key groups (splits add others: {@link #splitOff}). */
  private final List<RangeDescriptor> ranges = new ArrayList<>();
  private final RangeDescriptor meta;
  private final List<Write> metaEntries;
  /** Ranges splits created on some node, in creation order: hosted again on a restart from the store. */
  private final java.util.LinkedHashSet<RangeId> splitOff = new java.util.LinkedHashSet<>();
  private long splitsTried;
  private long splitsDone;
  /** Splits that did not complete, by the exception's simple name. */
  private final Map<String, Integer> splitsFailed = new java.util.TreeMap<>();
  private final Node[] nodes;
  private final RandomSource nemesisRandom;
  private final RandomSource workloadRandom;
  private RuntimeException failure;
  private boolean faultsOn = true;
  /**
   * How long a client waits for a commit: its RPC timeout plus the commit wait, which lasts up to
   * the width of TrueTime's interval at the leaseholder (twice the widest epsilon) after a commit
   * timestamp taken at its latest, and a read that waits for a timestamp from a gateway ahead of it.
   */
  private final long commitTimeoutMicros;

  // Workload and history.
  private final List<Op> history = new ArrayList<>();
  private final int[] leaseholderGuess;
  private final long[] nextValue = new long[RANGES * KEYS_PER_RANGE];
  private long nextProcess;
  private long nextTxn;
  private long invoked;
  /** Per process, how many of its transactions in a row ended {@code :fail} (its backoff). */
  private final Map<Long, Integer> failuresInARow = new java.util.HashMap<>();
  /** Transactions committed with writes in two or more ranges (2PC). */
  private long multiRangeCommits;
  private long oks;
  private long fails;
  private long infos;
  private final long[] okWritesAfterHeal = new long[RANGES];
  /** Every snapshot read a leaseholder answered: checked against the final state ({@link #checkReads}). */
  private final List<ServedRead> servedReads = new ArrayList<>();

  /** A read of {@code key} at {@code readTs} that was answered with the version at {@code versionTs} (null: none). */
  private record ServedRead(long key, Timestamp readTs, Timestamp versionTs, int servedBy) {}

  /** A read of {@code key} at {@code readTs} through gateway {@code gateway} that saw list {@code seen}. */
  private record ServedValue(long key, Timestamp readTs, List<Long> seen, int gateway) {}

  /** Every read a gateway transaction got: checked against the final state ({@link #checkReads}). */
  private final List<ServedValue> servedValues = new ArrayList<>();
  private long crashes;
  private long partitions;
  private long clockFaults;
  private long transfers;

  /** One simulated machine: its disk and store (what survives a crash) and, while up, its process. */
  private static final class Node {
    final int index;
    final NodeId id;
    final SimClock clock;
    final RandomSource random;
    final SimPaxosStorage disk;
    final RangeStore store;
    SimNodeScheduler loop;
    PaxosDriver driver;
    TrueTime trueTime;
    Rpc rpc;
    RangeServer server;
    Gateway gateway;
    GatewayTxnClient txnClient;
    StuckPrepares recovery;
    RangeSplitter splitter;
    DirectoryRepair directoryRepair;

    Node(int index, SimClock clock, RandomSource random, SimPaxosStorage disk, RangeStore store) {
      this.index = index;
      this.id = new NodeId(index);
      this.clock = clock;
      this.random = random;
      this.disk = disk;
      this.store = store;
    }

    boolean up() {
      return driver != null;
    }
  }

  private TxnSimulation(long seed, int size, PlantedBug bug, Clients clients, Workload workload, int keepTraceLines) {
    if (workload != Workload.LIST_APPEND && clients != Clients.GATEWAY) {
      throw new IllegalArgumentException("the " + workload + " workload runs on gateway clients only");
    }
    this.workload = workload;
    if (size != 3 && size != 5) {
      throw new IllegalArgumentException("nodes must be 3 or 5, not " + size);
    }
    this.seed = seed;
    this.size = size;
    this.bug = bug;
    this.clients = clients;
    RandomSource root = RandomSource.seeded(seed);
    this.swarm = new Swarm(root.fork(), size);
    this.trace = new Trace(keepTraceLines);
    RandomSource networkRandom = root.fork();
    this.nemesisRandom = root.fork();
    this.workloadRandom = root.fork();
    RandomSource clockRandom = root.fork();
    this.paxosNet = new SimNetwork<>(size, scheduler, networkRandom.fork(), trace, this::receivePaxos,
        SimPaxosNetwork::fingerprint);
    this.paxosWire = new SimPaxosNetwork(paxosNet, (from, message) -> {});
    this.rpcNet = new SimEnvelopeNetwork(size, scheduler, networkRandom.fork(), trace);
    for (int from = 1; from <= size; from++) {
      for (int to = 1; to <= size; to++) {
        long base = swarm.minLatencyMicros + networkRandom.nextLong(swarm.maxLatencyMicros - swarm.minLatencyMicros + 1);
        paxosNet.setLink(from, to, new SimNetwork.LinkProfile(base, swarm.jitterMicros));
        rpcNet.network().setLink(from, to, new SimNetwork.LinkProfile(base, swarm.jitterMicros));
      }
    }
    setLinkFaults();
    int chunkBytes = Math.max(RangeSnapshots.MIN_CHUNK_BYTES, swarm.snapshotChunkBytes);
    this.driverConfig = new PaxosDriver.Config(swarm.tickMicros * 1_000, swarm.proposalQuota, swarm.compactEvery,
        swarm.busyRetryMicros * 1_000,
        new PaxosDriver.SnapshotLimits(chunkBytes, swarm.snapshotWindow, swarm.snapshotResendTicks, 20, 16));
    // Lease ends are in the acceptors' TrueTime; a leaseholder assigns timestamps above its own
    // now.latest. Clock offsets within the bound differ by up to the base uncertainty, so a lease
    // shorter than that (plus the margin and a heartbeat's age) leaves a leaseholder whose clock runs
    // ahead no timestamp to assign, ever: a liveness trap the swarm's short leases fall into with wide
    // uncertainty (seed 2909453880, 5 nodes). Real leases (seconds) are far above the bound.
    Options drawn = swarm.options;
    long leaseMicros = Math.max(drawn.leaseDurationMicros(), 3 * swarm.baseUncertaintyMicros
        + 2L * drawn.heartbeatTicks() * swarm.tickMicros);
    Options options = new Options(drawn.electionTicks(), drawn.heartbeatTicks(), leaseMicros, drawn.maxBatchEntries(),
        drawn.maxInflightEntries(), drawn.maxApplyBatch());
    // A quarter of the lease: a commit assigned later than that would likely outlive the lease.
    List<ReplicaDescriptor> replicas = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      replicas.add(new ReplicaDescriptor(new NodeId(i), regionOf(i), ReplicaRole.VOTER));
    }
    // The meta range holds every key below the first group (its entries, and the next range id at
    // 0x01 'D' 'N'); the groups' ranges cover the rest, so every key has exactly one range.
    this.meta = new RangeDescriptor(RangeId.META, new KeySpan(Key.EMPTY, Key.utf8("r0/")), replicas, 0);
    for (int r = 0; r < RANGES; r++) {
      Key end = r == RANGES - 1 ? null : Key.utf8("r" + (r + 1) + "/");
      ranges.add(new RangeDescriptor(new RangeId(r + 2), new KeySpan(Key.utf8("r" + r + "/"), end), replicas, 1));
    }
    List<RangeDescriptor> layout = new ArrayList<>(ranges);
    layout.add(meta);
    this.metaEntries = MetaLayout.bootstrapEntries(layout);
    this.leaseholderGuess = new int[RANGES];
    SimPaxosStorage.Model disk =
        new SimPaxosStorage.Model(swarm.diskMinMicros, swarm.diskJitterMicros, swarm.diskSlow, swarm.diskQueueBound);
    SimTimeSync sync = swarm.timeSync(truth, clockRandom);
    this.nodes = new Node[size + 1];
    for (int i = 1; i <= size; i++) {
      RandomSource nodeRandom = clockRandom.fork();
      SimClock clock = swarm.clock(truth, nodeRandom, sync, bug);
      SimPaxosStorage storage = new SimPaxosStorage(scheduler, nodeRandom.fork(), disk, bug,
          options.leaseDurationMicros(), (group, ready) -> {});
      RangeStore store = new InMemoryRangeStore();
      if (bug == PlantedBug.SKIP_READ_VALIDATION) {
        store = new BlindValidationStore(store);
      }
      nodes[i] = new Node(i, clock, nodeRandom.fork(), storage, store);
    }
    long widestEpsilonMicros = 0;
    for (int i = 1; i <= size; i++) {
      widestEpsilonMicros = Math.max(widestEpsilonMicros, nodes[i].clock.maxEpsilonMicros());
    }
    // The cluster's clock bound as the hosts are told it: the widest interval any node hands out. The
    // planted bug tells them there is none, so a transfer's target starts at its own now.latest.
    long maxWidthMicros = bug == PlantedBug.NEW_LEASEHOLDER_BELOW_OLD_LEASE ? 0 : 2 * widestEpsilonMicros;
    // A quarter of the lease: a commit assigned later than that would likely outlive the lease.
    this.serverConfig = new RangeServer.Config(options,
        new LeaseholderLimits(10_000, options.leaseDurationMicros() / 4, CLOSED_TS_LAG_MICROS), chunkBytes, maxWidthMicros);
    FollowerReadLimits followerDefaults = FollowerReadLimits.defaults();
    this.followerLimits = new FollowerReadLimits(CLOSE_INTERVAL_MICROS, followerDefaults.maxStrongWaitMicros(),
        followerDefaults.maxWaitingReads(), followerDefaults.maxClosedPerBatch(),
        bug == PlantedBug.SERVE_ABOVE_SAFE_TIME ? Set.of(FollowerReads.PlantedBug.SERVE_ABOVE_SAFE_TIME) : Set.of());
    this.commitTimeoutMicros = swarm.clientTimeoutMicros + 6 * widestEpsilonMicros + 200_000;
    // One request's wait is the direct path's commit timeout; a transaction lives at most a few of
    // them, so that a crashed gateway's prepared intents expire (and are recovered) well inside the
    // liveness bound after the heal.
    this.gatewayLimits = new GatewayLimits(commitTimeoutMicros * 1_000, 8, 1_000_000L, 100_000_000L,
        GatewayLimits.defaults().scan());
    CoordinatorLimits defaults = CoordinatorLimits.defaults();
    this.coordinatorLimits = new CoordinatorLimits(defaults.maxReadSetBytes(), defaults.maxParticipants(),
        defaults.maxResolvesInFlight(), defaults.maxResolveAttempts(), 4 * commitTimeoutMicros);
  }

  /** Runs seed {@code seed} on {@code size} nodes; keeps the last {@code keepTraceLines} events as text. */
  public static Result run(long seed, int size, PlantedBug bug, int keepTraceLines) {
    return run(seed, size, bug, Clients.DIRECT, keepTraceLines);
  }

  /** Runs seed {@code seed} on {@code size} nodes with clients on {@code clients}'s path. */
  public static Result run(long seed, int size, PlantedBug bug, Clients clients, int keepTraceLines) {
    return run(seed, size, bug, clients, Workload.LIST_APPEND, keepTraceLines);
  }

  /** Runs seed {@code seed} on {@code size} nodes with {@code workload} on {@code clients}'s path. */
  public static Result run(long seed, int size, PlantedBug bug, Clients clients, Workload workload,
      int keepTraceLines) {
    TxnSimulation simulation;
    try {
      simulation = new TxnSimulation(seed, size, bug, clients, workload, keepTraceLines);
    } catch (RuntimeException e) {
      return new Result(seed, size, bug, new SimViolation(Kind.SIMULATOR, "could not set the run up: " + e, e), 0, "",
          "", List.of(), new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }
    return simulation.run();
  }

  private Result run() {
    SimViolation violation = null;
    try {
      start();
      runUntil(START_MICROS + swarm.faultPhaseMicros, () -> false);
      heal();
      liveness();
      drainClients();
      convergence();
      checkReads();
      if (workload == Workload.BANK) {
        checkFinalTotal();
      } else {
        checkHistory();
      }
    } catch (SimViolation v) {
      violation = v;
    } catch (Invariants.InvariantViolation e) {
      violation = new SimViolation(Kind.PROTOCOL_INVARIANT, e.getMessage(), e);
    } catch (RuntimeException e) {
      violation = new SimViolation(Kind.PROTOCOL_INVARIANT, "unexpected " + e, e);
    }
    long cores = 0;
    long givenUp = 0;
    long snapshots = 0;
    long recovered = 0;
    for (int i = 1; i <= size; i++) {
      if (nodes[i].up()) {
        recovered += nodes[i].recovery.resolved();
        for (LeaseholderHost host : nodes[i].server.replicas().values()) {
          cores += host.coresBuilt();
          givenUp += host.leasesGivenUp();
          snapshots += host.machine().snapshotsInstalled();
        }
      }
    }
    long followerServed = 0;
    long followerRefused = 0;
    long closes = 0;
    long batches = 0;
    long gatewayFollower = 0;
    long gatewayFallbacks = 0;
    for (int i = 1; i <= size; i++) {
      if (nodes[i].up()) {
        RangeServer.Stats stats = nodes[i].server.stats(now());
        for (LeaseholderHost.FollowerStats f : stats.ranges().values()) {
          followerServed += f.servedStale() + f.servedStrong();
          followerRefused += f.refusedNotYet() + f.refusedTooOld();
          closes += f.closesProposed();
        }
        batches += stats.closedBatchesSent();
        gatewayFollower += nodes[i].gateway.stats().followerReads();
        gatewayFallbacks += nodes[i].gateway.stats().followerFallbacks();
      }
    }
    String followerSummary = String.format(" | follower reads(up nodes): served=%d refused=%d gateway-served=%d"
        + " fallbacks=%d read-only strong=%d exact=%d bounded=%d closes-proposed=%d closed-batches=%d closed-snapshots=%d",
        followerServed, followerRefused, gatewayFollower, gatewayFallbacks, strongReadOnly, exactStaleReadOnly,
        boundedStaleReadOnly, closes, batches, closedSnapshots.size());
    String summary = String.format(
        "simulated=%dms events=%d txns=%d ok=%d fail=%d info=%d crashes=%d partitions=%d clock-faults=%d transfers=%d"
            + " leases(up nodes)=%d given-up=%d snapshots-installed(up nodes)=%d recovered(up nodes)=%d splits=%d/%d"
            + " (not done: %s) ranges=%d | paxos %s | rpc %s",
        (now() - START_MICROS) / 1000, trace.events(), invoked, oks, fails, infos, crashes, partitions, clockFaults,
        transfers, cores, givenUp, snapshots, recovered, splitsDone, splitsTried, splitsFailed, 1 + RANGES + splitOff.size(),
        paxosNet.stats(), rpcNet.network().stats()) + followerSummary;
    return new Result(seed, size, bug, violation, trace.hash(), swarm.toString(), summary, trace.tail(),
        new Counts(invoked, oks, fails, infos, crashes, partitions, clockFaults, transfers, cores, snapshots,
            multiRangeCommits, recovered, splitsDone));
  }

  private long now() {
    return truth.wallClockMicros();
  }

  /** Each simulated machine is a region of its own. */
  private static String regionOf(int node) {
    return "region-" + node;
  }

  private void after(long micros, Runnable task) {
    scheduler.schedule(Math.max(0, micros) * 1_000, task);
  }

  private static long around(RandomSource r, long meanMicros) {
    return 1 + r.nextLong(2 * meanMicros);
  }

  private void fail(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (failure == null) {
      failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
  }

  private void runUntil(long untilMicros, BooleanSupplier done) {
    long untilNanos = truth.monotonicNanos() + (untilMicros - now()) * 1_000;
    while (!done.getAsBoolean() && scheduler.nextDeadlineNanos() <= untilNanos) {
      scheduler.runNext();
      if (failure != null) {
        throw failure;
      }
      checkLeaseFloors();
      recordClosedSnapshots();
    }
  }

  /** Per range: lease sequence -> {floor (-1 until seen serving), highest read watermark seen}. */
  private final Map<RangeId, java.util.TreeMap<Long, long[]>> leases = new LinkedHashMap<>();

  /**
   * DESIGN §11, "Timestamps live inside leases", checked as it happens: every read a leaseholder
   * served lies at or below the floor of every later lease of its range, so no later lease can
   * assign a timestamp at or below it. (A commit landing below a served read is checked again at the
   * end, {@link #checkReads}; this catches the floor that would allow one, whether or not a commit
   * then lands there.)
   */
  private void checkLeaseFloors() {
    forEachUpReplica((i, n, host) -> {
      var stats = host.stats().orElse(null);
      if (stats == null || stats.leaseSequence() == 0) {
        return;
      }
      var byLease = leases.computeIfAbsent(host.range(), r -> new java.util.TreeMap<>());
      long[] lease = byLease.computeIfAbsent(stats.leaseSequence(), q -> new long[] {-1, 0});
      boolean changed = false;
      if (stats.phase() == dev.meridian.txn.leaseholder.LeaseholderCore.Phase.SERVING && lease[0] < 0) {
        lease[0] = stats.floor().micros();
        changed = true;
      }
      if (stats.readWatermark().micros() > lease[1]) {
        lease[1] = stats.readWatermark().micros();
        changed = true;
      }
      if (changed) {
        checkFloors(host.range(), byLease, n);
      }
    });
  }

  @FunctionalInterface
  private interface ReplicaVisitor {
    void visit(int index, Node node, LeaseholderHost replica);
  }

  /** Every replica on every node that is up, in node order. */
  private void forEachUpReplica(ReplicaVisitor visitor) {
    for (int i = 1; i <= size; i++) {
      Node n = nodes[i];
      if (n.up()) {
        for (LeaseholderHost host : n.server.replicas().values()) {
          visitor.visit(i, n, host);
        }
      }
    }
  }

  /** Per node and range: the highest closed timestamp recorded ({@link #recordClosedSnapshots}). */
  private final Map<String, Timestamp> closedSeen = new java.util.HashMap<>();
  /** What each replica held at or below each closed timestamp it reached: checked at the end ({@link #checkReads}). */
  private final List<ClosedSnapshot> closedSnapshots = new ArrayList<>();

  /**
   * The versions at {@code closedTs} of range {@code range} on node {@code node} when it first reached
   * it, over the range's span then ({@code span}: a later split narrows the range, not what was closed).
   */
  private record ClosedSnapshot(int node, RangeId range, KeySpan span, Timestamp closedTs, List<Version> versions) {}

  /**
   * M7's promise, checked across replicas: no commit lands at or below a closed timestamp. Whenever
   * a replica's closed timestamp (the log's, or a higher one from a leaseholder's batch) rises, the
   * newest version of every key of the range at or below it is recorded; at the end the converged
   * state must hold exactly those ({@link #checkClosedSnapshots}). A commit that lands at or below a
   * closed timestamp on any replica, or a replica that took a closed timestamp without yet holding
   * every write below it, shows there.
   */
  private void recordClosedSnapshots() {
    forEachUpReplica((i, n, host) -> {
      Timestamp closed = host.machine().machine().closedTs();
      String at = i + "/" + host.range();
      Timestamp before = closedSeen.get(at);
      if (closed.micros() == 0 || (before != null && !closed.isAfter(before))) {
        return;
      }
      closedSeen.put(at, closed);
      KeySpan span = host.machine().machine().descriptor().span();
      closedSnapshots.add(new ClosedSnapshot(i, host.range(), span, closed,
          n.store.reads().scan(span, closed, dev.meridian.storage.mvcc.Direction.FORWARD, 1_000)));
    });
  }

  private void checkClosedSnapshots() {
    RangeStore store = nodes[1].store;
    for (ClosedSnapshot seen : closedSnapshots) {
      List<Version> now = store.reads().scan(seen.span(), seen.closedTs(), dev.meridian.storage.mvcc.Direction.FORWARD, 1_000);
      SimViolation.check(sameVersions(now, seen.versions()), Kind.APPLY,
          "n%d reached closed timestamp %s of %s holding %s at or below it, but the converged state holds %s:"
              + " a commit landed at or below a closed timestamp", seen.node(), seen.closedTs(), seen.range(),
          show(seen.versions()), show(now));
    }
  }

  private static boolean sameVersions(List<Version> a, List<Version> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).key().equals(b.get(i).key()) || !a.get(i).commitTs().equals(b.get(i).commitTs())) {
        return false;
      }
    }
    return true;
  }

  private static String show(List<Version> versions) {
    return versions.stream().map(v -> v.key() + "@" + v.commitTs()).toList().toString();
  }

  private void checkFloors(RangeId range, java.util.TreeMap<Long, long[]> byLease, Node seenOn) {
    long highestRead = 0;
    long readBy = 0;
    for (Map.Entry<Long, long[]> lease : byLease.entrySet()) {
      long floor = lease.getValue()[0];
      SimViolation.check(floor < 0 || floor >= highestRead, Kind.LEASE,
          "%s: lease %d starts at floor %d, below a read at %d that lease %d served (seen on %s)", range,
          lease.getKey(), floor, highestRead, readBy, seenOn.id);
      if (lease.getValue()[1] > highestRead) {
        highestRead = lease.getValue()[1];
        readBy = lease.getKey();
      }
    }
  }

  private void setLinkFaults() {
    paxosNet.setFaults(swarm.loss, swarm.duplicate, swarm.reorder, swarm.reorderDelayMicros, swarm.tail);
    rpcNet.network().setFaults(swarm.loss, swarm.duplicate, swarm.reorder, swarm.reorderDelayMicros, swarm.tail);
  }

  // ---------------------------------------------------------------------------------------------
  // Processes

  private void start() {
    for (int i = 1; i <= size; i++) {
      Node n = nodes[i];
      after(n.random.nextLong(swarm.tickMicros), () -> {
        trace.record(now(), BOOT, n.index, 0, () -> "boot " + n.id);
        startProcess(n);
      });
      after(1 + n.random.nextLong(SimClock.DISCIPLINE_PERIOD_MICROS), () -> discipline(n));
    }
    if (swarm.crashMeanMicros > 0) {
      after(around(nemesisRandom, swarm.crashMeanMicros), this::crashSomeone);
    }
    if (swarm.partitionMeanMicros > 0) {
      after(around(nemesisRandom, swarm.partitionMeanMicros), this::partition);
    }
    if (swarm.wallFaultMeanMicros > 0) {
      after(around(nemesisRandom, swarm.wallFaultMeanMicros), this::wallFault);
    }
    if (swarm.transferMeanMicros > 0) {
      after(around(nemesisRandom, swarm.transferMeanMicros), this::transfer);
    }
    if (clients == Clients.GATEWAY) {
      // The direct path routes by the fixed layout, so only gateway clients run with splits.
      after(around(nemesisRandom, splitMeanMicros()), this::splitSomewhere);
    }
    for (int c = 0; c < swarm.clientConcurrency; c++) {
      long process = nextProcess++;
      after(1 + workloadRandom.nextLong(swarm.tickMicros * 20), () -> client(process));
    }
  }

  private void discipline(Node n) {
    n.clock.discipline();
    after(SimClock.DISCIPLINE_PERIOD_MICROS, () -> discipline(n));
  }

  private void startProcess(Node n) {
    n.loop = new SimNodeScheduler(scheduler, n.clock);
    n.trueTime = n.clock.newTrueTime(n.loop, () -> faultsOn);
    n.driver = new PaxosDriver(n.id, n.loop, n.trueTime, n.disk, paxosWire, n.random.fork(), driverConfig,
        error -> fail(new SimViolation(Kind.SIMULATOR, n.id + "'s simulated disk failed: " + error, error)));
    n.rpc = new Rpc(n.id, rpcNet.sink(n.id), n.loop, n.random.fork(), RpcLimits.defaults());
    rpcNet.attach(n.rpc);
    n.server = new RangeServer(n.id, n.rpc, n.driver, n.store, n.loop, n.trueTime, n.loop, serverConfig,
        followerLimits);
    RangeServer server = n.server;
    // The gateway knows only the meta range; it learns the rest from it (and again after redirects).
    RangeCache cache = new RangeCache(meta, DirectoryLimits.defaults());
    // Node i is in region-i, as its replicas are: a follower read goes to the gateway's own replica.
    n.gateway = new Gateway(cache, new MetaLookups(cache, DirectoryLimits.defaults()), new RpcRangeChannel(n.rpc, n.loop),
        new RpcFollowerReadChannel(n.rpc, n.loop), regionOf(n.index), n.loop, n.trueTime, gatewayLimits);
    n.txnClient = new GatewayTxnClient(n.index, n.gateway, TxnLimits.defaults(), coordinatorLimits);
    n.recovery = new StuckPrepares(n.server, n.gateway, n.loop, n.trueTime, coordinatorLimits, stuckAfterMicros(),
        RECOVERY_CHECK_MICROS * 1_000);
    StuckPrepares recovery = n.recovery;
    n.splitter = new RangeSplitter(n.txnClient, n.gateway, ClusterKeySpace.nextRangeIdKey(), FIRST_SPLIT_RANGE_ID, 4);
    n.directoryRepair = new DirectoryRepair(server, n.splitter, n.loop, DIRECTORY_REPAIR_MICROS * 1_000);
    DirectoryRepair repair = n.directoryRepair;
    server.onSplitHosted(right -> {
      splitOff.add(right.id());
      trace.record(now(), SPLIT_HOSTED, n.index, right.id().value(), () -> n.id + " hosts " + right);
    });
    RangeStore store = n.store;
    n.loop.execute(() -> {
      if (clients == Clients.GATEWAY) {
        recovery.start(); // The direct path never prepares; its runs stay as they were.
        repair.start();
      }
      server.host(meta, metaEntries).whenComplete((v, error) -> {
        if (error != null) {
          fail(error);
        }
      });
      for (RangeDescriptor range : ranges) {
        server.host(range).whenComplete((v, error) -> {
          if (error != null) {
            fail(error);
          }
        });
      }
      for (RangeId created : splitOff) {
        if (store.reads().appliedSlot(created.value()).isPresent() && server.replica(created) == null) {
          server.hostStored(created).whenComplete((v, error) -> {
            if (error != null) {
              fail(error);
            }
          });
        }
      }
    });
  }

  private void crash(Node n) {
    crashes++;
    checkHandlers(n);
    n.loop.kill();
    rpcNet.detach(n.id);
    n.loop = null;
    n.driver = null;
    n.trueTime = null;
    n.rpc = null;
    n.server = null;
    n.gateway = null;
    n.txnClient = null;
    n.recovery = null;
    n.splitter = null;
    n.directoryRepair = null;
    int lost = n.disk.crash();
    trace.record(now(), CRASH, n.index, lost, () -> "crash " + n.id + " (" + lost + " writes lost)");
    // Its clients' transactions die with it: a commit already sent may still happen.
    for (Txn txn : List.copyOf(running)) {
      if (txn.gateway == n) {
        finish(txn, txn.commitSent ? OpType.INFO : OpType.FAIL, "the gateway " + n.id + " crashed");
      }
    }
  }

  private void receivePaxos(int from, int to, SimPaxosNetwork.Packet packet) {
    Node n = nodes[to];
    if (n.up()) {
      SimPaxosNetwork.deliver(n.driver, packet);
    }
  }

  /** A request handler that threw is a protocol bug the endpoint turned into a FAILED answer. */
  private void checkHandlers(Node n) {
    if (n.rpc != null) {
      long failed = n.rpc.stats().handlerFailures();
      SimViolation.check(failed == 0, Kind.PROTOCOL_INVARIANT, "%d range request handlers on %s threw", failed, n.id);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Nemesis (M4's faults, without lease transfers)

  /** The leaseholder of a range drawn at random, 0 if none is up (the nemesis's favourite target). */
  private int someLeaseholder() {
    RangeId range = ranges.get(nemesisRandom.nextInt(RANGES)).id();
    int found = 0;
    for (int i = 1; i <= size; i++) {
      if (nodes[i].up() && nodes[i].server.replica(range) != null && nodes[i].server.replica(range).serving()) {
        found = i;
      }
    }
    return found;
  }

  private Node victim() {
    int leader = someLeaseholder();
    if (leader != 0 && nemesisRandom.chance(swarm.targetLeader)) {
      return nodes[leader];
    }
    return nodes[1 + nemesisRandom.nextInt(size)];
  }

  private void crashSomeone() {
    if (!faultsOn) {
      return;
    }
    Node n = victim();
    if (n.up()) {
      crash(n);
      after(1 + nemesisRandom.nextLong(swarm.downMaxMicros), () -> {
        if (faultsOn && !n.up()) {
          trace.record(now(), RESTART, n.index, 0, () -> "restart " + n.id);
          startProcess(n);
        }
      });
    }
    after(around(nemesisRandom, swarm.crashMeanMicros), this::crashSomeone);
  }

  private void partition() {
    if (!faultsOn) {
      return;
    }
    partitions++;
    PartitionPlan plan = PartitionPlan.draw(swarm, nemesisRandom, size, this::someLeaseholder);
    Swarm.PartitionKind kind = plan.kind();
    for (int a = 1; a <= size; a++) {
      for (int b = 1; b <= size; b++) {
        block(a, b, plan.blocked()[a][b]);
      }
    }
    trace.record(now(), PARTITION, kind.ordinal(), 0, () -> "partition " + kind);
    after(1 + nemesisRandom.nextLong(swarm.partitionMaxMicros), () -> {
      if (!faultsOn) {
        return;
      }
      healNetwork();
      trace.record(now(), HEAL, 0, 0, () -> "partition healed");
      after(around(nemesisRandom, swarm.partitionMeanMicros), this::partition);
    });
  }

  /**
   * Asks the Paxos leader of a range to hand leadership to a node drawn at random: its target does
   * not wait out the old lease, so its leaseholder starts above the clock bound ({@code
   * LeaseholderHost}).
   */
  private void transfer() {
    if (!faultsOn) {
      return;
    }
    RangeId range = ranges.get(nemesisRandom.nextInt(RANGES)).id();
    NodeId target = new NodeId(1 + nemesisRandom.nextInt(size));
    for (int i = 1; i <= size; i++) {
      Node n = nodes[i];
      var status = n.up() ? n.driver.statusOnLoop(RangeServer.groupOf(range)) : null;
      if (status != null && status.active()) {
        transfers++;
        int from = i;
        trace.record(now(), TRANSFER, from, target.value(), () -> "transfer " + range + " n" + from + " -> " + target);
        n.driver.transferLeadership(RangeServer.groupOf(range), target);
        break;
      }
    }
    after(around(nemesisRandom, swarm.transferMeanMicros), this::transfer);
  }

  /** About five splits a run, at the keys of {@link #splitKey}. */
  private long splitMeanMicros() {
    return Math.max(200_000, swarm.faultPhaseMicros / 5);
  }

  /** A split point inside group {@code group}: between list-append keys, or between bank accounts. */
  private static Key splitKey(int group, int point) {
    return point < KEYS_PER_RANGE - 1 ? Key.utf8("r" + group + "/" + (point + 1)) : Key.utf8("r" + group + "/a1");
  }

  /**
   * Splits the range holding a key drawn at random, from a node drawn at random, through its
   * gateway's {@link RangeSplitter} (a new id from the meta range, the split in the range's log, the
   * halves filed in the meta range), under whatever faults run. A split at an existing boundary is
   * refused; one whose outcome is unknown is left to the halves' {@link DirectoryRepair}.
   */
  private void splitSomewhere() {
    if (!faultsOn) {
      return;
    }
    Key at = splitKey(nemesisRandom.nextInt(RANGES), nemesisRandom.nextInt(KEYS_PER_RANGE));
    Node n = nodes[1 + nemesisRandom.nextInt(size)];
    if (n.up()) {
      splitsTried++;
      RangeSplitter splitter = n.splitter;
      trace.record(now(), SPLIT, n.index, 0, () -> "split at " + at + " from " + n.id);
      n.loop.execute(() -> splitter.split(at).whenComplete((done, error) -> {
        if (error == null) {
          splitsDone++;
          trace.record(now(), SPLIT, n.index, done.right().id().value(), () -> "split " + done.left() + " | " + done.right());
        } else {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          splitsFailed.merge(cause.getClass().getSimpleName(), 1, Integer::sum);
          trace.record(now(), SPLIT, n.index, -1, () -> "split at " + at + " failed: " + cause);
        }
      }));
    }
    after(around(nemesisRandom, splitMeanMicros()), this::splitSomewhere);
  }

  private void block(int from, int to, boolean blocked) {
    paxosNet.setBlocked(from, to, blocked);
    rpcNet.network().setBlocked(from, to, blocked);
  }

  /** Ends the partitions; during the fault phase the link faults go on, after it they stop too. */
  private void healNetwork() {
    paxosNet.heal();
    rpcNet.network().heal();
    if (faultsOn) {
      setLinkFaults();
    }
  }

  private void wallFault() {
    if (!faultsOn) {
      return;
    }
    Node n = victim();
    if (!n.clock.outOfBound()) {
      long step = Swarm.outOfBoundStepMicros(n.clock, nemesisRandom);
      n.clock.stepOutOfBound(step);
      clockFaults++;
      trace.record(now(), CLOCK_FAULT, n.index, step, () -> "wall clock of " + n.id + " stepped " + step + " us");
      after(1 + nemesisRandom.nextLong(3_000_000), () -> restoreWallClock(n));
    }
    after(around(nemesisRandom, swarm.wallFaultMeanMicros), this::wallFault);
  }

  private void restoreWallClock(Node n) {
    if (n.clock.outOfBound()) {
      n.clock.restoreWallClock();
      trace.record(now(), CLOCK_FAULT, n.index, 0, () -> "wall clock of " + n.id + " restored");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Workload: list-append, one range per transaction, through the wire request types

  /** One transaction of one client process, from invocation to completion. */
  private final class Txn {
    final long process;
    final int range;
    final Node gateway;
    final TxnId id;
    final List<Mop> mops;
    /** Keys touched, in first-touch order, with the list read at readTs. */
    final Map<Long, List<Long>> reads = new LinkedHashMap<>();
    final List<Long> keys = new ArrayList<>();
    Timestamp readTs;
    int readIndex;
    int attempts;
    boolean commitSent;
    boolean done;
    boolean afterHeal;

    Txn(long process, int range, Node gateway, TxnId id, List<Mop> mops) {
      this.process = process;
      this.range = range;
      this.gateway = gateway;
      this.id = id;
      this.mops = mops;
      for (Mop mop : mops) {
        long key = (Long) mop.key();
        if (!keys.contains(key)) {
          keys.add(key);
        }
      }
    }

    /** For a bank transfer, the ranges it writes (else null: the micro-ops say). */
    int[] bankRanges;
    /** A stale read-only transaction: checked against the converged state only, not in Elle's history. */
    boolean stale;

    boolean writes() {
      return mops.stream().anyMatch(m -> m.kind() == Mop.Kind.APPEND);
    }
  }

  private boolean clientsOn = true;
  private int clientsRunning;
  /** Transactions invoked and not yet ended, in invocation order. */
  private final java.util.Set<Txn> running = new java.util.LinkedHashSet<>();

  private void client(long process) {
    if (!clientsOn) {
      return;
    }
    Node gateway = nodes[1 + workloadRandom.nextInt(size)];
    if (!gateway.up()) {
      after(around(workloadRandom, swarm.proposeMeanMicros), () -> client(process));
      return;
    }
    long readTsMicros;
    try {
      readTsMicros = gateway.trueTime.now().latestMicros();
    } catch (ClockUnavailableException e) {
      after(around(workloadRandom, swarm.proposeMeanMicros), () -> client(process));
      return;
    }
    if (workload == Workload.BANK) {
      bank(process, gateway);
      return;
    }
    if (workload == Workload.STALE_READS && workloadRandom.chance(0.5)) {
      readOnly(process, gateway);
      return;
    }
    int range = workloadRandom.nextInt(RANGES);
    // Direct: 1–4 micro-ops in one range. Gateway: also 2 or 3 ranges (2PC), at least one op each.
    List<Integer> touched = new ArrayList<>(List.of(range));
    if (clients == Clients.GATEWAY) {
      int more = workloadRandom.nextInt(3);
      while (touched.size() < 1 + more) {
        int other = workloadRandom.nextInt(RANGES);
        if (!touched.contains(other)) {
          touched.add(other);
        }
      }
    }
    int count = touched.size() + workloadRandom.nextInt(4);
    List<Mop> mops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int in = i < touched.size() ? touched.get(i) : touched.get(workloadRandom.nextInt(touched.size()));
      long key = (long) in * KEYS_PER_RANGE + workloadRandom.nextInt(KEYS_PER_RANGE);
      if (workloadRandom.chance(0.5)) {
        mops.add(new Mop(Mop.Kind.READ, key, null));
      } else {
        mops.add(new Mop(Mop.Kind.APPEND, key, ++nextValue[(int) key]));
      }
    }
    Txn txn = new Txn(process, range, gateway, new TxnId(gateway.index, ++nextTxn), mops);
    txn.readTs = Timestamp.ofMicros(readTsMicros);
    txn.afterHeal = !faultsOn;
    invoked++;
    clientsRunning++;
    running.add(txn);
    history.add(new Op(history.size(), OpType.INVOKE, process, Keyword.of("txn"), mops, now()));
    trace.record(now(), INVOKE, gateway.index, Trace.fold(process, txn.id.sequence()),
        () -> "invoke p" + process + " " + txn.id + " on " + gateway.id + " " + mops);
    // A client gives up on a transaction it has not heard of for a long while (its gateway died).
    after(4 * commitTimeoutMicros + 1_000_000, () -> {
      if (!txn.done) {
        finish(txn, txn.commitSent ? OpType.INFO : OpType.FAIL, "the gateway went silent");
      }
    });
    if (clients == Clients.GATEWAY) {
      onGateway(txn, 0, () -> throughGateway(txn));
    } else {
      readNext(txn);
    }
  }

  /**
   * The transaction through its node's {@link GatewayTxnClient}: read every key it touches (one
   * {@code getAll}), buffer the appends' new lists, commit. The client's read timestamp is the
   * gateway transaction's. A failed read or a commit refused with 40001 applied nothing ({@code
   * :fail}); 40003 is {@code :info}; anything else the client API must not throw.
   */
  private void throughGateway(Txn txn) {
    Node node = txn.gateway;
    ReadWriteTxn rw = beginReadWrite(txn, node);
    if (rw == null) {
      return;
    }
    txn.readTs = rw.readTs();
    List<Key> keys = txn.keys.stream().map(TxnSimulation::keyOf).toList();
    readThenCommit(txn, rw, keys, values -> {
      for (int i = 0; i < keys.size(); i++) {
        List<Long> list = decode(values.get(i));
        long key = txn.keys.get(i);
        txn.reads.put(key, list);
        servedValues.add(new ServedValue(key, txn.readTs, List.copyOf(list), node.index));
      }
      rw.writeAll(writesOf(txn));
    });
  }

  /** Read-only transactions the stale-reads workload ran, by how they chose their timestamp. */
  private long strongReadOnly;
  private long exactStaleReadOnly;
  private long boundedStaleReadOnly;

  /**
   * A read-only transaction of the stale-reads workload through {@code node}'s gateway: strong,
   * exact staleness or bounded staleness (a third each, the staleness drawn up to three closed-ts
   * lags, so both sides of a follower's safe time are read), over 1–3 keys or, a quarter of the
   * time, a scan of one range. Every value read is checked against the converged state at the
   * transaction's timestamp ({@link #checkReads}); a strong one is also an Elle operation.
   */
  private void readOnly(long process, Node node) {
    int kind = workloadRandom.nextInt(3);
    long stalenessMicros = workloadRandom.nextLong(3 * CLOSED_TS_LAG_MICROS + 1);
    int range = workloadRandom.nextInt(RANGES);
    boolean scan = workloadRandom.chance(0.25);
    List<Long> keys = new ArrayList<>();
    if (scan) {
      for (int k = 0; k < KEYS_PER_RANGE; k++) {
        keys.add((long) range * KEYS_PER_RANGE + k);
      }
    } else {
      int count = 1 + workloadRandom.nextInt(3);
      while (keys.size() < count) {
        long key = workloadRandom.nextInt(RANGES * KEYS_PER_RANGE);
        if (!keys.contains(key)) {
          keys.add(key);
        }
      }
    }
    List<Mop> mops = keys.stream().map(k -> new Mop(Mop.Kind.READ, k, null)).toList();
    Txn txn = new Txn(process, range, node, new TxnId(node.index, ++nextTxn), mops);
    txn.stale = kind != 0;
    txn.afterHeal = !faultsOn;
    invoked++;
    clientsRunning++;
    running.add(txn);
    if (!txn.stale) {
      history.add(new Op(history.size(), OpType.INVOKE, process, Keyword.of("txn"), mops, now()));
    }
    String how = kind == 0 ? "strong" : (kind == 1 ? "exact" : "bounded") + " staleness " + stalenessMicros + "us";
    trace.record(now(), INVOKE, node.index, Trace.fold(process, txn.id.sequence()),
        () -> "invoke p" + process + " " + txn.id + " on " + node.id + " read-only " + how + (scan ? " scan " : " ") + mops);
    after(4 * commitTimeoutMicros + 1_000_000, () -> {
      if (!txn.done) {
        finish(txn, OpType.FAIL, "the gateway went silent");
      }
    });
    onGateway(txn, 0, () -> {
      ranges.forEach(node.gateway.cache()::insert);
      java.util.concurrent.CompletableFuture<dev.meridian.txn.ReadOnlyTxn> begun;
      try {
        begun = switch (kind) {
          case 0 -> {
            strongReadOnly++;
            yield java.util.concurrent.CompletableFuture.completedFuture(
                node.txnClient.beginReadOnly(dev.meridian.txn.TimestampBound.strong()));
          }
          case 1 -> {
            exactStaleReadOnly++;
            yield java.util.concurrent.CompletableFuture.completedFuture(
                node.txnClient.beginReadOnly(dev.meridian.txn.TimestampBound.exactStaleness(stalenessMicros)));
          }
          default -> {
            boundedStaleReadOnly++;
            List<KeySpan> scope = keys.stream().map(k -> ranges.get((int) (k / KEYS_PER_RANGE)).span()).distinct().toList();
            yield node.txnClient.beginBoundedStaleness(stalenessMicros, scope);
          }
        };
      } catch (TxnUnavailableException e) {
        finish(txn, OpType.FAIL, "begin: " + e.getMessage());
        return;
      }
      begun.thenCompose(ro -> readValues(ro, keys, scan, range).thenApply(values -> {
        txn.readTs = ro.readTs();
        return values;
      })).whenComplete((values, error) -> {
        if (txn.done) {
          return;
        }
        if (error != null) {
          gatewayFailed(txn, error, "read-only " + how);
          return;
        }
        for (int i = 0; i < keys.size(); i++) {
          List<Long> list = decode(values.get(i));
          txn.reads.put(keys.get(i), list);
          servedValues.add(new ServedValue(keys.get(i), txn.readTs, List.copyOf(list), node.index));
        }
        finish(txn, OpType.OK, how + " read at " + txn.readTs);
      });
    });
  }

  /** The values of {@code keys} in {@code ro}: one get each, or one scan of {@code range} (which they are). */
  private java.util.concurrent.CompletableFuture<List<Optional<byte[]>>> readValues(dev.meridian.txn.ReadOnlyTxn ro,
      List<Long> keys, boolean scan, int range) {
    if (scan) {
      return ro.scan(ranges.get(range).span(), dev.meridian.storage.mvcc.Direction.FORWARD, 100).thenApply(rows -> {
        Map<Key, byte[]> byKey = new java.util.HashMap<>();
        rows.forEach(row -> byKey.put(row.key(), row.value()));
        return keys.stream().map(k -> Optional.ofNullable(byKey.get(keyOf(k)))).toList();
      });
    }
    List<java.util.concurrent.CompletableFuture<Optional<byte[]>>> reads = keys.stream().map(k -> ro.get(keyOf(k))).toList();
    return java.util.concurrent.CompletableFuture.allOf(reads.toArray(java.util.concurrent.CompletableFuture[]::new))
        .thenApply(v -> reads.stream().map(java.util.concurrent.CompletableFuture::join).toList());
  }

  /**
   * Reads {@code keys} in {@code rw}, hands the values to {@code buffer} (which buffers the writes),
   * then commits; a failed read aborts. Ends {@code txn} with what came of it.
   */
  private void readThenCommit(Txn txn, ReadWriteTxn rw, List<Key> keys,
      java.util.function.Consumer<List<Optional<byte[]>>> buffer) {
    rw.getAll(keys).whenComplete((values, error) -> {
      if (txn.done) {
        return;
      }
      if (error != null) {
        rw.abort();
        gatewayFailed(txn, error, "read");
        return;
      }
      buffer.accept(values);
      commitThroughGateway(txn, rw);
    });
  }

  /** A new gateway transaction for {@code txn} on {@code node}; null (and {@code txn} failed) if none can begin. */
  private ReadWriteTxn beginReadWrite(Txn txn, Node node) {
    try {
      return node.txnClient.beginReadWrite();
    } catch (TxnUnavailableException e) {
      finish(txn, OpType.FAIL, "begin: " + e.getMessage());
      return null;
    }
  }

  /** Commits {@code rw}, {@code txn}'s gateway transaction, and ends {@code txn} with what came of it. */
  private void commitThroughGateway(Txn txn, ReadWriteTxn rw) {
    txn.commitSent = true;
    rw.commit().whenComplete((commitTs, commitError) -> {
      if (txn.done) {
        return;
      }
      if (commitError == null) {
        finish(txn, OpType.OK, "committed at " + commitTs);
      } else {
        gatewayFailed(txn, commitError, "commit");
      }
    });
  }

  private static Key account(int index) {
    return Key.utf8("r" + index / ACCOUNTS_PER_RANGE + "/a" + index % ACCOUNTS_PER_RANGE);
  }

  private static long balance(Optional<byte[]> value) {
    return value.map(v -> Long.parseLong(new String(v, StandardCharsets.UTF_8))).orElse(INITIAL_BALANCE);
  }

  private static final int ACCOUNTS = RANGES * ACCOUNTS_PER_RANGE;
  private static final long TOTAL = ACCOUNTS * INITIAL_BALANCE;

  /**
   * One bank operation through {@code node}'s gateway: a strong read-only snapshot of every account
   * (its sum must be {@link #TOTAL}, else the run fails there and then), or a transfer of 1–10
   * between two accounts in different ranges (2PC). Balances may go negative: the sum is what is
   * checked. Outcomes count as the list-append ones do; the history is not Elle's.
   */
  private void bank(long process, Node node) {
    boolean read = workloadRandom.chance(0.4);
    int from = workloadRandom.nextInt(ACCOUNTS);
    int to = (from + ACCOUNTS_PER_RANGE * (1 + workloadRandom.nextInt(RANGES - 1))
        + workloadRandom.nextInt(ACCOUNTS_PER_RANGE)) % ACCOUNTS;
    long amount = 1 + workloadRandom.nextInt(10);
    Txn txn = new Txn(process, from / ACCOUNTS_PER_RANGE, node, new TxnId(node.index, ++nextTxn), List.of());
    txn.bankRanges = read ? new int[0] : new int[] {from / ACCOUNTS_PER_RANGE, to / ACCOUNTS_PER_RANGE};
    txn.afterHeal = !faultsOn;
    invoked++;
    clientsRunning++;
    running.add(txn);
    trace.record(now(), INVOKE, node.index, Trace.fold(process, txn.id.sequence()), () -> "invoke p" + process + " "
        + txn.id + " on " + node.id + (read ? " read all accounts" : " transfer " + amount + " " + from + "->" + to));
    after(4 * commitTimeoutMicros + 1_000_000, () -> {
      if (!txn.done) {
        finish(txn, txn.commitSent ? OpType.INFO : OpType.FAIL, "the gateway went silent");
      }
    });
    onGateway(txn, 0, () -> {
      if (read) {
        readAllAccounts(txn, node);
      } else {
        transfer(txn, node, from, to, amount);
      }
    });
  }

  private void readAllAccounts(Txn txn, Node node) {
    dev.meridian.txn.ReadOnlyTxn ro;
    try {
      ro = node.txnClient.beginReadOnly(dev.meridian.txn.TimestampBound.strong());
    } catch (TxnUnavailableException e) {
      finish(txn, OpType.FAIL, "begin: " + e.getMessage());
      return;
    }
    List<java.util.concurrent.CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>();
    for (int a = 0; a < ACCOUNTS; a++) {
      reads.add(ro.get(account(a)));
    }
    java.util.concurrent.CompletableFuture.allOf(reads.toArray(java.util.concurrent.CompletableFuture[]::new))
        .whenComplete((v, error) -> {
          if (txn.done) {
            return;
          }
          if (error != null) {
            gatewayFailed(txn, error, "snapshot read");
            return;
          }
          long sum = 0;
          List<Long> balances = new ArrayList<>();
          for (var r : reads) {
            long b = balance(r.join());
            balances.add(b);
            sum += b;
          }
          if (sum != TOTAL) {
            fail(new SimViolation(Kind.APPLY, "a strong snapshot at " + ro.readTs() + " through " + node.id
                + " saw balances " + balances + ", total " + sum + ", not " + TOTAL));
            return;
          }
          finish(txn, OpType.OK, "snapshot at " + ro.readTs() + " saw the total");
        });
  }

  private void transfer(Txn txn, Node node, int from, int to, long amount) {
    ReadWriteTxn rw = beginReadWrite(txn, node);
    if (rw == null) {
      return;
    }
    readThenCommit(txn, rw, List.of(account(from), account(to)), values -> {
      rw.put(account(from), Long.toString(balance(values.get(0)) - amount).getBytes(StandardCharsets.UTF_8));
      rw.put(account(to), Long.toString(balance(values.get(1)) + amount).getBytes(StandardCharsets.UTF_8));
    });
  }

  /** The converged state holds the exact total too (read on node 1: every replica has the same state). */
  private void checkFinalTotal() {
    long sum = 0;
    for (int a = 0; a < ACCOUNTS; a++) {
      sum += balance(nodes[1].store.reads().get(account(a), Timestamp.MAX).map(Version::value));
    }
    SimViolation.check(sum == TOTAL, Kind.APPLY, "the accounts hold %d at the end, not %d", sum, TOTAL);
  }

  /** A prepare older than this is recovered by its participant: twice a request's wait. */
  private long stuckAfterMicros() {
    return 2 * commitTimeoutMicros;
  }

  private void gatewayFailed(Txn txn, Throwable error, String what) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    switch (cause) {
      case TxnOutcomeUnknownException unknown -> finish(txn, OpType.INFO, what + ": " + unknown.getMessage());
      case TxnConflictException conflict -> finish(txn, OpType.FAIL, what + ": " + conflict.getMessage());
      case TxnUnavailableException unavailable -> finish(txn, OpType.FAIL, what + ": " + unavailable.getMessage());
      default -> fail(new SimViolation(Kind.PROTOCOL_INVARIANT, "the gateway's " + what + " of " + txn.id
          + " failed with " + cause + ", which the client API does not allow here", cause));
    }
  }

  /** The writes of {@code txn}: for each appended key, the list it read with the appends added. */
  private static List<Write> writesOf(Txn txn) {
    Map<Long, List<Long>> after = new LinkedHashMap<>();
    txn.reads.forEach((k, list) -> after.put(k, new ArrayList<>(list)));
    for (Mop mop : txn.mops) {
      if (mop.kind() == Mop.Kind.APPEND) {
        after.get((Long) mop.key()).add((Long) mop.value());
      }
    }
    List<Write> writes = new ArrayList<>();
    for (Mop mop : txn.mops) {
      long key = (Long) mop.key();
      if (mop.kind() == Mop.Kind.APPEND && writes.stream().noneMatch(w -> w.key().equals(keyOf(key)))) {
        writes.add(Write.put(keyOf(key), encode(after.get(key))));
      }
    }
    return writes;
  }

  private NodeId target(Txn txn) {
    int guess = leaseholderGuess[txn.range];
    if (guess == 0 || txn.attempts > 2 && workloadRandom.chance(0.5)) {
      guess = 1 + workloadRandom.nextInt(size);
    }
    return new NodeId(guess);
  }

  /** Runs {@code task} on the gateway's loop, if its process still runs. */
  private void onGateway(Txn txn, long delayMicros, Runnable task) {
    if (txn.gateway.up() && !txn.done) {
      SimNodeScheduler loop = txn.gateway.loop;
      loop.schedule(delayMicros * 1_000, () -> {
        if (!txn.done && txn.gateway.loop == loop) {
          task.run();
        }
      });
    }
  }

  private static Key keyOf(long key) {
    return Key.utf8("r" + key / KEYS_PER_RANGE + "/" + key % KEYS_PER_RANGE);
  }

  private RangeDescriptor rangeOf(Txn txn) {
    return ranges.get(txn.range);
  }

  private void readNext(Txn txn) {
    if (txn.readIndex == txn.keys.size()) {
      if (txn.writes()) {
        txn.attempts = 0;
        sendCommit(txn);
      } else {
        finish(txn, OpType.OK, "read only");
      }
      return;
    }
    onGateway(txn, 0, () -> {
      long key = txn.keys.get(txn.readIndex);
      NodeId to = target(txn);
      RangeDescriptor range = rangeOf(txn);
      txn.gateway.rpc.call(to, RangeRequests.GET, new SnapshotReads.Get(range.id(), range.generation(), keyOf(key),
          txn.readTs), commitTimeoutMicros * 1_000, reply -> onRead(txn, key, to, reply));
    });
  }

  private void onRead(Txn txn, long key, NodeId to, Reply<SnapshotReads.Answer> reply) {
    if (txn.done) {
      return;
    }
    if (reply instanceof Reply.Ok<SnapshotReads.Answer> ok && ok.value() instanceof SnapshotReads.Versions versions) {
      leaseholderGuess[txn.range] = to.value();
      servedReads.add(new ServedRead(key, txn.readTs,
          versions.versions().isEmpty() ? null : versions.versions().getFirst().commitTs(), to.value()));
      txn.reads.put(key, decode(versions.versions()));
      txn.readIndex++;
      txn.attempts = 0;
      readNext(txn);
      return;
    }
    if (reply instanceof Reply.Ok<SnapshotReads.Answer> ok && ok.value() instanceof SnapshotReads.Refused refused) {
      switch (refused.redirect()) {
        case NOT_LEASEHOLDER, RETRY_LATER -> {
          leaseholderGuess[txn.range] = refused.leaseholderHint() == null ? 0 : refused.leaseholderHint().value();
        }
        case TOO_OLD, RANGE_NOT_FOUND, STALE_DESCRIPTOR -> {
          finish(txn, OpType.FAIL, "read refused: " + refused.why());
          return;
        }
      }
    } else {
      leaseholderGuess[txn.range] = 0;
    }
    retry(txn, () -> readNext(txn), "reads");
  }

  private void retry(Txn txn, Runnable again, String what) {
    if (++txn.attempts > 10) {
      finish(txn, txn.commitSent ? OpType.INFO : OpType.FAIL, what + ": no leaseholder answered in 10 attempts");
      return;
    }
    onGateway(txn, 1 + workloadRandom.nextLong(swarm.tickMicros * 2), again);
  }

  private void sendCommit(Txn txn) {
    onGateway(txn, 0, () -> {
      List<Key> readKeys = new ArrayList<>();
      txn.reads.keySet().forEach(k -> readKeys.add(keyOf(k)));
      List<Write> writes = writesOf(txn);
      RangeDescriptor range = rangeOf(txn);
      NodeId to = target(txn);
      txn.commitSent = true;
      RangeRequests.call(txn.gateway.rpc, to, new CoordinatorRequest.CommitOnePhase(range.id(), range.generation(),
          txn.id, txn.readTs, readKeys, List.of(), writes), commitTimeoutMicros * 1_000,
          reply -> onCommit(txn, to, reply));
    });
  }

  private void onCommit(Txn txn, NodeId to, Reply<ParticipantAnswer> reply) {
    if (txn.done) {
      return;
    }
    switch (reply) {
      case Reply.Ok<ParticipantAnswer> ok -> {
        switch (ok.value().reply()) {
          case ParticipantReply.Committed committed -> {
            leaseholderGuess[txn.range] = to.value();
            finish(txn, OpType.OK, "committed at " + committed.commitTs());
          }
          case ParticipantReply.Conflict conflict -> finish(txn, OpType.FAIL, "conflict: " + conflict.reason());
          case ParticipantReply.OutcomeUnknown unknown -> finish(txn, OpType.INFO, "unknown: " + unknown.why());
          case ParticipantReply.Redirect redirect -> {
            // Nothing was proposed: the same commit may go to the leaseholder.
            NodeId hint = ok.value().leaseholderHint();
            leaseholderGuess[txn.range] = hint == null ? 0 : hint.value();
            if (redirect.reason() != ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER) {
              finish(txn, OpType.FAIL, "redirected: " + redirect.reason());
              return;
            }
            // Every earlier attempt certainly did not run: the transaction stays certainly-not-applied.
            txn.commitSent = false;
            retry(txn, () -> sendCommit(txn), "commit");
          }
          default -> throw new SimViolation(Kind.PROTOCOL_INVARIANT, "a one-phase commit answered " + ok.value());
        }
      }
      case Reply.Failed<ParticipantAnswer> failed -> finish(txn,
          failed.error().certainlyNotRun() ? OpType.FAIL : OpType.INFO, "commit RPC: " + failed.error());
    }
  }

  private void finish(Txn txn, OpType type, String why) {
    if (txn.done) {
      return;
    }
    txn.done = true;
    clientsRunning--;
    running.remove(txn);
    List<Mop> completed = txn.mops;
    if (type == OpType.OK) {
      completed = new ArrayList<>();
      Map<Long, List<Long>> seen = new LinkedHashMap<>();
      txn.reads.forEach((k, list) -> seen.put(k, new ArrayList<>(list)));
      for (Mop mop : txn.mops) {
        long key = (Long) mop.key();
        if (mop.kind() == Mop.Kind.READ) {
          completed.add(new Mop(Mop.Kind.READ, key, List.copyOf(seen.get(key))));
        } else {
          seen.get(key).add((Long) mop.value());
          completed.add(mop);
        }
      }
      oks++;
      int[] written = txn.bankRanges != null ? txn.bankRanges : txn.mops.stream().filter(m -> m.kind() == Mop.Kind.APPEND)
          .mapToInt(m -> (int) ((Long) m.key() / KEYS_PER_RANGE)).distinct().toArray();
      if (written.length > 1) {
        multiRangeCommits++;
      }
      if (txn.afterHeal) {
        for (int r : written) {
          okWritesAfterHeal[r]++;
        }
      }
    } else if (type == OpType.FAIL) {
      fails++;
    } else {
      infos++;
    }
    if (txn.bankRanges == null && !txn.stale) {
      history.add(new Op(history.size(), type, txn.process, Keyword.of("txn"), completed, now()));
    }
    List<Mop> shown = completed;
    trace.record(now(), COMPLETE, txn.gateway.index, Trace.fold(txn.process, type.ordinal()),
        () -> type.edn() + " p" + txn.process + " " + txn.id + " " + shown + " (" + why + ")");
    long next = type == OpType.INFO ? nextProcess++ : txn.process;
    long pause = around(workloadRandom, swarm.proposeMeanMicros);
    if (clients == Clients.GATEWAY) {
      // A client retries 40001 with exponential backoff, as drivers do: without it, 64 clients on a
      // dozen keys keep each other's multi-range prepares in the way until no range commits (seed
      // 1059: every transaction after the heal conflicted on an intent of another that had failed).
      int failedInARow = type == OpType.FAIL ? failuresInARow.merge(next, 1, Integer::sum) : 0;
      if (type != OpType.FAIL) {
        failuresInARow.remove(txn.process);
      }
      pause += around(workloadRandom, swarm.proposeMeanMicros << Math.min(failedInARow, 8)) - 1;
    }
    after(pause, () -> client(next));
  }

  private static byte[] encode(List<Long> list) {
    StringBuilder out = new StringBuilder();
    for (long v : list) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      out.append(v);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<Long> decode(List<Version> versions) {
    return decode(versions.isEmpty() ? Optional.<byte[]>empty() : Optional.ofNullable(versions.getFirst().value()));
  }

  private static List<Long> decode(Optional<byte[]> value) {
    List<Long> list = new ArrayList<>();
    if (value.isEmpty()) {
      return list;
    }
    String text = new String(value.get(), StandardCharsets.UTF_8);
    if (!text.isEmpty()) {
      for (String v : text.split(",")) {
        list.add(Long.parseLong(v));
      }
    }
    return list;
  }

  // ---------------------------------------------------------------------------------------------
  // Heal, liveness, history

  private void heal() {
    faultsOn = false;
    healNetwork();
    for (int i = 1; i <= size; i++) {
      restoreWallClock(nodes[i]);
    }
    trace.record(now(), HEAL, 0, 1, () -> "fault phase over: network healed, everyone restarts");
    for (int i = 1; i <= size; i++) {
      if (!nodes[i].up()) {
        Node n = nodes[i];
        trace.record(now(), RESTART, n.index, 0, () -> "restart " + n.id);
        startProcess(n);
      }
    }
  }

  /**
   * How long after the heal (or the drain) progress may take. With gateway clients, add what the
   * protocol allows a crashed coordinator's intents to stand: they block their keys until the
   * transaction expires ({@code prepareTs + maxTxnDurationMicros}), the coordinator range records
   * the abort and the next recovery check resolves it (seed 280395606, 5 nodes, bank: a prepare
   * just before the heal expired 21 s later, past the swarm's bound).
   */
  private long livenessBoundMicros() {
    return swarm.livenessBoundMicros
        + (clients == Clients.GATEWAY ? coordinatorLimits.maxTxnDurationMicros() + 2 * RECOVERY_CHECK_MICROS : 0);
  }

  private void liveness() {
    long deadline = now() + livenessBoundMicros();
    runUntil(deadline, this::everyRangeCommittedAfterHeal);
    if (!everyRangeCommittedAfterHeal()) {
      throw new SimViolation(Kind.LIVENESS, "after the heal, ranges committed "
          + java.util.Arrays.toString(okWritesAfterHeal) + " transactions within " + livenessBoundMicros() / 1000
          + " ms (each must commit one)" + describe());
    }
  }

  /** With the clients stopped, every replica of every range must reach the same state. */
  private void convergence() {
    long deadline = now() + livenessBoundMicros();
    runUntil(deadline, this::converged);
    if (!converged()) {
      throw new SimViolation(Kind.LIVENESS, "replicas did not converge (or transactions stayed prepared, or the"
          + " directory did not match the ranges) within " + livenessBoundMicros() / 1000 + " ms of the last transaction"
          + describe());
    }
    for (int i = 1; i <= size; i++) {
      checkHandlers(nodes[i]);
    }
  }

  private boolean everyRangeCommittedAfterHeal() {
    for (long committed : okWritesAfterHeal) {
      if (committed == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every replica of every range at the same applied slot, which no replica's commit point is past,
   * no transaction left prepared (the clients are drained: their coordinators resolved, or the
   * participants' stuck-prepare recovery did, for a coordinator that crashed), and then with the same
   * state (fingerprints, compared only once the slots agree: they read the whole range).
   */
  private boolean converged() {
    List<RangeId> all = allRanges();
    for (RangeId range : all) {
      long slot = -1;
      for (int i = 1; i <= size; i++) {
        Node n = nodes[i];
        LeaseholderHost host = n.up() ? n.server.replica(range) : null;
        var status = host == null ? null : n.driver.statusOnLoop(RangeServer.groupOf(range));
        if (status == null) {
          return false;
        }
        long applied = host.machine().machine().appliedSlot();
        if (status.commit().value() > applied || (slot >= 0 && applied != slot)) {
          return false;
        }
        slot = applied;
      }
    }
    for (RangeId range : all) {
      if (!nodes[1].server.replica(range).machine().machine().prepared().isEmpty()) {
        return false;
      }
    }
    for (RangeId range : all) {
      var machine = nodes[1].server.replica(range).machine().machine();
      String fingerprint = RangeSnapshots.fingerprint(machine);
      for (int i = 2; i <= size; i++) {
        var other = nodes[i].server.replica(range).machine().machine();
        if (!fingerprint.equals(RangeSnapshots.fingerprint(other)) || !machine.descriptor().equals(other.descriptor())) {
          return false;
        }
      }
    }
    return directoryProblem() == null;
  }

  /** The meta range, every key group's bootstrap range and every range a split created. */
  private List<RangeId> allRanges() {
    List<RangeId> all = new ArrayList<>();
    all.add(RangeId.META);
    ranges.forEach(r -> all.add(r.id()));
    all.addAll(splitOff);
    return all;
  }

  /**
   * What is wrong with the directory as node 1's replica of the meta range holds it (the replicas
   * agree once converged), or null: its entries must cover the key space in order, each key by
   * exactly one range, and be exactly the descriptors the ranges' replicas hold.
   */
  private String directoryProblem() {
    List<Version> entries = nodes[1].store.reads().scan(MetaLayout.ENTRIES, Timestamp.MAX,
        dev.meridian.storage.mvcc.Direction.FORWARD, Integer.MAX_VALUE);
    List<RangeDescriptor> filed = new ArrayList<>();
    Key expectedStart = Key.EMPTY;
    for (Version entry : entries) {
      RangeDescriptor descriptor = MetaLayout.decodeEntry(entry.key(), entry.value(), DirectoryLimits.defaults());
      if (expectedStart == null || !descriptor.span().start().equals(expectedStart)) {
        return "meta entry " + descriptor + " does not start where the previous one ended (" + expectedStart + ")";
      }
      filed.add(descriptor);
      expectedStart = descriptor.span().end();
    }
    if (expectedStart != null) {
      return "the meta entries end at " + expectedStart + ", not at the end of the key space";
    }
    List<RangeDescriptor> held = new ArrayList<>();
    for (RangeId range : allRanges()) {
      held.add(nodes[1].server.replica(range).machine().machine().descriptor());
    }
    held.sort(java.util.Comparator.comparing(d -> d.span().start()));
    return filed.equals(held) ? null : "the meta range files " + filed + " but the ranges hold " + held;
  }

  /** Stops new transactions and lets the running ones end (each ends by its own timeout at worst). */
  private void drainClients() {
    clientsOn = false;
    runUntil(now() + 4 * commitTimeoutMicros + 2_000_000, () -> clientsRunning == 0);
    SimViolation.check(clientsRunning == 0, Kind.LIVENESS, "%d transactions never ended", clientsRunning);
  }

  /**
   * Snapshot reads are repeatable (DESIGN §11: no commit ever lands at or below a read a leaseholder
   * already served): every read answered during the run saw the version the converged state holds
   * at its read timestamp. A commit that landed at or below a served read, after it, shows here
   * directly, whether or not the history makes it an anomaly.
   */
  private void checkReads() {
    checkClosedSnapshots();
    RangeStore store = nodes[1].store;
    for (ServedRead read : servedReads) {
      Timestamp now = store.reads().get(keyOf(read.key()), read.readTs()).map(Version::commitTs).orElse(null);
      SimViolation.check(java.util.Objects.equals(now, read.versionTs()), Kind.APPLY,
          "n%d served a read of key %d at %s that saw the version at %s, but the state holds %s there:"
              + " a commit landed at or below a read already served", read.servedBy(), read.key(), read.readTs(),
          read.versionTs(), now);
    }
    for (ServedValue read : servedValues) {
      List<Long> now = decode(store.reads().get(keyOf(read.key()), read.readTs()).map(Version::value));
      SimViolation.check(now.equals(read.seen()), Kind.APPLY,
          "a transaction through n%d read key %d at %s as %s, but the state holds %s there:"
              + " a commit landed at or below a read already served", read.gateway(), read.key(), read.readTs(),
          read.seen(), now);
    }
  }

  private void checkHistory() {
    CheckResult result = Checker.check(history, CheckOptions.strictSerializable(CheckOptions.Workload.LIST_APPEND));
    if ("false".equals(result.valid())) {
      throw new SimViolation(Kind.APPLY, "the history of " + history.size() / 2 + " transactions is not strictly"
          + " serializable: " + result.anomalyTypes() + " " + abbreviate(result.anomalies().toString()));
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 1_500 ? text : text.substring(0, 1_500) + "...";
  }

  private String describe() {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= size; i++) {
      Node n = nodes[i];
      out.append("\n    ").append(n.id).append(n.up() ? "" : " down");
      if (n.up()) {
        for (RangeId range : allRanges()) {
          LeaseholderHost host = n.server.replica(range);
          out.append(" ").append(range).append(host == null ? " not hosted"
              : " applied=" + host.machine().machine().appliedSlot() + (host.serving() ? " LEASEHOLDER" : "")
                  + host.stats().map(st -> " core=" + st).orElse("")
                  + " prepared=" + host.machine().machine().prepared().stream().map(p -> p.txn() + "@" + p.prepareTs()).toList()
                  + " status=" + n.driver.statusOnLoop(RangeServer.groupOf(range)));
        }
      }
    }
    if (nodes[1].up() && nodes[1].server.replica(RangeId.META) != null) {
      try {
        out.append("\n    directory: ").append(java.util.Objects.requireNonNullElse(directoryProblem(), "ok"));
      } catch (RuntimeException e) {
        out.append("\n    directory: ").append(e);
      }
    }
    return out.toString();
  }
}
