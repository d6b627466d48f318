package dev.meridian.sim.paxos;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.driver.PaxosDriver.ProposalException;
import dev.meridian.paxos.driver.SnapshotSink;
import dev.meridian.paxos.driver.SnapshotSource;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.sim.SimViolation;
import dev.meridian.sim.SimViolation.Kind;
import dev.meridian.sim.Trace;
import dev.meridian.sim.clock.SimClock;
import dev.meridian.sim.clock.SimNodeScheduler;
import dev.meridian.sim.clock.SimTimeSync;
import dev.meridian.sim.net.SimNetwork;
import dev.meridian.storage.mvcc.StorageBusyException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * One seeded run of one to three Multi-Paxos groups of 3 or 5 voters on simulated machines, every
 * node hosting a replica of every group through one driver (so the groups share its disk, its
 * group-committed writes, its tick and its coalesced heartbeats). Everything happens
 * on one virtual-time event queue ({@link ManualScheduler}); every random choice — fault parameters,
 * latencies, crash times, clock errors, election timeouts, the workload — comes from the seed, so
 * one seed is one trace.
 *
 * <h2>A run</h2>
 *
 * <ol>
 *   <li><b>Fault phase</b> (length drawn from the seed): the workload proposes commands with unique
 *       ids to a group drawn at random, at whichever node it believes leads that group; the network loses, duplicates, delays and reorders
 *       messages and is cut by partitions; nodes crash (losing unsynced writes) and restart; leaders
 *       are asked to hand over; clocks drift and are disciplined within the TrueTime bound.
 *   <li><b>Heal</b>: partitions and link faults end, every crashed node restarts, the nemesis stops.
 *   <li><b>Liveness</b>: within {@link Swarm#livenessBoundMicros} every group must elect a leader, a
 *       fresh command proposed to it must be applied on every node, and every node must catch up with
 *       every group's commit point; then every acknowledged command must be applied on every node, and every
 *       node's state machine must be the same.
 * </ol>
 *
 * <h2>The code under test</h2>
 *
 * Every node runs the production {@link PaxosDriver} — persist, send, apply, advance; the
 * commit-point relaxation of {@link Ready}; heartbeat coalescing; proposal bookkeeping; compaction
 * — over the real {@code PaxosReplica}. The simulator supplies only what a machine would: an event
 * loop on the node's drifting clock ({@link SimNodeScheduler}), a disk ({@link SimPaxosStorage}),
 * the network ({@link SimPaxosNetwork}), TrueTime ({@link SimClock}) and a state machine. A crash
 * drops every task of the process and every write not yet durable; a restart builds a new driver
 * from what the disk holds.
 *
 * <p>Safety is checked as the run goes, per group ({@link PaxosChecker}); the first violation ends
 * the run.
 */
public final class PaxosSimulation {

  static final long START_MICROS = 1_700_000_000_000_000L;

  // Trace event kinds of the simulator and nemesis (the network's are 1..4).
  static final int BOOT = 10;
  static final int PERSIST = 11;
  static final int CRASH = 12;
  static final int RESTART = 13;
  static final int PROPOSE = 14;
  static final int PARTITION = 15;
  static final int HEAL = 16;
  static final int TRANSFER = 17;
  static final int APPLY = 18;
  static final int ANSWER = 19;
  static final int WRITE_LOST = 20;
  static final int CLOCK_FAULT = 21;

  /** The outcome of one run. */
  public record Result(
      long seed,
      int nodes,
      PlantedBug bug,
      SimViolation violation,
      long traceHash,
      long events,
      long simulatedMicros,
      String swarm,
      String summary,
      List<String> traceTail) {

    public boolean ok() {
      return violation == null;
    }
  }

  private final long seed;
  private final int size;
  private final PlantedBug bug;
  private final Swarm swarm;
  private final ManualClock truth = new ManualClock(START_MICROS);
  private final ManualScheduler scheduler = new ManualScheduler(truth);
  private final Trace trace;
  private final SimNetwork<SimPaxosNetwork.Packet> network;
  private final SimPaxosNetwork wire;
  private final PaxosDriver.Config driverConfig;
  /** Snapshot chunks sent by any driver (coverage of the streamed snapshot path). */
  private long snapshotChunks;
  private final Membership voters;
  private final PaxosNode[] nodes;
  /** The groups of the run; group {@code i + 1} is at index {@code i}. */
  private final List<Group> groups = new ArrayList<>();
  private final RandomSource nemesisRandom;
  private final RandomSource workloadRandom;
  /** A failure reported off the event path (a future's callback); ends the run after the event. */
  private RuntimeException failure;

  private boolean faultsOn = true;
  private long crashes;
  private long restarts;
  private long partitions;
  private long transfers;
  private long writesLost;
  /** Times a group's hosting was retried because the disk was busy. */
  /** Commit-point-only writes lost in a crash after their Ready's messages had been sent. */
  private long revealedWritesLost;

  // Workload.
  private long nextCommand;
  /** The client's outstanding requests, by command, in the order they were made. */
  private final Map<String, Request> outstanding = new LinkedHashMap<>();
  private long proposals;
  /** Proposals the driver has not answered yet, by command: the node proposed to. */
  private final Map<String, Integer> unanswered = new HashMap<>();
  /**
   * Commands a node applied that were proposed there and not answered: the driver must answer them
   * in the same task, so this is empty after every event.
   */
  private final Set<String> answerDue = new HashSet<>();

  private record Request(int node, long proposedAtMicros) {}

  /** One Paxos group of the run: its checker, and what the client knows of it. */
  private static final class Group {
    final GroupId id;
    final PaxosChecker checker;
    /** The node the client believes leads the group, 0 if it has no idea. */
    int leaderGuess;
    /** Acknowledged commands, with the slot each was applied at. */
    final Map<String, Long> acked = new TreeMap<>();
    // Liveness probe.
    String probe;
    long probeProposedAtMicros;
    final Map<String, Set<Integer>> probeAppliedOn = new HashMap<>();
    String probeDone;

    Group(GroupId id, int voters) {
      this.id = id;
      this.checker = new PaxosChecker(id, voters);
    }
  }

  private PaxosSimulation(long seed, int size, PlantedBug bug, int keepTraceLines) {
    if (size != 3 && size != 5) {
      throw new IllegalArgumentException("nodes must be 3 or 5, not " + size);
    }
    this.seed = seed;
    this.size = size;
    this.bug = bug;
    RandomSource root = RandomSource.seeded(seed);
    this.swarm = new Swarm(root.fork(), size);
    this.trace = new Trace(keepTraceLines);
    RandomSource networkRandom = root.fork();
    this.nemesisRandom = root.fork();
    this.workloadRandom = root.fork();
    RandomSource clockRandom = root.fork();
    this.network =
        new SimNetwork<>(size, scheduler, networkRandom, trace, this::receive, SimPaxosNetwork::fingerprint);
    for (int from = 1; from <= size; from++) {
      for (int to = 1; to <= size; to++) {
        long base =
            swarm.minLatencyMicros
                + networkRandom.nextLong(swarm.maxLatencyMicros - swarm.minLatencyMicros + 1);
        network.setLink(from, to, new SimNetwork.LinkProfile(base, swarm.jitterMicros));
      }
    }
    network.setFaults(swarm.loss, swarm.duplicate, swarm.reorder, swarm.reorderDelayMicros, swarm.tail);
    for (int g = 1; g <= swarm.groups; g++) {
      groups.add(new Group(new GroupId(g), size));
    }
    List<GroupId> groupIds = groups.stream().map(g -> g.id).toList();
    this.wire = new SimPaxosNetwork(network, this::onSend);
    this.driverConfig =
        new PaxosDriver.Config(
            swarm.tickMicros * 1_000, swarm.proposalQuota, swarm.compactEvery, swarm.busyRetryMicros * 1_000,
            new PaxosDriver.SnapshotLimits(swarm.snapshotChunkBytes, swarm.snapshotWindow,
                swarm.snapshotResendTicks, 20, 16));
    List<NodeId> ids = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      ids.add(new NodeId(i));
    }
    this.voters = new Membership(ids, List.of());
    SimPaxosStorage.Model disk =
        new SimPaxosStorage.Model(swarm.diskMinMicros, swarm.diskJitterMicros, swarm.diskSlow, swarm.diskQueueBound);
    this.nodes = new PaxosNode[size + 1];
    SimTimeSync sync = swarm.timeSync(truth, clockRandom);
    for (int i = 1; i <= size; i++) {
      RandomSource nodeRandom = clockRandom.fork();
      SimClock clock = swarm.clock(truth, nodeRandom, sync, bug);
      int index = i;
      SimPaxosStorage storage =
          new SimPaxosStorage(scheduler, nodeRandom.fork(), disk, bug, swarm.options.leaseDurationMicros(),
              (group, ready) -> onDurable(nodes[index], group(group), ready));
      nodes[i] = new PaxosNode(i, clock, nodeRandom.fork(), storage, groupIds);
    }
  }

  /** Runs seed {@code seed} on {@code size} nodes; keeps the last {@code keepTraceLines} events as text. */
  public static Result run(long seed, int size, PlantedBug bug, int keepTraceLines) {
    PaxosSimulation simulation;
    try {
      simulation = new PaxosSimulation(seed, size, bug, keepTraceLines);
    } catch (RuntimeException e) {
      SimViolation violation = new SimViolation(Kind.SIMULATOR, "could not set the run up: " + e, e);
      return new Result(seed, size, bug, violation, 0, 0, 0, "", "", List.of());
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
    } catch (SimViolation v) {
      violation = v;
    } catch (Invariants.InvariantViolation e) {
      violation = new SimViolation(Kind.PROTOCOL_INVARIANT, e.getMessage(), e);
    } catch (RuntimeException e) {
      violation = new SimViolation(Kind.PROTOCOL_INVARIANT, "unexpected " + e, e);
    }
    long overlapped = 0;
    long crossGroup = 0;
    long busy = 0;
    long unsyncedKept = 0;
    long unsyncedLost = 0;
    SimClock.SyncCounters clocks = new SimClock.SyncCounters();
    for (int i = 1; i <= size; i++) {
      PaxosNode n = nodes[i];
      clocks.add(n.clock.counters());
      for (Group g : groups) {
        Status status = n.status(g.id);
        long commit = status == null ? -1 : status.commit().value();
        long applied = n.replica(g.id).appliedSlot;
        trace.record(now(), 0, i, Trace.fold(Trace.fold(g.id.value(), applied), commit), () -> "final " + n.id + " " + g.id);
      }
      overlapped += n.disk.overlappedWrites();
      crossGroup += n.disk.crossGroupOverlaps();
      busy += n.disk.busyRefusals();
      unsyncedKept += n.disk.unsyncedKept();
      unsyncedLost += n.disk.unsyncedLost();
    }
    long chosen = 0;
    long committed = 0;
    long acked = 0;
    long leaseBallots = 0;
    long snapshotsInstalled = 0;
    for (Group g : groups) {
      chosen += g.checker.chosen.size();
      committed += g.checker.committed.size();
      acked += g.acked.size();
      leaseBallots += g.checker.leaseHolders();
      snapshotsInstalled += g.checker.snapshotsInstalled;
    }
    String summary =
        String.format(
            "simulated=%dms events=%d groups=%d chosen=%d committed=%d proposals=%d acked=%d lease-ballots=%d"
                + " crashes=%d restarts=%d writes-lost=%d revealed-writes-lost=%d writes-overlapped=%d"
                + " cross-group-overlapped=%d disk-busy=%d multi-group-heartbeat-batches=%d partitions=%d"
                + " transfers=%d snapshots-installed=%d snapshot-chunks=%d unsynced-kept-by-crash=%d"
                + " unsynced-lost-by-crash=%d %s | %s",
            (now() - START_MICROS) / 1000, trace.events(), groups.size(), chosen, committed, proposals,
            acked, leaseBallots, crashes, restarts, writesLost, revealedWritesLost, overlapped, crossGroup,
            busy, wire.multiGroupBatches(), partitions, transfers, snapshotsInstalled, snapshotChunks, unsyncedKept,
            unsyncedLost, clocks, network.stats());
    return new Result(seed, size, bug, violation, trace.hash(), trace.events(), now() - START_MICROS,
        swarm.toString(), summary, trace.tail());
  }

  private long now() {
    return truth.wallClockMicros();
  }

  private void runUntil(long untilMicros, BooleanSupplier done) {
    long untilNanos = truth.monotonicNanos() + (untilMicros - now()) * 1_000;
    while (!done.getAsBoolean() && scheduler.nextDeadlineNanos() <= untilNanos) {
      scheduler.runNext();
      if (failure != null) {
        throw failure;
      }
      SimViolation.check(answerDue.isEmpty(), Kind.APPLY,
          "the driver applied proposals made on its node without answering them: %s", answerDue);
      for (Group g : groups) {
        g.checker.checkLeases(now(), nodes);
      }
    }
  }

  private Group group(GroupId id) {
    return groups.get((int) id.value() - 1);
  }

  /** A group drawn from {@code random}. */
  private Group anyGroup(RandomSource random) {
    return groups.get(random.nextInt(groups.size()));
  }

  private void after(long micros, Runnable task) {
    scheduler.schedule(Math.max(0, micros) * 1_000, task);
  }

  /** A delay drawn uniformly from (0, 2·mean]: a Poisson-ish process with that mean. */
  private static long around(RandomSource r, long meanMicros) {
    return 1 + r.nextLong(2 * meanMicros);
  }

  /**
   * Notes a failure raised where throwing would be swallowed (a future's callback); the run ends
   * with it after the current event. The first one wins.
   */
  private void fail(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (failure == null) {
      failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Set-up and the processes

  private void start() {
    for (int i = 1; i <= size; i++) {
      PaxosNode n = nodes[i];
      // Nodes do not boot in lock-step: stagger the processes' start and the clock discipline.
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
    if (swarm.transferMeanMicros > 0) {
      after(around(nemesisRandom, swarm.transferMeanMicros), this::transfer);
    }
    after(around(workloadRandom, swarm.proposeMeanMicros), this::workload);
    if (swarm.wallFaultMeanMicros > 0) {
      after(around(nemesisRandom, swarm.wallFaultMeanMicros), this::wallFault);
    }
  }

  /**
   * Steps one node's wall clock out of the TrueTime bound for a while: its TrueTime must keep
   * containing true time and it must fence itself ({@link SimClock#stepOutOfBound}).
   */
  private void wallFault() {
    if (!faultsOn) {
      return;
    }
    PaxosNode n = victim();
    if (!n.clock.outOfBound()) {
      long step = Swarm.outOfBoundStepMicros(n.clock, nemesisRandom);
      n.clock.stepOutOfBound(step);
      trace.record(now(), CLOCK_FAULT, n.index, step, () -> "wall clock of " + n.id + " stepped " + step + " us");
      after(1 + nemesisRandom.nextLong(3_000_000), () -> restoreWallClock(n));
    }
    after(around(nemesisRandom, swarm.wallFaultMeanMicros), this::wallFault);
  }

  private void restoreWallClock(PaxosNode n) {
    if (n.clock.outOfBound()) {
      n.clock.restoreWallClock();
      trace.record(now(), CLOCK_FAULT, n.index, 0, () -> "wall clock of " + n.id + " restored");
    }
  }

  /**
   * Starts a process on {@code n}: a fresh event loop, TrueTime and state machines, and the real
   * driver hosting every group from what the disk holds (or, on a disk that holds nothing yet of a
   * group, from the initial voters, which the driver persists first).
   */
  private void startProcess(PaxosNode n) {
    n.loop = new SimNodeScheduler(scheduler, n.clock);
    n.trueTime = n.clock.newTrueTime(n.loop, () -> faultsOn);
    n.driver =
        new PaxosDriver(n.id, n.loop, n.trueTime, n.disk, wire, n.random.fork(), driverConfig,
            error -> fail(new SimViolation(Kind.SIMULATOR, n.id + "'s simulated disk failed: " + error, error)));
    for (Group g : groups) {
      host(n, n.driver, g);
    }
  }

  private void host(PaxosNode n, PaxosDriver driver, Group g) {
    driver.host(g.id, swarm.options, voters, new StateMachine(n, g)).whenComplete((hosted, error) -> {
      if (error != null) {
        fail(error);
      }
    });
  }

  private void discipline(PaxosNode n) {
    n.clock.discipline();
    after(SimClock.DISCIPLINE_PERIOD_MICROS, () -> discipline(n));
  }

  private void receive(int from, int to, SimPaxosNetwork.Packet packet) {
    PaxosNode n = nodes[to];
    if (n.up()) {
      SimPaxosNetwork.deliver(n.driver, packet);
    }
  }

  /**
   * {@code message} leaves its node: a hand-over is the checker's to know; a message of a Ready whose
   * write is still in flight is revealed early, which the driver may do only for a write that moves
   * nothing but the commit point ({@link Ready}'s relaxation).
   */
  private void onSend(NodeId from, Message message) {
    PaxosNode n = nodes[from.value()];
    if (message instanceof Message.SnapshotChunk) {
      snapshotChunks++;
    }
    if (message instanceof Message.TimeoutNow handOver) {
      group(message.group()).checker.onHandOver(n, handOver.ballot(), now());
    }
    SimPaxosStorage.Write early = n.disk.reveal(message);
    SimViolation.check(early == null || early.commitPointOnly, Kind.DURABILITY,
        "%s sent %s before the write of its Ready was durable, and that write is more than a commit"
            + " point: %s", n.id, message, early == null ? "" : describePersist(early.ready));
  }

  /** {@code n}'s disk has made {@code ready}'s persist section of {@code g} durable. */
  private void onDurable(PaxosNode n, Group g, Ready ready) {
    trace.record(now(), PERSIST, n.index, Trace.fold(g.id.value(), persistFingerprint(ready)),
        () -> "synced " + n.id + " " + g.id + " " + describePersist(ready));
    g.checker.onPersisted(n, ready);
  }

  private static long persistFingerprint(Ready ready) {
    long h = Fingerprints.entries(ready.entries());
    if (ready.hardState() != null) {
      h = Trace.fold(h, Fingerprints.ballot(ready.hardState().promised()));
      h = Trace.fold(h, Fingerprints.lease(ready.hardState().leaseVote()));
      h = Trace.fold(h, ready.hardState().commit().value());
    }
    if (ready.snapshot() != null) {
      h = Trace.fold(h, Fingerprints.snapshot(ready.snapshot()));
    }
    if (ready.compactThrough() != null) {
      h = Trace.fold(h, ready.compactThrough().value());
    }
    return h;
  }

  private static String describePersist(Ready ready) {
    return (ready.hardState() == null ? "" : "[" + ready.hardState() + "] ")
        + (ready.entries().isEmpty() ? "" : ready.entries() + " ")
        + (ready.snapshot() == null ? "" : ready.snapshot().toString())
        + (ready.compactThrough() == null ? "" : " compact through " + ready.compactThrough());
  }

  /**
   * The state machine of {@code g} in one process on {@code n}: applied commands by slot, checked as
   * they come. It is durable on the node's simulated disk ({@link SimPaxosStorage#writeUnsynced}):
   * each apply writes the command and the applied slot unsynced, a restarted process starts from
   * what the disk kept, and snapshots go through the driver's chunked transfer. Image layout: UTF-8
   * lines {@code <slot>=<command>\n} in slot order; a chunk holds whole lines.
   */
  private final class StateMachine implements PaxosDriver.StateMachine {
    private final PaxosNode n;
    private final Group g;
    private final PaxosNode.Replica replica;
    private final long durableApplied;
    private TreeMap<Long, String> staging;
    private long stagingSlot = -1;
    private boolean stagingFinished;

    /** The process's machine: what the disk kept of it. */
    StateMachine(PaxosNode n, Group g) {
      this.n = n;
      this.g = g;
      this.replica = n.replica(g.id);
      SimPaxosStorage.MachineImage image = n.disk.image(g.id);
      replica.stateMachine = image.data;
      replica.appliedSlot = image.applied;
      durableApplied = image.applied;
      staging = image.staging;
      stagingSlot = image.stagingSlot;
      stagingFinished = image.stagingFinished;
    }

    @Override
    public Slot appliedSlot() {
      return Slot.of(durableApplied);
    }

    @Override
    public boolean durable() {
      return true;
    }

    @Override
    public void apply(Entry entry) {
      long slot = entry.slot().value();
      SimViolation.check(slot == replica.appliedSlot + 1, Kind.APPLY,
          "%s's driver handed its state machine slot %d after slot %d", n.id, slot, replica.appliedSlot);
      if (entry.kind() != EntryKind.COMMAND) {
        replica.appliedSlot = slot;
        n.disk.writeUnsynced(g.id, image -> image.applied = slot);
        return;
      }
      g.checker.onApply(n, entry);
      replica.appliedSlot = slot;
      String command = entry.valueString();
      replica.stateMachine.put(slot, command);
      n.disk.writeUnsynced(g.id, image -> {
        image.data.put(slot, command);
        image.applied = slot;
      });
      trace.record(now(), APPLY, n.index, Trace.fold(g.id.value(), Fingerprints.entry(entry)),
          () -> "apply " + n.id + " " + g.id + " " + entry);
      onApplied(n, g, entry);
    }

    @Override
    public SnapshotSource openSnapshot() {
      byte[] image = PaxosNode.encode(replica.stateMachine);
      return new SnapshotSource() {
        private int offset;

        @Override
        public byte[] next(int maxBytes) {
          if (offset >= image.length) {
            return null;
          }
          // Whole lines only, as a key-value machine cuts between keys.
          int end = offset;
          while (end < image.length) {
            int newline = indexOf(image, (byte) '\n', end);
            if (newline + 1 - offset > maxBytes) {
              break;
            }
            end = newline + 1;
          }
          Invariants.require(end > offset, "a snapshot line is longer than the chunk limit %d", maxBytes);
          byte[] chunk = java.util.Arrays.copyOfRange(image, offset, end);
          offset = end;
          return chunk;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public SnapshotSink beginInstall(Slot lastSlot) {
      long slot = lastSlot.value();
      TreeMap<Long, String> mine = new TreeMap<>();
      staging = mine;
      stagingSlot = slot;
      stagingFinished = false;
      n.disk.writeUnsynced(g.id, image -> {
        image.staging = new TreeMap<>();
        image.stagingSlot = slot;
        image.stagingFinished = false;
      });
      return new SnapshotSink() {
        @Override
        public void write(byte[] chunk) {
          Invariants.require(staging == mine, "write to a replaced snapshot staging");
          TreeMap<Long, String> lines = PaxosNode.decode(chunk);
          mine.putAll(lines);
          n.disk.writeUnsynced(g.id, image -> image.staging.putAll(lines));
        }

        @Override
        public void finish() {
          Invariants.require(staging == mine, "finish of a replaced snapshot staging");
          stagingFinished = true;
          n.disk.writeUnsynced(g.id, image -> image.stagingFinished = true);
        }

        @Override
        public void abort() {
          if (staging == mine) {
            staging = null;
            stagingSlot = -1;
            n.disk.writeUnsynced(g.id, image -> {
              image.staging = null;
              image.stagingSlot = -1;
            });
          }
        }
      };
    }

    @Override
    public void installStaged(Slot lastSlot) {
      long slot = lastSlot.value();
      SimViolation.check(staging != null && stagingFinished && stagingSlot == slot, Kind.APPLY,
          "%s installs a snapshot at %d of %s but has staged %s at %d", n.id, slot, g.id,
          staging == null ? "nothing" : stagingFinished ? "an image" : "a partial image", stagingSlot);
      TreeMap<Long, String> contents = staging;
      g.checker.onInstallSnapshot(n, contents);
      replica.stateMachine = contents;
      replica.appliedSlot = slot;
      staging = null;
      stagingSlot = -1;
      n.disk.writeUnsynced(g.id, image -> {
        image.data = image.staging;
        image.applied = slot;
        image.staging = null;
        image.stagingSlot = -1;
      });
      trace.record(now(), APPLY, n.index, Trace.fold(Trace.fold(g.id.value(), slot), contents.size()),
          () -> "install " + n.id + " " + g.id + " snapshot of " + contents.size() + " commands through " + slot);
    }
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return bytes.length - 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Workload

  private void workload() {
    if (!faultsOn) {
      return;
    }
    Group g = anyGroup(workloadRandom);
    PaxosNode target = nodes[g.leaderGuess];
    if (target == null || !target.up() || workloadRandom.chance(0.1)) {
      target = nodes[1 + workloadRandom.nextInt(size)];
    }
    if (target.up() && outstanding() < swarm.clientConcurrency) {
      propose(target, g, "c" + (++nextCommand));
    }
    after(around(workloadRandom, swarm.proposeMeanMicros), this::workload);
  }

  /**
   * Requests the client still waits for. Like a real client it gives up on one after a timeout (its
   * command may still commit later); without the bound a partitioned leader would pile up a backlog
   * that no liveness bound could be fair about.
   */
  private int outstanding() {
    outstanding.values().removeIf(r -> now() - r.proposedAtMicros() > swarm.clientTimeoutMicros);
    return outstanding.size();
  }

  /**
   * Proposes {@code command} to {@code g} through {@code n}'s driver. The driver's answer is the
   * client's: a command is acknowledged when its future completes (it was applied on {@code n}).
   */
  private void propose(PaxosNode n, Group g, String command) {
    proposals++;
    g.checker.onProposed(command);
    outstanding.put(command, new Request(n.index, now()));
    unanswered.put(command, n.index);
    trace.record(now(), PROPOSE, n.index, Trace.fold(g.id.value(), nextCommand),
        () -> "propose " + n.id + " " + g.id + " " + command);
    n.driver.propose(g.id, command.getBytes(StandardCharsets.UTF_8))
        .whenComplete((slot, error) -> {
          try {
            answered(n, g, command, slot, error);
          } catch (RuntimeException e) {
            fail(e);
          }
        });
  }

  private void answered(PaxosNode n, Group g, String command, Slot slot, Throwable error) {
    Request request = outstanding.remove(command);
    unanswered.remove(command);
    boolean appliedHere = answerDue.remove(command);
    if (error == null) {
      String there = n.replica(g.id).stateMachine.get(slot.value());
      SimViolation.check(appliedHere && command.equals(there), Kind.APPLY,
          "the driver answered %s on %s as applied at %s of %s, where %s has %s",
          command, n.id, slot, g.id, n.id, there);
      trace.record(now(), ANSWER, n.index, Trace.fold(g.id.value(), slot.value()),
          () -> "applied " + n.id + " " + g.id + " " + command + " at " + slot);
      if (request != null) {
        g.acked.put(command, slot.value());
      }
      return;
    }
    trace.record(now(), ANSWER, n.index, -1, () -> "refused " + n.id + " " + command + ": " + error.getMessage());
    SimViolation.check(!appliedHere, Kind.APPLY,
        "the driver refused %s on %s (%s) although it applied it there", command, n.id, error.getMessage());
    if (!(error instanceof ProposalException refused)) {
      throw new SimViolation(Kind.PROTOCOL_INVARIANT, "proposal " + command + " on " + n.id + " failed: " + error, error);
    }
    if (!n.id.equals(refused.leaderHint())) {
      g.leaderGuess = refused.leaderHint() == null ? 0 : refused.leaderHint().value();
    }
    if (command.equals(g.probe)) {
      g.probe = null;
    }
  }

  /** The client's view: answers now due, and on which nodes a liveness probe has been applied. */
  private void onApplied(PaxosNode n, Group g, Entry entry) {
    String value = entry.valueString();
    Integer proposedOn = unanswered.get(value);
    if (proposedOn != null && proposedOn == n.index) {
      answerDue.add(value);
    }
    if (value.startsWith("probe-")) {
      Set<Integer> on = g.probeAppliedOn.computeIfAbsent(value, v -> new HashSet<>());
      on.add(n.index);
      if (on.size() == size && g.probeDone == null) {
        g.probeDone = value;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Nemesis

  /** The up node leading {@code g} at the highest ballot, or null. */
  private PaxosNode leader(Group g) {
    PaxosNode best = null;
    Status bestStatus = null;
    for (int i = 1; i <= size; i++) {
      Status status = nodes[i].status(g.id);
      if (status != null && status.active()
          && (bestStatus == null || status.promised().isAbove(bestStatus.promised()))) {
        best = nodes[i];
        bestStatus = status;
      }
    }
    return best;
  }

  private PaxosNode victim() {
    PaxosNode leader = leader(anyGroup(nemesisRandom));
    if (leader != null && nemesisRandom.chance(swarm.targetLeader)) {
      return leader;
    }
    return nodes[1 + nemesisRandom.nextInt(size)];
  }

  private void crashSomeone() {
    if (!faultsOn) {
      return;
    }
    PaxosNode n = victim();
    if (n.up()) {
      crash(n);
      after(1 + nemesisRandom.nextLong(swarm.downMaxMicros), () -> {
        if (faultsOn && !n.up()) {
          restart(n);
        }
      });
    }
    after(around(nemesisRandom, swarm.crashMeanMicros), this::crashSomeone);
  }

  private void crash(PaxosNode n) {
    crashes++;
    revealedWritesLost += n.disk.revealedInFlight();
    int lost = n.crash();
    writesLost += lost;
    trace.record(now(), CRASH, n.index, lost, () -> "crash " + n.id + (lost > 0 ? " (" + lost + " writes lost)" : ""));
    outstanding.values().removeIf(r -> r.node() == n.index);
    unanswered.values().removeIf(node -> node == n.index);
    for (Group g : groups) {
      g.checker.checkDurable(nodes);
    }
  }

  private void restart(PaxosNode n) {
    restarts++;
    trace.record(now(), RESTART, n.index, 0, () -> "restart " + n.id);
    startProcess(n);
  }

  private void partition() {
    if (!faultsOn) {
      return;
    }
    partitions++;
    PartitionPlan plan = PartitionPlan.draw(swarm, nemesisRandom, size, () -> {
      PaxosNode leader = leader(anyGroup(nemesisRandom));
      return leader == null ? 0 : leader.index;
    });
    Swarm.PartitionKind kind = plan.kind();
    for (int a = 1; a <= size; a++) {
      for (int b = 1; b <= size; b++) {
        network.setBlocked(a, b, plan.blocked()[a][b]);
      }
    }
    long blockedMask = 0;
    StringBuilder links = new StringBuilder();
    for (int a = 1; a <= size; a++) {
      for (int b = 1; b <= size; b++) {
        if (network.isBlocked(a, b)) {
          blockedMask |= 1L << (a * 8 + b);
          links.append(" n").append(a).append("-x->n").append(b);
        }
      }
    }
    trace.record(now(), PARTITION, kind.ordinal(), blockedMask, () -> "partition " + kind + links);
    after(1 + nemesisRandom.nextLong(swarm.partitionMaxMicros), () -> {
      if (!faultsOn) {
        return;
      }
      network.heal();
      network.setFaults(swarm.loss, swarm.duplicate, swarm.reorder, swarm.reorderDelayMicros, swarm.tail);
      trace.record(now(), HEAL, 0, 0, () -> "partition healed");
      after(around(nemesisRandom, swarm.partitionMeanMicros), this::partition);
    });
  }

  private void transfer() {
    if (!faultsOn) {
      return;
    }
    Group g = anyGroup(nemesisRandom);
    PaxosNode leader = leader(g);
    if (leader != null) {
      NodeId target = new NodeId(1 + nemesisRandom.nextInt(size));
      transfers++;
      leader.driver.transferLeadership(g.id, target).whenComplete((result, error) ->
          trace.record(now(), TRANSFER, leader.index, Trace.fold(g.id.value(), target.value()),
              () -> "transfer " + g.id + " " + leader.id + " -> " + target + ": " + (error == null ? result : error)));
    }
    after(around(nemesisRandom, swarm.transferMeanMicros), this::transfer);
  }

  // ---------------------------------------------------------------------------------------------
  // Heal and liveness

  private void heal() {
    faultsOn = false;
    network.heal();
    for (int i = 1; i <= size; i++) {
      restoreWallClock(nodes[i]);
    }
    trace.record(now(), HEAL, 0, 1, () -> "fault phase over: network healed, everyone restarts");
    for (int i = 1; i <= size; i++) {
      if (!nodes[i].up()) {
        restart(nodes[i]);
      }
    }
  }

  private void liveness() {
    long healedAt = now();
    long backlog = backlog();
    long boundMicros =
        swarm.livenessBoundMicros + backlog * swarm.roundTripMicros / swarm.options.maxInflightEntries();
    long deadline = healedAt + boundMicros;
    after(swarm.tickMicros, this::probe);
    runUntil(deadline, () -> groups.stream().allMatch(g -> g.probeDone != null));
    for (Group g : groups) {
      if (g.probeDone == null) {
        throw new SimViolation(Kind.LIVENESS,
            "no command proposed to " + g.id + " after the heal was applied on every node within "
                + boundMicros / 1000 + " ms (" + backlog + " slots behind at the heal)"
                + (g.probe == null ? " (no leader took one)" : "") + describeNodes());
      }
    }
    runUntil(deadline, this::converged);
    if (!converged()) {
      throw new SimViolation(Kind.LIVENESS,
          "nodes did not catch up with the commit point within "
              + boundMicros / 1000 + " ms of the heal (" + backlog + " slots behind at the heal)"
              + describeNodes());
    }
    for (Group g : groups) {
      for (Map.Entry<String, Long> ack : g.acked.entrySet()) {
        for (int i = 1; i <= size; i++) {
          String there = nodes[i].replica(g.id).stateMachine.get(ack.getValue());
          SimViolation.check(ack.getKey().equals(there), Kind.DURABILITY,
              "acknowledged command %s (%s slot %d) is not applied on %s, which has %s there",
              ack.getKey(), g.id, ack.getValue(), nodes[i].id, there);
        }
      }
      // Converged, every node has applied exactly the committed prefix: the same commands.
      PaxosNode.Replica first = nodes[1].replica(g.id);
      for (int i = 2; i <= size; i++) {
        PaxosNode.Replica other = nodes[i].replica(g.id);
        SimViolation.check(other.stateMachine.equals(first.stateMachine), Kind.APPLY,
            "after converging, %s applied %d commands of %s through slot %d but %s applied %d through slot %d",
            nodes[i].id, other.stateMachine.size(), g.id, other.appliedSlot,
            nodes[1].id, first.stateMachine.size(), first.appliedSlot);
      }
      g.checker.checkDurable(nodes);
    }
  }

  /**
   * How far the node furthest behind is from the highest commit point, at the heal, in the group
   * where that is furthest. The leader does not wait for a follower on a slow link: with a small
   * inflight window such a follower falls behind for as long as the fault phase lasts and catches up
   * one window per round trip (seed 5001465: 600 slots behind, one-entry window, 47 ms round trips),
   * so the liveness bound grants that time on top of electing and committing. The groups of a node
   * share its disk and catch up side by side, so this is a lower bound with several groups.
   */
  private long backlog() {
    long worst = 0;
    for (Group g : groups) {
      long highest = g.checker.committed.isEmpty() ? 0 : g.checker.committed.lastKey();
      long furthestBehind = Long.MAX_VALUE;
      for (int i = 1; i <= size; i++) {
        PaxosNode n = nodes[i];
        Status status = n.status(g.id);
        long has = n.replica(g.id).checkedCommit;
        if (status != null) {
          highest = Math.max(highest, status.commit().value());
          has = Math.max(has, status.applied().value());
        }
        furthestBehind = Math.min(furthestBehind, has);
      }
      worst = Math.max(worst, highest - furthestBehind);
    }
    return worst;
  }

  /** Proposes a fresh probe command to each group's leader until one is applied everywhere. */
  private void probe() {
    boolean waiting = false;
    for (Group g : groups) {
      if (g.probeDone != null) {
        continue;
      }
      waiting = true;
      PaxosNode leader = leader(g);
      boolean stale =
          g.probe == null || now() - g.probeProposedAtMicros > 4 * swarm.tickMicros * swarm.options.electionTicks();
      if (leader != null && stale) {
        g.probe = "probe-" + (++nextCommand);
        g.probeProposedAtMicros = now();
        propose(leader, g, g.probe);
      }
    }
    if (waiting) {
      after(swarm.tickMicros, this::probe);
    }
  }

  private boolean converged() {
    for (Group g : groups) {
      long target = 0;
      for (int i = 1; i <= size; i++) {
        Status status = nodes[i].status(g.id);
        if (status == null) {
          return false;
        }
        target = Math.max(target, status.commit().value());
      }
      for (int i = 1; i <= size; i++) {
        if (nodes[i].status(g.id).applied().value() < target) {
          return false;
        }
      }
    }
    return true;
  }

  private String describeNodes() {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= size; i++) {
      PaxosNode n = nodes[i];
      for (Group g : groups) {
        Status status = n.status(g.id);
        out.append("\n    ").append(g.id).append(' ')
            .append(status != null ? status.toString() : n.id + (n.up() ? " not hosting" : " down"))
            .append(" state-machine-through=").append(n.replica(g.id).appliedSlot);
      }
      out.append("\n    ").append(n.id).append(" disk-writes-in-flight=").append(n.disk.inFlight());
    }
    return out.toString();
  }
}
