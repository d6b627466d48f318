package dev.meridian.paxos.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.HeartbeatBatch;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.Options;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.Entry;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three {@link PaxosDriver}s on one manual scheduler, wired by a network that delivers after 1 ms
 * unless a node is cut off, each with its own in-memory {@link PaxosStorage} that outlives a
 * "restart" (a new driver on the same storage): the driver's contract around the replica.
 */
class PaxosDriverTest {

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final Options OPTIONS = new Options(10, 2, 50_000, 16, 64, 16);
  private static final Membership VOTERS = Membership.ofVoters(new NodeId(1), new NodeId(2), new NodeId(3));

  /** Applied commands as strings, rebuilt from a snapshot of lines. */
  private static final class ListMachine extends VolatileStateMachine {
    final List<String> applied = new ArrayList<>();

    @Override
    protected void applyCommand(Entry command) {
      applied.add(new String(command.data(), StandardCharsets.UTF_8));
    }

    @Override
    protected byte[] image() {
      return String.join("\n", applied).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void restore(byte[] snapshotData) {
      applied.clear();
      String text = new String(snapshotData, StandardCharsets.UTF_8);
      if (!text.isEmpty()) {
        applied.addAll(List.of(text.split("\n")));
      }
    }
  }

  private final ManualClock clock = new ManualClock(1_000_000_000L);
  private final ManualScheduler loop = new ManualScheduler(clock);
  private final TrueTime trueTime = () -> {
    long now = clock.wallClockMicros();
    return new TTInterval(now - 100, now + 100);
  };
  private final PaxosStorage[] storage = new PaxosStorage[4];
  private final PaxosDriver[] drivers = new PaxosDriver[4];
  private final List<Map<GroupId, ListMachine>> machines = new ArrayList<>(List.of(Map.of(), Map.of(), Map.of(), Map.of()));
  private final Set<Integer> cutOff = new HashSet<>();
  private final List<Throwable> fatal = new ArrayList<>();
  private long envelopesSent;
  private long heartbeatBatches;

  private final class TestNetwork implements PaxosDriver.Network {
    @Override
    public void send(Envelope envelope) {
      envelopesSent++;
      route(envelope.from(), envelope.to(), () -> drivers[envelope.to().value()].receive(envelope));
    }

