package dev.meridian.paxos.replica;

import dev.meridian.paxos.driver.InMemoryPaxosStorage;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An in-test cluster of replicas of one group: a disk per node that keeps exactly what the Readys
 * asked to persist, a durable state machine per node (the applied values), a message bus that the
 * test delivers from, drops from and duplicates, and a shared manual clock as true time. It checks
 * safety as it goes:
 *
 * <ul>
 *   <li>at most one value is chosen per slot, judged from persisted acceptances alone;
 *   <li>every replica applies the same value at a slot, each slot once and in order;
 *   <li>leases of different ballots never overlap in true time.
 * </ul>
 */
final class TestCluster {

  static final GroupId GROUP = new GroupId(1);

  /** What survives a crash: the replica's persisted state, and the state machine. */
  static final class Disk {
    final InMemoryPaxosStorage paxos = new InMemoryPaxosStorage();
    /** The state machine, durable with the disk: applied values by slot. */
    final TreeMap<Long, String> stateMachine = new TreeMap<>();
    long appliedSlot;

    Disk(Membership initial) {
      paxos.bootstrap(GROUP, initial);
    }

    DurableState durableState() {
      DurableState persisted = paxos.load(GROUP).orElseThrow();
      return new DurableState(
          persisted.hardState(), persisted.snapshot(), persisted.entries(), Slot.of(appliedSlot));
    }
  }

  static final class Node {
    final NodeId id;
    final Disk disk;
    final TestTrueTime trueTime;
    final RandomSource random;
    PaxosReplica replica;

    Node(NodeId id, Disk disk, TestTrueTime trueTime, RandomSource random) {
      this.id = id;
      this.disk = disk;
      this.trueTime = trueTime;
      this.random = random;
    }
  }

  final ManualClock clock;
  final Options options;
  final Map<NodeId, Node> nodes = new TreeMap<>();
  final List<Envelope> bus = new ArrayList<>();
  /** Nodes in different partition sides cannot talk; empty means healed. */
  final Map<NodeId, Integer> side = new HashMap<>();
  private final RandomSource random;

  // Safety bookkeeping.
  private final Map<Long, Map<Ballot, Set<NodeId>>> acceptors = new HashMap<>();
  private final Map<Long, Map<Ballot, String>> acceptedValue = new HashMap<>();
  final Map<Long, String> chosen = new TreeMap<>();
  final Map<Long, String> applied = new TreeMap<>();
  private final Map<Ballot, long[]> leaseClaims = new HashMap<>();
  int quorumForChosenCheck;
  int snapshotsInstalled;

  TestCluster(Options options, RandomSource random, long startMicros) {
    this.options = options;
    this.random = random;
    this.clock = new ManualClock(startMicros);
  }

  NodeId addNode(int id, Membership initial, long offsetMicros, long epsilonMicros) {
    NodeId nodeId = new NodeId(id);
    Node node =
        new Node(
            nodeId,
            new Disk(initial),
            new TestTrueTime(clock, offsetMicros, epsilonMicros),
            random.fork());
    nodes.put(nodeId, node);
    start(node);
    return nodeId;
  }

  private void start(Node node) {
    node.replica =
        new PaxosReplica(GROUP, node.id, options, node.trueTime, node.random, node.disk.durableState());
  }

  Node node(NodeId id) {
    Node node = nodes.get(id);
    if (node == null) {
      throw new IllegalArgumentException("no node " + id);
    }
    return node;
  }

  PaxosReplica replica(NodeId id) {
    return node(id).replica;
  }

  boolean alive(NodeId id) {
    return node(id).replica != null;
  }

  void crash(NodeId id) {
    node(id).replica = null;
  }

