package dev.meridian.sim.paxos;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.replica.PaxosReplica;
import dev.meridian.paxos.replica.ProposeResult;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.sim.SimViolation;
import dev.meridian.sim.SimViolation.Kind;
import dev.meridian.sim.Trace;
import dev.meridian.sim.clock.SimClock;
import dev.meridian.sim.net.SimNetwork;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One seeded run of a Multi-Paxos group of 3 or 5 voters on simulated machines. Everything happens
 * on one virtual-time event queue ({@link ManualScheduler}); every random choice — fault parameters,
 * latencies, crash times, clock errors, election timeouts, the workload — comes from the seed, so
 * one seed is one trace.
 *
 * <h2>A run</h2>
 *
 * <ol>
 *   <li><b>Fault phase</b> (length drawn from the seed): the workload proposes commands with unique
 *       ids to whichever node it believes leads; the network loses, duplicates, delays and reorders
 *       messages and is cut by partitions; nodes crash (losing unsynced writes) and restart; leaders
 *       are asked to hand over; clocks drift and are disciplined within the TrueTime bound.
 *   <li><b>Heal</b>: partitions and link faults end, every crashed node restarts, the nemesis stops.
 *   <li><b>Liveness</b>: within {@link Swarm#livenessBoundMicros} a leader must emerge, a fresh
 *       command proposed to it must be applied on every node, and every node must catch up with the
 *       commit point; then every acknowledged command must be applied on every node.
 * </ol>
 *
 * <h2>The driver</h2>
 *
 * Per node, exactly the {@link Ready} contract: take a Ready; if it has anything to persist, write it
 * to the simulated disk and wait until the write is synced (other inputs keep arriving meanwhile, but
 * no next Ready is taken); then send its messages, apply its committed entries, and {@code advance}.
 * A crash while the write is in flight loses the write and everything after it.
 *
 * <p>Safety is checked as the run goes ({@link PaxosChecker}); the first violation ends the run.
 */
public final class PaxosSimulation {

  static final GroupId GROUP = new GroupId(1);
  static final long START_MICROS = 1_700_000_000_000_000L;

  // Trace event kinds of the driver and nemesis (the network's are 1..4).
  static final int TICK = 10;
  static final int PERSIST = 11;
  static final int CRASH = 12;
  static final int RESTART = 13;
  static final int PROPOSE = 14;
  static final int PARTITION = 15;
  static final int HEAL = 16;
  static final int TRANSFER = 17;
  static final int APPLY = 18;
  static final int COMPACT = 19;
  static final int WRITE_LOST = 20;

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
  private final SimNetwork<Message> network;
  private final PaxosNode[] nodes;
  private final PaxosChecker checker;
  private final RandomSource nemesisRandom;
  private final RandomSource workloadRandom;

  private boolean faultsOn = true;
  private long crashes;
  private long restarts;
  private long partitions;
  private long transfers;
  private long writesLost;

  // Workload.
  private long nextCommand;
  private int leaderGuess;
  /** Per node: slot -> the command proposed there and when; the client's outstanding requests. */
  private final List<Map<Long, Pending>> pending = new ArrayList<>();
  private final Map<String, Long> acked = new TreeMap<>();
  private long proposals;

  // Liveness probe.
  private String probe;
  private long probeProposedAtMicros;
  private final Map<String, Set<Integer>> probeAppliedOn = new HashMap<>();
  private String probeDone;

  private record Pending(String command, long proposedAtMicros) {}

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
        new SimNetwork<>(size, scheduler, networkRandom, trace, this::receive, Fingerprints::of);
    for (int from = 1; from <= size; from++) {
      for (int to = 1; to <= size; to++) {
        long base =
            swarm.minLatencyMicros
                + networkRandom.nextLong(swarm.maxLatencyMicros - swarm.minLatencyMicros + 1);
        network.setLink(from, to, new SimNetwork.LinkProfile(base, swarm.jitterMicros));
      }
    }
    network.setFaults(swarm.loss, swarm.duplicate, swarm.reorder, swarm.reorderDelayMicros, swarm.tail);
    List<NodeId> voters = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      voters.add(new NodeId(i));
    }
    Snapshot initial = Snapshot.initial(new Membership(voters, List.of()));
    this.nodes = new PaxosNode[size + 1];
    this.checker = new PaxosChecker(size);
    pending.add(null);
    for (int i = 1; i <= size; i++) {
      RandomSource nodeRandom = clockRandom.fork();
      long base = swarm.baseUncertaintyMicros;
      long offset =
          swarm.edgeOffsets
              ? (nodeRandom.chance(0.5) ? base / 2 : -(base / 2))
              : nodeRandom.nextLong(2 * (base / 2) + 1) - base / 2;
      long drift = swarm.maxDriftPpm == 0 ? 0 : nodeRandom.nextLong(2 * swarm.maxDriftPpm + 1) - swarm.maxDriftPpm;
      SimClock clock =
          new SimClock(truth, base, offset, drift, nodeRandom.fork(),
              bug == PlantedBug.LEASE_WAIT_IGNORES_UNCERTAINTY);
      nodes[i] = new PaxosNode(i, initial, clock, nodeRandom.fork(), swarm);
      pending.add(new TreeMap<>());
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
    for (int i = 1; i <= size; i++) {
      PaxosNode n = nodes[i];
      trace.record(now(), 0, i, Trace.fold(n.appliedSlot, n.hardState.commit().value()), () -> "final " + n.id);
    }
    String summary =
        String.format(
            "simulated=%dms events=%d chosen=%d committed=%d proposals=%d acked=%d lease-ballots=%d"
                + " crashes=%d restarts=%d writes-lost=%d partitions=%d transfers=%d snapshots-installed=%d | %s",
            (now() - START_MICROS) / 1000, trace.events(), checker.chosen.size(),
            checker.committed.size(), proposals, acked.size(), checker.leaseHolders(), crashes,
            restarts, writesLost, partitions, transfers, checker.snapshotsInstalled, network.stats());
    return new Result(seed, size, bug, violation, trace.hash(), trace.events(), now() - START_MICROS,
        swarm.toString(), summary, trace.tail());
  }

  private long now() {
    return truth.wallClockMicros();
  }

  private void runUntil(long untilMicros, java.util.function.BooleanSupplier done) {
    long untilNanos = truth.monotonicNanos() + (untilMicros - now()) * 1_000;
    while (!done.getAsBoolean() && scheduler.nextDeadlineNanos() <= untilNanos) {
      scheduler.runNext();
      checker.checkLeases(now(), nodes);
    }
  }

  private void after(long micros, Runnable task) {
    scheduler.schedule(Math.max(0, micros) * 1_000, task);
  }

  /** A delay drawn uniformly from (0, 2·mean]: a Poisson-ish process with that mean. */
  private static long around(RandomSource r, long meanMicros) {
    return 1 + r.nextLong(2 * meanMicros);
  }

  // ---------------------------------------------------------------------------------------------
  // Set-up and the per-node loops

  private void start() {
    for (int i = 1; i <= size; i++) {
      PaxosNode n = nodes[i];
      startProcess(n);
      // Nodes do not boot in lock-step: stagger the first tick and the clock discipline.
      after(1 + n.random.nextLong(swarm.tickMicros), () -> tick(n));
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
  }

  private void startProcess(PaxosNode n) {
    n.trueTime = n.clock.newTrueTime();
    n.replica =
        new PaxosReplica(
            GROUP, n.id, swarm.options, n.trueTime, n.random.fork(),
            n.durableState(bug == PlantedBug.FORGET_PROMISE_ON_RESTART));
    pump(n);
  }

  private void tick(PaxosNode n) {
    if (n.up()) {
      trace.record(now(), TICK, n.index, 0, () -> "tick " + n.id);
      n.replica.tick();
      pump(n);
    }
    after(n.clock.trueMicrosFor(swarm.tickMicros), () -> tick(n));
  }

  private void discipline(PaxosNode n) {
    n.clock.discipline();
    after(SimClock.DISCIPLINE_PERIOD_MICROS, () -> discipline(n));
  }

  private void receive(int from, int to, Message message) {
    PaxosNode n = nodes[to];
    if (n.up()) {
      n.replica.step(new NodeId(from), message);
      pump(n);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The driver: persist, then send, then apply, then advance.

  private void pump(PaxosNode n) {
    while (n.up() && !n.writing && n.replica.hasReady()) {
      Ready ready = n.replica.ready();
      if (!ready.mustPersist()) {
        finish(n, ready);
        continue;
      }
      n.writing = true;
      int incarnation = n.incarnation;
      after(n.diskLatencyMicros(), () -> synced(n, incarnation, ready));
      return;
    }
  }

  private void synced(PaxosNode n, int incarnation, Ready ready) {
    if (n.incarnation != incarnation) {
      writesLost++;
      trace.record(now(), WRITE_LOST, n.index, 0, () -> "write lost in crash " + n.id);
      return;
    }
    n.persist(ready);
    trace.record(now(), PERSIST, n.index, persistFingerprint(ready), () -> "synced " + n.id + " " + describePersist(ready));
    checker.onPersisted(n, ready);
    n.writing = false;
    finish(n, ready);
    pump(n);
  }

  private void finish(PaxosNode n, Ready ready) {
    for (Envelope envelope : ready.messages()) {
      if (envelope.message() instanceof Message.TimeoutNow handOver) {
        checker.onHandOver(handOver.ballot());
      }
      network.send(envelope.from().value(), envelope.to().value(), envelope.message());
    }
    if (ready.snapshotToApply() != null) {
      Snapshot snapshot = ready.snapshotToApply();
      TreeMap<Long, String> contents = PaxosNode.decode(snapshot.data());
      checker.onInstallSnapshot(n, snapshot, contents);
      n.stateMachine = contents;
      n.appliedSlot = snapshot.lastSlot().value();
      trace.record(now(), APPLY, n.index, Fingerprints.snapshot(snapshot), () -> "install " + n.id + " " + snapshot);
    }
    for (Entry entry : ready.committedEntries()) {
      checker.onApply(n, entry);
      n.appliedSlot = entry.slot().value();
      if (entry.kind() == EntryKind.COMMAND) {
        n.stateMachine.put(n.appliedSlot, entry.valueString());
      }
      trace.record(now(), APPLY, n.index, Fingerprints.entry(entry), () -> "apply " + n.id + " " + entry);
      onApplied(n, entry);
    }
    n.replica.advance(ready);
    if (swarm.compactEvery > 0
        && n.appliedSlot - n.replica.status().snapshotSlot().value() >= swarm.compactEvery) {
      long upTo = n.appliedSlot;
      n.replica.compact(Slot.of(upTo), PaxosNode.encode(n.stateMachine, upTo));
      trace.record(now(), COMPACT, n.index, upTo, () -> "compact " + n.id + " through " + upTo);
    }
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
    return h;
  }

  private static String describePersist(Ready ready) {
    return (ready.hardState() == null ? "" : "[" + ready.hardState() + "] ")
        + (ready.entries().isEmpty() ? "" : ready.entries() + " ")
        + (ready.snapshot() == null ? "" : ready.snapshot().toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Workload

  private void workload() {
    if (!faultsOn) {
      return;
    }
    PaxosNode target = nodes[leaderGuess];
    if (target == null || !target.up() || workloadRandom.chance(0.1)) {
      target = nodes[1 + workloadRandom.nextInt(size)];
    }
    if (target.up() && outstanding() < swarm.clientConcurrency) {
      propose(target, "c" + (++nextCommand));
    }
    after(around(workloadRandom, swarm.proposeMeanMicros), this::workload);
  }

  /**
   * Requests the client still waits for. Like a real client it gives up on one after a timeout (its
   * command may still commit later); without the bound a partitioned leader would pile up a backlog
   * that no liveness bound could be fair about.
   */
  private int outstanding() {
    int count = 0;
    for (int i = 1; i <= size; i++) {
      pending.get(i).values().removeIf(p -> now() - p.proposedAtMicros() > swarm.clientTimeoutMicros);
      count += pending.get(i).size();
    }
    return count;
  }

  private ProposeResult propose(PaxosNode n, String command) {
    var status = n.replica.status();
    if (status.lastSlot().value() - status.commit().value() >= swarm.proposalQuota) {
      trace.record(now(), PROPOSE, n.index, -2, () -> "propose " + n.id + " " + command + " -> over quota");
      return new ProposeResult.NotReady("over the proposal quota");
    }
    proposals++;
    checker.onProposed(command);
    ProposeResult result = n.replica.propose(command.getBytes(StandardCharsets.UTF_8));
    trace.record(now(), PROPOSE, n.index, result instanceof ProposeResult.Proposed p ? p.slot().value() : -1,
        () -> "propose " + n.id + " " + command + " -> " + result);
    switch (result) {
      case ProposeResult.Proposed p -> pending.get(n.index).put(p.slot().value(), new Pending(command, now()));
      case ProposeResult.NotLeader nl -> leaderGuess = nl.leaderHint() == null ? 0 : nl.leaderHint().value();
      default -> {}
    }
    pump(n);
    return result;
  }

  /** The client's view: a command is acknowledged when the node it was proposed to applies it. */
  private void onApplied(PaxosNode n, Entry entry) {
    long slot = entry.slot().value();
    Pending waiting = pending.get(n.index).remove(slot);
    String value = entry.valueString();
    if (waiting != null && waiting.command().equals(value)) {
      acked.put(value, slot);
    }
    if (value.startsWith("probe-")) {
      Set<Integer> on = probeAppliedOn.computeIfAbsent(value, v -> new HashSet<>());
      on.add(n.index);
      if (on.size() == size && probeDone == null) {
        probeDone = value;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Nemesis

  /** The up node leading at the highest ballot, or null. */
  private PaxosNode leader() {
    PaxosNode best = null;
    for (int i = 1; i <= size; i++) {
      PaxosNode n = nodes[i];
      if (n.up() && n.replica.isActiveLeader()
          && (best == null || n.replica.ballot().isAbove(best.replica.ballot()))) {
        best = n;
      }
    }
    return best;
  }

  private PaxosNode victim() {
    PaxosNode leader = leader();
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
    trace.record(now(), CRASH, n.index, n.writing ? 1 : 0, () -> "crash " + n.id + (n.writing ? " (write in flight)" : ""));
    if (n.replica.isActiveLeader()) {
      checker.onLeaderCrash(n.replica.ballot());
    }
    n.crash();
    pending.get(n.index).clear();
    checker.checkDurable(nodes);
  }

  private void restart(PaxosNode n) {
    restarts++;
    trace.record(now(), RESTART, n.index, 0, () -> "restart " + n.id + " from " + n.hardState);
    startProcess(n);
  }

  private void partition() {
    if (!faultsOn) {
      return;
    }
    partitions++;
    Swarm.PartitionKind kind =
        swarm.partitionKinds.get(nemesisRandom.nextInt(swarm.partitionKinds.size()));
    int[] side = new int[size + 1];
    switch (kind) {
      case MINORITY -> {
        int cut = 1 + nemesisRandom.nextInt(size / 2);
        PaxosNode leader = leader();
        if (leader != null && nemesisRandom.chance(swarm.targetLeader)) {
          side[leader.index] = 1;
          cut--;
        }
        for (int attempt = 0; cut > 0 && attempt < 100; attempt++) {
          int i = 1 + nemesisRandom.nextInt(size);
          if (side[i] == 0) {
            side[i] = 1;
            cut--;
          }
        }
      }
      case RANDOM_SPLIT -> {
        for (int i = 1; i <= size; i++) {
          side[i] = nemesisRandom.nextInt(2);
        }
      }
      case BRIDGE -> {
        // Side 0 and side 1 are cut off from each other; the bridge (side 2) talks to both.
        int bridge = 1 + nemesisRandom.nextInt(size);
        for (int i = 1; i <= size; i++) {
          side[i] = i == bridge ? 2 : nemesisRandom.nextInt(2);
        }
      }
      case ONE_WAY -> {
        int links = 1 + nemesisRandom.nextInt(size);
        for (int k = 0; k < links; k++) {
          int from = 1 + nemesisRandom.nextInt(size);
          int to = 1 + nemesisRandom.nextInt(size);
          network.setBlocked(from, to, true);
        }
      }
    }
    if (kind != Swarm.PartitionKind.ONE_WAY) {
      for (int a = 1; a <= size; a++) {
        for (int b = 1; b <= size; b++) {
          boolean cut = side[a] != side[b] && side[a] != 2 && side[b] != 2;
          network.setBlocked(a, b, cut);
        }
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
    PaxosNode leader = leader();
    if (leader != null) {
      NodeId target = new NodeId(1 + nemesisRandom.nextInt(size));
      ProposeResult result = leader.replica.transferLeadership(target);
      transfers++;
      trace.record(now(), TRANSFER, leader.index, target.value(), () -> "transfer " + leader.id + " -> " + target + ": " + result);
      pump(leader);
    }
    after(around(nemesisRandom, swarm.transferMeanMicros), this::transfer);
  }

  // ---------------------------------------------------------------------------------------------
  // Heal and liveness

  private void heal() {
    faultsOn = false;
    network.heal();
    trace.record(now(), HEAL, 0, 1, () -> "fault phase over: network healed, everyone restarts");
    for (int i = 1; i <= size; i++) {
      if (!nodes[i].up()) {
        restart(nodes[i]);
      }
    }
  }

  private void liveness() {
    long healedAt = now();
    long deadline = healedAt + swarm.livenessBoundMicros;
    after(swarm.tickMicros, this::probe);
    runUntil(deadline, () -> probeDone != null);
    if (probeDone == null) {
      throw new SimViolation(Kind.LIVENESS,
          "no command proposed after the heal was applied on every node within "
              + swarm.livenessBoundMicros / 1000 + " ms" + (probe == null ? " (no leader took one)" : "")
              + describeNodes());
    }
    runUntil(deadline, this::converged);
    if (!converged()) {
      throw new SimViolation(Kind.LIVENESS,
          "nodes did not catch up with the commit point within "
              + swarm.livenessBoundMicros / 1000 + " ms of the heal" + describeNodes());
    }
    for (Map.Entry<String, Long> ack : acked.entrySet()) {
      for (int i = 1; i <= size; i++) {
        String there = nodes[i].stateMachine.get(ack.getValue());
        SimViolation.check(ack.getKey().equals(there), Kind.DURABILITY,
            "acknowledged command %s (slot %d) is not applied on %s, which has %s there",
            ack.getKey(), ack.getValue(), nodes[i].id, there);
      }
    }
    checker.checkDurable(nodes);
  }

  /** Proposes a fresh probe command to the leader until one is applied everywhere. */
  private void probe() {
    if (probeDone != null) {
      return;
    }
    PaxosNode leader = leader();
    boolean stale = probe == null || now() - probeProposedAtMicros > 4 * swarm.tickMicros * swarm.options.electionTicks();
    if (leader != null && stale) {
      String command = "probe-" + (++nextCommand);
      if (propose(leader, command) instanceof ProposeResult.Proposed) {
        probe = command;
        probeProposedAtMicros = now();
      }
    }
    after(swarm.tickMicros, this::probe);
  }

  private boolean converged() {
    long target = 0;
    for (int i = 1; i <= size; i++) {
      if (!nodes[i].up()) {
        return false;
      }
      target = Math.max(target, nodes[i].replica.status().commit().value());
    }
    for (int i = 1; i <= size; i++) {
      if (nodes[i].appliedSlot < target) {
        return false;
      }
    }
    return true;
  }

  private String describeNodes() {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= size; i++) {
      PaxosNode n = nodes[i];
      out.append("\n    ").append(n.up() ? n.replica.toString() : n.id + " down")
          .append(" disk-applied=").append(n.appliedSlot);
    }
    return out.toString();
  }
}
