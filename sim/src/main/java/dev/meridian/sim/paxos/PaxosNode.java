package dev.meridian.sim.paxos;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.sim.clock.SimClock;
import dev.meridian.sim.clock.SimNodeScheduler;
import dev.meridian.truetime.TrueTime;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated machine: its disk ({@link SimPaxosStorage}, what survives a crash), its clocks, and
 * — while it is up — the process on it: the real {@link PaxosDriver} on the node's own event loop
 * ({@link SimNodeScheduler}), hosting a replica of every group, and one state machine per group.
 *
 * <p>State machine: the applied commands by slot (no-ops leave no trace). It is durable on the
 * node's disk ({@link SimPaxosStorage#writeUnsynced}): a restarted process starts from what the disk
 * kept of it, which a crash may have cut back. Snapshot image layout: UTF-8 lines {@code
 * <slot>=<command>\n} in slot order.
 */
final class PaxosNode {

  final int index;
  final NodeId id;
  final SimClock clock;
  final RandomSource random;
  final SimPaxosStorage disk;
  private final Map<GroupId, Replica> replicas = new LinkedHashMap<>();

  // Process (null while down).
  SimNodeScheduler loop;
  PaxosDriver driver;
  TrueTime trueTime;

  /** What the simulator tracks of this node's replica of one group. */
  static final class Replica {
    /** Highest durable commit point whose slots the checker has compared (survives crashes). */
    long checkedCommit;
    /** The state machine of the running process: applied commands by slot. */
    TreeMap<Long, String> stateMachine = new TreeMap<>();
    /** Slot of the last entry applied (or installed by snapshot) by the running process. */
    long appliedSlot;
  }

  PaxosNode(int index, SimClock clock, RandomSource random, SimPaxosStorage disk, List<GroupId> groups) {
    this.index = index;
    this.id = new NodeId(index);
    this.clock = clock;
    this.random = random;
    this.disk = disk;
    for (GroupId group : groups) {
      replicas.put(group, new Replica());
    }
  }

  Replica replica(GroupId group) {
    return replicas.get(group);
  }

  boolean up() {
    return driver != null;
  }

  /** The status of the replica of {@code group}, or null while down or before the driver hosts it. */
  Status status(GroupId group) {
    return up() ? driver.statusOnLoop(group) : null;
  }

  /** The process dies: its tasks stop, its disk loses every write in flight. Returns how many. */
  int crash() {
    loop.kill();
    loop = null;
    driver = null;
    trueTime = null;
    for (Replica replica : replicas.values()) {
      replica.stateMachine = new TreeMap<>();
      replica.appliedSlot = 0;
    }
    return disk.crash();
  }

  static byte[] encode(TreeMap<Long, String> stateMachine) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Long, String> e : stateMachine.entrySet()) {
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