    @Override
    public void send(HeartbeatBatch batch) {
      heartbeatBatches++;
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

  private PaxosDriver.Config config(int maxPending, long compactEvery) {
    return new PaxosDriver.Config(TICK_NANOS, maxPending, compactEvery, TimeUnit.MILLISECONDS.toNanos(1));
  }

  private void startNode(int id, int groups, PaxosDriver.Config config) {
    drivers[id] = new PaxosDriver(new NodeId(id), loop, trueTime, storage[id], new TestNetwork(),
        RandomSource.seeded(id * 7919L), config, fatal::add);
    Map<GroupId, ListMachine> byGroup = new java.util.LinkedHashMap<>();
    for (long g = 1; g <= groups; g++) {
      ListMachine machine = new ListMachine();
      byGroup.put(new GroupId(g), machine);
      await(drivers[id].host(new GroupId(g), OPTIONS, VOTERS, machine));
    }
    machines.set(id, byGroup);
  }

  private void startCluster(int groups, PaxosDriver.Config config) {
    for (int id = 1; id <= 3; id++) {
      storage[id] = new InMemoryPaxosStorage();
      startNode(id, groups, config);
    }
  }

  private void stopNode(int id) {
    drivers[id].close();
    loop.runDue();
    drivers[id] = null;
  }

  private <T> T await(CompletableFuture<T> future) {
    for (int i = 0; i < 100_000 && !future.isDone(); i++) {
      loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertTrue(future.isDone(), "not done within 100 simulated seconds");
    return future.join();
  }

  private int leaderOf(GroupId group) {
    for (int i = 0; i < 10_000; i++) {
      for (int id = 1; id <= 3; id++) {
        if (drivers[id] != null && !cutOff.contains(id)) {
          Status status = await(drivers[id].statuses()).get(group);
          if (status.active()) {
            return id;
          }
        }
      }
      loop.advanceNanos(TICK_NANOS);
    }
    throw new AssertionError("no active leader of " + group);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private void settle() {
    loop.advanceNanos(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void proposalsCompleteOnceAppliedAndEveryReplicaAppliesTheSameLog() {
    startCluster(1, config(100, 0));
    GroupId group = new GroupId(1);
    int leader = leaderOf(group);
    List<CompletableFuture<Slot>> slots = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      slots.add(drivers[leader].propose(group, bytes("c" + i)));
    }
    long previous = 0;
    for (CompletableFuture<Slot> slot : slots) {
      long value = await(slot).value();
      assertTrue(value > previous, "slots increase in proposal order");
      previous = value;
    }
    settle();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("c" + i);
    }
    for (int id = 1; id <= 3; id++) {
      assertEquals(expected, machines.get(id).get(group).applied, "node " + id);
    }
    assertTrue(fatal.isEmpty());
  }

  @Test
  void aFollowerRefusesWithTheLeadersNameAndTheLeaderBoundsWhatIsInFlight() {
    startCluster(1, config(2, 0));
    GroupId group = new GroupId(1);
    int leader = leaderOf(group);
    settle();
    int follower = leader % 3 + 1;
    CompletionException refused =
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
            () -> await(drivers[follower].propose(group, bytes("x"))));
    PaxosDriver.ProposalException notLeader = assertInstanceOf(PaxosDriver.ProposalException.class, refused.getCause());
    assertEquals(new NodeId(leader), notLeader.leaderHint());
    assertTrue(notLeader.retryable());

    CompletableFuture<Slot> first = drivers[leader].propose(group, bytes("a"));
    CompletableFuture<Slot> second = drivers[leader].propose(group, bytes("b"));
    CompletableFuture<Slot> third = drivers[leader].propose(group, bytes("c"));
    loop.runDue();
    assertTrue(third.isCompletedExceptionally(), "a third proposal in flight is refused at once");
    await(first);
    await(second);
    await(drivers[leader].propose(group, bytes("d")));
  }

  @Test
  void heartbeatsOfManyGroupsShareOneMessagePerNodePair() {
    startCluster(20, config(100, 0));
    for (long g = 1; g <= 20; g++) {
      leaderOf(new GroupId(g));
    }
    settle();
    long envelopesBefore = envelopesSent;
    long batchesBefore = heartbeatBatches;
    long heartbeatsBefore = totalMessagesSent() - envelopesBefore;
    loop.advanceNanos(TimeUnit.SECONDS.toNanos(1));
    long batches = heartbeatBatches - batchesBefore;
    long heartbeats = totalMessagesSent() - envelopesSent - heartbeatsBefore;
    // Per tick and directed node pair, however many groups there are: heartbeats, and acks, each
    // leave in at most two batches, one at once and one for those whose Ready waited for a write
    // (100 ticks in the second, 6 directed pairs).
    long ticks = TimeUnit.SECONDS.toNanos(1) / TICK_NANOS;
    assertTrue(batches <= 4 * ticks * 6,
        "20 idle groups: " + heartbeats + " heartbeats travelled in " + batches + " batches");
    assertTrue(heartbeats >= 2 * batches, heartbeats + " heartbeats in " + batches + " batches");
  }

  private long totalMessagesSent() {
    long total = 0;
    for (int id = 1; id <= 3; id++) {
      total += await(drivers[id].counters()).messagesSent();
    }
    return total;
  }

  @Test
  void aRestartedNodeRebuildsItsStateMachineFromSnapshotAndLogAndCatchesUp() {
    startCluster(1, config(100, 8));
    GroupId group = new GroupId(1);
    int leader = leaderOf(group);
    for (int i = 0; i < 30; i++) {
      await(drivers[leader].propose(group, bytes("before-" + i)));
    }
    settle();
    int follower = leader % 3 + 1;
    stopNode(follower);
    for (int i = 0; i < 30; i++) {
      await(drivers[leader].propose(group, bytes("while-down-" + i)));
    }
    startNode(follower, 1, config(100, 8));
    settle();
    List<String> leaderState = machines.get(leader).get(group).applied;
    assertEquals(60, leaderState.size());
    assertEquals(leaderState, machines.get(follower).get(group).applied);
    assertTrue(await(drivers[leader].counters()).compactions() > 0, "the leader compacted its log");
  }

  @Test
  void aFailedSyncedWriteStopsTheNodeAndFailsWhatIsPending() {
    startCluster(1, config(100, 0));
    GroupId group = new GroupId(1);
    int leader = leaderOf(group);
    PaxosStorage healthy = storage[leader];
    RuntimeException diskGone = new RuntimeException("disk gone");
    storage[leader] = new PaxosStorage() {
      @Override
      public CompletableFuture<Void> persist(GroupId g, Ready ready) {
        return CompletableFuture.failedFuture(diskGone);
      }

      @Override
      public Optional<DurableState> load(GroupId g) {
        return healthy.load(g);
      }

      @Override
      public Set<GroupId> groups() {
        return healthy.groups();
      }
    };
    stopNode(leader);
    startNode(leader, 1, config(100, 0));
    // Any Ready that must persist now fails: the node stops, whatever it was doing.
    loop.advanceNanos(TimeUnit.SECONDS.toNanos(2));
    assertEquals(List.of(diskGone), fatal);
    CompletableFuture<Slot> refused = drivers[leader].propose(group, bytes("late"));
    loop.runDue();
    assertTrue(refused.isCompletedExceptionally());
    assertFalse(await(drivers[leader].statuses()).get(group).active());
  }
}