  void restart(NodeId id) {
    Node node = node(id);
    if (node.replica == null) {
      start(node);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Readys

  /** Processes one Ready of {@code id} in the contract's order; returns it, or null if none. */
  Ready processReady(NodeId id) {
    PaxosReplica replica = replica(id);
    if (replica == null || !replica.hasReady()) {
      return null;
    }
    Ready ready = replica.ready();
    persist(id, ready);
    bus.addAll(ready.messages());
    apply(id, ready);
    replica.advance(ready);
    return ready;
  }

  /** Persists {@code ready} but crashes before sending or applying anything. */
  void persistThenCrash(NodeId id) {
    PaxosReplica replica = replica(id);
    if (replica != null && replica.hasReady()) {
      persist(id, replica.ready());
    }
    crash(id);
  }

  private void persist(NodeId id, Ready ready) {
    node(id).disk.paxos.persist(GROUP, ready).join();
    for (Entry entry : ready.entries()) {
      recordAcceptance(id, entry);
    }
  }

  private void recordAcceptance(NodeId id, Entry entry) {
    long slot = entry.slot().value();
    String value = entry.valueString();
    Map<Ballot, String> values = acceptedValue.computeIfAbsent(slot, s -> new HashMap<>());
    String earlier = values.putIfAbsent(entry.ballot(), value);
    check(
        earlier == null || earlier.equals(value),
        "ballot %s proposed two values at slot %d: %s and %s", entry.ballot(), slot, earlier, value);
    Set<NodeId> who =
        acceptors.computeIfAbsent(slot, s -> new HashMap<>()).computeIfAbsent(entry.ballot(), b -> new HashSet<>());
    who.add(id);
    if (quorumForChosenCheck > 0 && who.size() >= quorumForChosenCheck) {
      String before = chosen.putIfAbsent(slot, value);
      check(before == null || before.equals(value),
          "two values chosen at slot %d: %s and %s (ballot %s)", slot, before, value, entry.ballot());
    }
  }

  private void apply(NodeId id, Ready ready) {
    Disk disk = node(id).disk;
    if (ready.snapshotToApply() != null) {
      Snapshot snapshot = ready.snapshotToApply();
      check(snapshot.lastSlot().value() > disk.appliedSlot,
          "%s installs snapshot %s behind its applied slot %d", id, snapshot.lastSlot(), disk.appliedSlot);
      snapshotsInstalled++;
      disk.stateMachine.clear();
      disk.stateMachine.putAll(decode(snapshot.data()));
      disk.appliedSlot = snapshot.lastSlot().value();
      for (Map.Entry<Long, String> e : disk.stateMachine.entrySet()) {
        checkApplied(id, e.getKey(), e.getValue());
      }
    }
    for (Entry entry : ready.committedEntries()) {
      long slot = entry.slot().value();
      check(slot == disk.appliedSlot + 1,
          "%s applies slot %d after %d: not exactly once in order", id, slot, disk.appliedSlot);
      disk.appliedSlot = slot;
      if (entry.kind() != EntryKind.NOOP) {
        disk.stateMachine.put(slot, entry.valueString());
      }
      checkApplied(id, slot, entry.valueString());
    }
  }

  private void checkApplied(NodeId id, long slot, String value) {
    String before = applied.putIfAbsent(slot, value);
    check(before == null || before.equals(value),
        "%s applied %s at slot %d where another replica applied %s", id, value, slot, before);
    String chosenValue = chosen.get(slot);
    check(chosenValue == null || chosenValue.equals(value) || quorumForChosenCheck == 0,
        "%s applied %s at slot %d but %s was chosen", id, value, slot, chosenValue);
  }

  /** Snapshot data: the applied values, "slot=value" lines (no-ops are not stored). */
  static byte[] encode(TreeMap<Long, String> stateMachine, long upTo) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Long, String> e : stateMachine.headMap(upTo, true).entrySet()) {
      out.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  static TreeMap<Long, String> decode(byte[] data) {
    TreeMap<Long, String> result = new TreeMap<>();
    for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        int eq = line.indexOf('=');
        result.put(Long.parseLong(line.substring(0, eq)), line.substring(eq + 1));
      }
    }
    return result;
  }

  void compact(NodeId id) {
    Node node = node(id);
    if (node.replica != null && node.disk.appliedSlot > 0) {
      node.replica.compact(
          Slot.of(node.disk.appliedSlot), encode(node.disk.stateMachine, node.disk.appliedSlot));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  boolean connected(NodeId a, NodeId b) {
    return side.isEmpty() || side.getOrDefault(a, 0).equals(side.getOrDefault(b, 0));
  }

  /** Delivers {@code envelope} if the destination is up and reachable; false if it was lost. */
  boolean deliver(Envelope envelope) {
    PaxosReplica to = nodes.containsKey(envelope.to()) ? replica(envelope.to()) : null;
    if (to == null || !connected(envelope.from(), envelope.to())) {
      return false;
    }
    to.step(envelope.from(), envelope.message());
    return true;
  }

  /** Removes and returns the queued messages matching {@code filter}, in order. */
  List<Envelope> take(Predicate<Envelope> filter) {
    List<Envelope> taken = new ArrayList<>();
    bus.removeIf(e -> {
      if (filter.test(e)) {
        taken.add(e);
        return true;
      }
      return false;
    });
    return taken;
  }

  // ---------------------------------------------------------------------------------------------
  // Leases

  /** Whether the node's replica holds a lease by its own TrueTime; a fenced clock holds none. */
  static boolean holdsLease(Node node) {
    try {
      return node.replica.hasLease(node.trueTime.now());
    } catch (dev.meridian.truetime.ClockUnavailableException fenced) {
      return false;
    }
  }

  /**
   * Records which alive replicas hold a lease now, and checks that leases of two ballots never
   * overlap: no two ballots hold one at the same moment, and per ballot, the true-time span from the
   * first to the last moment a replica of that ballot held the lease must not overlap any other
   * ballot's (they may touch). State and time change only
   * between the harness's actions, so checking after every action sees every moment. (A leader's
   * computed lease end is not the bound: a leader handing over with TimeoutNow gives its lease up
   * early, which is what lets its successor start at once.)
   */
  void checkLeases() {
    long trueNow = clock.wallClockMicros();
    Set<Ballot> holdingNow = new HashSet<>();
    for (Node node : nodes.values()) {
      PaxosReplica replica = node.replica;
      if (replica == null || !holdsLease(node)) {
        continue;
      }
      Ballot ballot = replica.ballot();
      holdingNow.add(ballot);
      check(holdingNow.size() == 1, "two ballots hold a lease at true time %d: %s", trueNow, holdingNow);
      long end = replica.leaseEnd();
      check(trueNow < end, "%s holds a lease ending %d at true time %d", node.id, end, trueNow);
      long[] claim = leaseClaims.computeIfAbsent(ballot, b -> new long[] {trueNow, trueNow});
      claim[0] = Math.min(claim[0], trueNow);
      claim[1] = Math.max(claim[1], trueNow);
      for (Map.Entry<Ballot, long[]> other : leaseClaims.entrySet()) {
        if (other.getKey().equals(ballot)) {
          continue;
        }
        long[] o = other.getValue();
        // Touching is allowed: a leader hands over and its successor starts at the same instant.
        check(claim[1] <= o[0] || o[1] <= claim[0],
            "leases overlap: %s held the lease over [%d, %d] and %s over [%d, %d] in true time",
            ballot, claim[0], claim[1], other.getKey(), o[0], o[1]);
      }
    }
  }

  /** How many distinct ballots have held a lease so far. */
  int leaseHolders() {
    return leaseClaims.size();
  }

  static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new AssertionError(String.format(format, args));
    }
  }
}
