package dev.meridian.paxos.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.replica.Options;
import dev.meridian.paxos.replica.ProposeResult;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.truetime.TTInterval;
import dev.meridian.truetime.TrueTime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Drivers hosting a durable state machine ({@link DurableListMachine}) on a disk that behaves as one
 * RocksDB does ({@link OrderedLogDisk}: synced Paxos writes and unsynced applies in one ordered log,
 * a crash keeps a prefix): restart from the durable applied slot, crashes that lose applies, chunked
 * snapshot transfers, role and lease reports, unhosting and membership changes. One manual
 * scheduler; messages arrive after 1 ms unless cut off or dropped by the test's filter.
 */
class DurableStateMachineDriverTest {

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final Options OPTIONS = new Options(10, 2, 50_000, 16, 64, 16);
  private static final Membership VOTERS = Membership.ofVoters(new NodeId(1), new NodeId(2), new NodeId(3));
  private static final GroupId GROUP = new GroupId(1);

  private final ManualClock clock = new ManualClock(1_000_000_000L);
  private final ManualScheduler loop = new ManualScheduler(clock);
  private final TrueTime trueTime = () -> {
    long now = clock.wallClockMicros();
    return new TTInterval(now - 100, now + 100);
  };
  private final OrderedLogDisk[] disks = new OrderedLogDisk[5];
  private final PaxosDriver[] drivers = new PaxosDriver[5];
  private final DurableListMachine[] machines = new DurableListMachine[5];
  private final Set<Integer> cutOff = new HashSet<>();
  private final List<Throwable> fatal = new ArrayList<>();
  /** Messages for which it answers true are lost. */
  private Predicate<Envelope> drop = e -> false;
  private PaxosDriver.Config config = config(0, PaxosDriver.SnapshotLimits.defaults());

  private final class TestNetwork implements PaxosDriver.Network {
    @Override
    public void send(Envelope envelope) {
      if (!drop.test(envelope)) {
        route(envelope.from(), envelope.to(), () -> drivers[envelope.to().value()].receive(envelope));
      }
    }

    @Override
    public void send(HeartbeatBatch batch) {
      route(batch.from(), batch.to(), () -> drivers[batch.to().value()].receive(batch));
    }

    private void route(NodeId from, NodeId to, Runnable delivery) {
      loop.schedule(TimeUnit.MILLISECONDS.toNanos(1), () -> {
        if (!cutOff.contains(from.value()) && !cutOff.contains(to.value()) && drivers[to.value()] != null) {
          delivery.run();
        }
      });
    }
  }

  private static PaxosDriver.Config config(long compactEvery, PaxosDriver.SnapshotLimits limits) {
    return new PaxosDriver.Config(TICK_NANOS, 100, compactEvery, TimeUnit.MILLISECONDS.toNanos(1), limits);
  }

  /** Starts a process on node {@code id}: a driver and a machine loaded from what its disk kept. */
  private void startNode(int id, Membership initial) {
    if (disks[id] == null) {
      disks[id] = new OrderedLogDisk();
    }
    drivers[id] = new PaxosDriver(new NodeId(id), loop, trueTime, disks[id], new TestNetwork(),
        RandomSource.seeded(id * 7919L), config, fatal::add);
    machines[id] = new DurableListMachine(GROUP, disks[id]);
    await(drivers[id].host(GROUP, OPTIONS, initial, machines[id]));
  }

  private void startCluster() {
    for (int id = 1; id <= 3; id++) {
      startNode(id, VOTERS);
    }
  }

  /** The process on {@code id} dies; its disk keeps {@code keepUnsynced} of its unsynced writes. */
  private int crash(int id, int keepUnsynced) {
    drivers[id].close();
    drivers[id] = null;
    loop.runDue();
    return disks[id].crash(keepUnsynced);
  }

