package dev.meridian.sim.paxos;

import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.PaxosReplica;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.sim.clock.SimClock;
import dev.meridian.truetime.TrueTime;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated machine: its disk (what survives a crash), its clocks, and — while it is up — the
 * process on it: a {@link PaxosReplica} and the driver state around it.
 *
 * <h2>Disk</h2>
 *
 * The durable fields hold exactly what completed writes put there, laid out as the paxos package
 * Javadoc says: the hard state, the latest snapshot, accepted entries by slot (a later write of a slot
 * replaces the earlier), and the state machine with its applied slot. A write is one {@link Ready}'s
 * persist section; it becomes durable ("synced") only when its simulated latency has elapsed, and a
 * crash before that loses it whole. The state machine is written durably as entries are applied.
 *
 * <p>State machine: the applied commands by slot (no-ops leave no trace). Snapshot data layout:
 * UTF-8 lines {@code <slot>=<command>\n} in slot order.
 */
final class PaxosNode {

  final int index;
  final NodeId id;
  final SimClock clock;
  final RandomSource random;
  private final long diskMinMicros;
  private final long diskJitterMicros;
  private final double diskSlow;

  // Disk.
  HardState hardState = HardState.INITIAL;
  Snapshot snapshot;
  final TreeMap<Long, Entry> entries = new TreeMap<>();
  TreeMap<Long, String> stateMachine = new TreeMap<>();
  long appliedSlot;

  // Process (null / reset while down).
  PaxosReplica replica;
  TrueTime trueTime;
  /** Bumped on every crash, so a write completing after its process died is recognised as lost. */
  int incarnation;
  /** A Ready's write is in flight: the driver must not take the next Ready until it is synced. */
  boolean writing;
  /** Highest durable commit point whose slots the checker has compared. */
  long checkedCommit;

  PaxosNode(int index, Snapshot initial, SimClock clock, RandomSource random, Swarm swarm) {
    this.index = index;
    this.id = new NodeId(index);
    this.snapshot = initial;
    this.clock = clock;
    this.random = random;
    this.diskMinMicros = swarm.diskMinMicros;
    this.diskJitterMicros = swarm.diskJitterMicros;
    this.diskSlow = swarm.diskSlow;
  }

  boolean up() {
    return replica != null;
  }

  /** How long the next synced write takes. */
  long diskLatencyMicros() {
    long latency = diskMinMicros + random.nextLong(diskJitterMicros + 1);
    return random.chance(diskSlow) ? latency * 20 : latency;
  }

  /** Makes {@code ready}'s persist section durable, in the order {@link Ready} prescribes. */
  void persist(Ready ready) {
    if (ready.snapshot() != null) {
      snapshot = ready.snapshot();
    }
    if (ready.compactThrough() != null) {
      entries.headMap(ready.compactThrough().value(), true).clear();
    }
    for (Entry entry : ready.entries()) {
      entries.put(entry.slot().value(), entry);
    }
    if (ready.hardState() != null) {
      hardState = ready.hardState();
    }
  }

  /**
   * What a restarting process reads back from disk. With {@code forgetPromise} (a planted bug) the
   * promised ballot and the lease vote are not read back.
   */
  DurableState durableState(boolean forgetPromise) {
    HardState hard =
        forgetPromise ? new HardState(Ballot.ZERO, LeaseVote.NONE, hardState.commit()) : hardState;
    return new DurableState(hard, snapshot, List.copyOf(entries.values()), Slot.of(appliedSlot));
  }

  /** The process dies: everything not on disk, including a write in flight, is gone. */
  void crash() {
    replica = null;
    trueTime = null;
    writing = false;
    incarnation++;
  }

  /** Whether the disk holds {@code value} at {@code slot}, or a snapshot that covers it. */
  boolean durablyHolds(long slot, String value) {
    if (snapshot.lastSlot().value() >= slot) {
      return true;
    }
    Entry entry = entries.get(slot);
    return entry != null && entry.valueString().equals(value);
  }

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
}