  private <T> T await(CompletableFuture<T> future) {
    for (int i = 0; i < 100_000 && !future.isDone(); i++) {
      loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertTrue(future.isDone(), "not done within 100 simulated seconds");
    return future.join();
  }

  private int leader() {
    for (int i = 0; i < 10_000; i++) {
      for (int id = 1; id <= 4; id++) {
        if (drivers[id] != null && !cutOff.contains(id)) {
          Status status = await(drivers[id].statuses()).get(GROUP);
          if (status != null && status.active() && status.leaseEndMicros() > 0) {
            return id;
          }
        }
      }
      loop.advanceNanos(TICK_NANOS);
    }
    throw new AssertionError("no active leader");
  }

  private Status status(int id) {
    return await(drivers[id].statuses()).get(GROUP);
  }

  private DriverCounters counters(int id) {
    return await(drivers[id].counters());
  }

  private void propose(int leader, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      await(drivers[leader].propose(GROUP, (prefix + i).getBytes(StandardCharsets.UTF_8)));
    }
  }

  private void settle() {
    loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(500));
  }

  private static int follower(int leader) {
    return leader % 3 + 1;
  }

  @Test
  void aRestartedDurableMachineContinuesFromItsAppliedSlotWithoutReapplying() {
    startCluster();
    int leader = leader();
    propose(leader, "a", 20);
    settle();
    int follower = follower(leader);
    long appliedBefore = machines[follower].applied;
    List<String> before = machines[follower].commands();
    assertEquals(20, before.size());
    // A clean stop: the OS keeps every write.
    crash(follower, Integer.MAX_VALUE);
    startNode(follower, VOTERS);
    assertEquals(appliedBefore, machines[follower].appliedSlot().value(), "read back from the disk");
    assertEquals(before, machines[follower].commands());
    propose(leader, "b", 5);
    settle();
    List<Long> reapplied = machines[follower].appliedSlots;
    assertFalse(reapplied.isEmpty());
    assertTrue(reapplied.getFirst() == appliedBefore + 1,
        "the first entry applied after the restart follows the durable slot " + appliedBefore + ": " + reapplied);
    assertEquals(machines[leader].commands(), machines[follower].commands());
    assertEquals(25, machines[follower].commands().size());
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void aCrashThatLosesUnsyncedAppliesReplaysExactlyTheMissingEntries() {
    startCluster();
    int leader = leader();
    propose(leader, "a", 10);
    settle();
    int follower = follower(leader);
    // Stop the follower the moment it applied new entries, before a later synced write covers them.
    long start = machines[follower].applied;
    for (int i = 0; i < 5; i++) {
      drivers[leader].propose(GROUP, ("b" + i).getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < 1_000 && machines[follower].applied < start + 5; i++) {
      loop.advanceNanos(TimeUnit.MICROSECONDS.toNanos(100));
    }
    long appliedInMemory = machines[follower].applied;
    assertTrue(appliedInMemory > start);
    // Entries reach the follower, their synced write makes everything before them durable; what it
    // applies after the last synced write is lost.
    int lost = crash(follower, 0);
    assertTrue(lost > 0, "some applies were not yet durable");
    long durable = disks[follower].image(GROUP).applied;
    assertTrue(durable < appliedInMemory, "the crash took back applies: durable " + durable + " < " + appliedInMemory);
    startNode(follower, VOTERS);
    settle();
    List<Long> replayed = machines[follower].appliedSlots;
    List<Long> expected = new ArrayList<>();
    for (long s = durable + 1; s <= machines[follower].applied; s++) {
      expected.add(s);
    }
    assertEquals(expected, replayed, "each missing slot once, from the durable one on");
    assertTrue(machines[follower].applied >= appliedInMemory);
    assertEquals(machines[leader].commands(), machines[follower].commands());
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void anApplyKeptByACrashThatLostTheCommitPointWriteRaisesTheCommitPoint() {
    startCluster();
    int leader = leader();
    propose(leader, "a", 3);
    settle();
    int follower = follower(leader);
    // The follower's entries are durable; its next commit-point writes wait in the queue while it
    // applies (Ready's relaxation), and the crash loses them but keeps the applies.
    disks[follower].holdFrom(r -> r.entries().isEmpty() && r.snapshot() == null && r.hardState() != null
        && r.hardState().commit().value() > 3);
    CompletableFuture<Slot> next = drivers[leader].propose(GROUP, "b".getBytes(StandardCharsets.UTF_8));
    long target = await(next).value();
    loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(100));
    long durableCommit = disks[follower].load(GROUP).orElseThrow().hardState().commit().value();
    crash(follower, Integer.MAX_VALUE);
    long durableApplied = disks[follower].image(GROUP).applied;
    startNode(follower, VOTERS);
    assertTrue(durableApplied > durableCommit,
        "the crash kept applies " + durableApplied + " past the durable commit point " + durableCommit);
    assertEquals(1, counters(follower).commitRaisedOnRestart());
    settle();
    assertTrue(machines[follower].applied >= target);
    assertEquals(machines[leader].commands(), machines[follower].commands());
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void aLaggingFollowerReceivesTheSnapshotInManyChunksThroughLossAndARestart() {
    // 40-byte chunks, two in flight: a 60-command image takes dozens of chunks.
    config = config(8, new PaxosDriver.SnapshotLimits(40, 2, 3, 50, 4));
    startCluster();
    int leader = leader();
    propose(leader, "before-", 5);
    settle();
    int follower = follower(leader);
    cutOff.add(follower);
    propose(leader, "while-away-", 60);
    assertTrue(status(leader).snapshotSlot().value() > machines[follower].applied, "the leader compacted past it");
    // Every fifth chunk and every seventh ack is lost once.
    Set<String> droppedOnce = new HashSet<>();
    drop = e -> {
      if (e.message() instanceof Message.SnapshotChunk c && c.seq() % 5 == 4) {
        return droppedOnce.add("c" + c.transferId() + "/" + c.seq());
      }
      if (e.message() instanceof Message.SnapshotChunkAck a && a.nextSeq() % 7 == 6) {
        return droppedOnce.add("a" + a.transferId() + "/" + a.nextSeq());
      }
      return false;
    };
    // The follower comes back, and dies in the middle of the transfer.
    cutOff.remove(follower);
    for (int i = 0; i < 200 && counters(follower).snapshotChunksReceived() < 6; i++) {
      loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertTrue(counters(follower).snapshotChunksReceived() >= 6, "the transfer is under way");
    assertEquals(0, counters(follower).snapshotTransfersReceived());
    crash(follower, Integer.MAX_VALUE);
    startNode(follower, VOTERS);
    loop.advanceNanos(TimeUnit.SECONDS.toNanos(3));
    DriverCounters sent = counters(leader);
    DriverCounters received = counters(follower);
    assertTrue(sent.snapshotChunksSent() >= 20, "many chunks: " + sent.snapshotChunksSent());
    assertTrue(sent.snapshotChunksResent() > 0, "lost chunks were sent again");
    assertTrue(sent.snapshotTransfersRestarted() + sent.snapshotTransfersStarted() >= 2,
        "the interrupted transfer started over");
    assertTrue(received.snapshotTransfersReceived() >= 1);
    assertFalse(machines[follower].installed.isEmpty());
    assertEquals(machines[leader].commands(), machines[follower].commands());
    assertEquals(65, machines[follower].commands().size());
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void aCrashBetweenTheSnapshotsMetadataAndItsInstallInstallsTheStagedImageOnRestart() {
    config = config(8, new PaxosDriver.SnapshotLimits(64, 4, 3, 50, 4));
    startCluster();
    int leader = leader();
    int follower = follower(leader);
    cutOff.add(follower);
    propose(leader, "x", 30);
    cutOff.remove(follower);
    // Stage everything, persist the metadata (synced: the staging is durable with it), then die
    // before the install is durable: the install's own write is unsynced and lost.
    for (int i = 0; i < 2_000 && machines[follower].installed.isEmpty(); i++) {
      loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertFalse(machines[follower].installed.isEmpty());
    long snapshotSlot = machines[follower].installed.getFirst();
    crash(follower, 0);
    OrderedLogDisk.Image kept = disks[follower].image(GROUP);
    assertTrue(kept.applied < snapshotSlot && kept.stagingFinished && kept.stagingSlot == snapshotSlot,
        "the crash left the machine behind its staged snapshot");
    startNode(follower, VOTERS);
    assertEquals(List.of(snapshotSlot), machines[follower].installed, "installed again from the staging");
    settle();
    assertEquals(machines[leader].commands(), machines[follower].commands());
    assertTrue(fatal.isEmpty(), fatal.toString());
  }

  @Test
  void theMachineHearsOfLeadershipAndLeaseChangesAndOfTheirEnd() {
    startCluster();
    int leader = leader();
    settle();
    List<RoleChange> seen = machines[leader].roleChanges;
    RoleChange.BecameLeader became = assertInstanceOf(RoleChange.BecameLeader.class, seen.getFirst());
    assertEquals(status(leader).promised(), became.ballot());
    assertTrue(became.leaseEndMicros() > 0);
    assertTrue(seen.stream().anyMatch(c -> c instanceof RoleChange.LeaseExtended e
        && e.leaseEndMicros() > became.leaseEndMicros()), "the lease was extended: " + seen);
    for (int id = 1; id <= 3; id++) {
      if (id != leader) {
        assertTrue(machines[id].roleChanges.isEmpty(), "a follower leads nothing");
      }
    }
    int target = follower(leader);
    assertInstanceOf(ProposeResult.TransferStarted.class,
        await(drivers[leader].transferLeadership(GROUP, new NodeId(target))));
    settle();
    assertEquals(new RoleChange.LostLeadership(became.ballot()), seen.getLast());
    RoleChange.BecameLeader next =
        assertInstanceOf(RoleChange.BecameLeader.class, machines[target].roleChanges.getFirst());
    assertTrue(next.ballot().isAbove(became.ballot()));
    assertTrue(next.leaseEndMicros() > 0);
    assertFalse(became.afterTransfer(), "the first leader was elected");
    assertEquals(became.ballot(), next.transferredFrom(), "the target did not wait out the lease it was handed");
  }

  @Test
  void unhostingStopsTheGroupFailsWhatIsPendingAndAReHostCatchesUp() {
    startCluster();
    int leader = leader();
    propose(leader, "a", 5);
    CompletableFuture<Slot> inFlight = drivers[leader].propose(GROUP, "late".getBytes(StandardCharsets.UTF_8));
    assertTrue(await(drivers[leader].unhost(GROUP)));
    CompletionException failed = assertThrows(CompletionException.class, inFlight::join);
    assertFalse(assertInstanceOf(PaxosDriver.ProposalException.class, failed.getCause()).retryable(),
        "its outcome is unknown");
    assertInstanceOf(RoleChange.LostLeadership.class, machines[leader].roleChanges.getLast());
    assertNull(status(leader));
    assertFalse(await(drivers[leader].unhost(GROUP)), "not hosted any more");
    int newLeader = leader();
    propose(newLeader, "b", 5);
    machines[leader] = new DurableListMachine(GROUP, disks[leader]);
    await(drivers[leader].host(GROUP, OPTIONS, VOTERS, machines[leader]));
    settle();
    assertEquals(machines[newLeader].commands(), machines[leader].commands());
    assertTrue(machines[leader].commands().size() >= 10);
  }

  @Test
  void aLearnerJoinsCatchesUpByChunkedSnapshotIsPromotedAndAVoterIsRemoved() {
    config = config(8, new PaxosDriver.SnapshotLimits(64, 2, 3, 50, 4));
    startCluster();
    int leader = leader();
    propose(leader, "a", 30);
    startNode(4, null);
    NodeId four = new NodeId(4);
    await(drivers[leader].addLearner(GROUP, four));
    settle();
    assertTrue(status(4).membership().isLearner(four));
    assertEquals(machines[leader].commands(), machines[4].commands());
    assertTrue(counters(4).snapshotTransfersReceived() >= 1, "it caught up from a snapshot");
    await(drivers[leader].promoteToVoter(GROUP, four));
    int removed = follower(leader);
    await(drivers[leader].removeVoter(GROUP, new NodeId(removed)));
    settle();
    Membership now = status(leader).membership();
    assertTrue(now.isVoter(four));
    assertFalse(now.contains(new NodeId(removed)));
    assertEquals(3, now.voters().size());
    cutOff.add(removed);
    propose(leader, "b", 5);
    settle();
    assertEquals(machines[leader].commands(), machines[4].commands());
    assertTrue(fatal.isEmpty(), fatal.toString());
  }
}
