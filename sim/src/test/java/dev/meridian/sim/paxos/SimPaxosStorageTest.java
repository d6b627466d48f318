package dev.meridian.sim.paxos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.storage.mvcc.StorageBusyException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The disk model: latency, submission order, what a crash loses, the queue bound, the planted bug. */
class SimPaxosStorageTest {

  private static final GroupId G = new GroupId(1);

  private final ManualScheduler queue = new ManualScheduler(new ManualClock(1_000_000));
  private final List<String> durable = new ArrayList<>();

  private static final long LEASE_MICROS = 2_000;

  private SimPaxosStorage disk(SimPaxosStorage.Model model, PlantedBug bug) {
    return new SimPaxosStorage(queue, RandomSource.seeded(11), model, bug, LEASE_MICROS,
        (group, ready) -> durable.add(ready.entries().isEmpty() ? "hard " + ready.hardState().commit()
            : ready.entries().getFirst().valueString()));
  }

  private static Ready write(long slot, String value, long commit) {
    Ballot ballot = new Ballot(2, 1);
    Entry entry = Entry.command(Slot.of(slot), ballot, value.getBytes(StandardCharsets.UTF_8));
    return new Ready(null, null, value == null ? List.of() : List.of(entry),
        new HardState(ballot, new LeaseVote(ballot, 5_000), Slot.of(commit)), List.of(), null, List.of());
  }

  @Test
  void writesBecomeDurableAfterTheirLatencyAndInSubmissionOrder() {
    // Wide jitter and slow writes: later writes often draw shorter latencies than earlier ones.
    SimPaxosStorage disk = disk(new SimPaxosStorage.Model(10, 50_000, 0.3, 0), PlantedBug.NONE);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    List<String> completed = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      String value = "v" + i;
      futures.add(disk.persist(G, write(i, value, 0)));
      futures.getLast().thenRun(() -> completed.add(value));
    }
    assertThat(futures).noneMatch(CompletableFuture::isDone);
    assertThat(disk.inFlight()).isEqualTo(20);
    queue.runUntilIdle();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      expected.add("v" + i);
    }
    assertThat(completed).isEqualTo(expected);
    assertThat(durable).as("the durability hook runs in the same order").isEqualTo(expected);
    assertThat(disk.overlappedWrites()).isEqualTo(19);
    assertThat(disk.load(G).orElseThrow().entries()).hasSize(20);
  }

  @Test
  void aCrashLosesEveryWriteInFlightAndKeepsWhatWasDurable() {
    SimPaxosStorage disk = disk(new SimPaxosStorage.Model(1_000, 0, 0, 0), PlantedBug.NONE);
    CompletableFuture<Void> first = disk.persist(G, write(1, "kept", 1));
    queue.runUntilIdle();
    assertThat(first).isDone();
    CompletableFuture<Void> second = disk.persist(G, write(2, "lost", 2));
    CompletableFuture<Void> third = disk.persist(G, write(3, "lost too", 2));
    assertThat(disk.crash()).isEqualTo(2);
    queue.runUntilIdle();
    assertThat(second).isNotDone();
    assertThat(third).isNotDone();
    assertThat(durable).containsExactly("kept");
    var loaded = disk.load(G).orElseThrow();
    assertThat(loaded.entries()).extracting(Entry::valueString).containsExactly("kept");
    assertThat(loaded.hardState().commit()).isEqualTo(Slot.of(1));
    // The next process's writes do not wait for the lost ones.
    CompletableFuture<Void> after = disk.persist(G, write(2, "new", 2));
    queue.runUntilIdle();
    assertThat(after).isDone();
    assertThat(disk.entry(G, 2).valueString()).isEqualTo("new");
  }

  @Test
  void aFullQueueRefusesTheWriteBeforeQueueingIt() {
    SimPaxosStorage disk = disk(new SimPaxosStorage.Model(1_000, 0, 0, 2), PlantedBug.NONE);
    disk.persist(G, write(1, "a", 0));
    disk.persist(G, write(2, "b", 0));
    assertThatThrownBy(() -> disk.persist(G, write(3, "c", 0))).isInstanceOf(StorageBusyException.class);
    assertThat(disk.busyRefusals()).isEqualTo(1);
    queue.runUntilIdle();
    assertThat(durable).containsExactly("a", "b");
    disk.persist(G, write(3, "c", 0));
    queue.runUntilIdle();
    assertThat(durable).containsExactly("a", "b", "c");
  }

  @Test
  void thePlantedBugForgetsThePromiseAndTheLeaseVoteButNotTheCommitPoint() {
    SimPaxosStorage disk = disk(new SimPaxosStorage.Model(1, 0, 0, 0), PlantedBug.FORGET_PROMISE_ON_RESTART);
    disk.persist(G, write(1, "x", 1));
    queue.runUntilIdle();
    HardState loaded = disk.load(G).orElseThrow().hardState();
    assertThat(loaded.promised()).isEqualTo(Ballot.ZERO);
    assertThat(loaded.leaseVote()).isEqualTo(LeaseVote.NONE);
    assertThat(loaded.commit()).isEqualTo(Slot.of(1));
  }

  @Test
  void thePlantedCutShortBugLoadsTheLeaseVoteALeaseDurationShort() {
    SimPaxosStorage disk = disk(new SimPaxosStorage.Model(1, 0, 0, 0), PlantedBug.LEASE_VOTE_CUT_SHORT_ON_RESTART);
    Ready ready = write(1, "x", 1);
    disk.persist(G, ready);
    queue.runUntilIdle();
    HardState loaded = disk.load(G).orElseThrow().hardState();
    assertThat(loaded.promised()).isEqualTo(ready.hardState().promised());
    assertThat(loaded.leaseVote())
        .isEqualTo(new LeaseVote(ready.hardState().leaseVote().ballot(), 5_000 - LEASE_MICROS));
    assertThat(loaded.commit()).isEqualTo(Slot.of(1));
  }

  @Test
  void aWriteIsCommitPointOnlyWhenItMovesNothingButTheCommitPointAndIsRevealedBySendingItsMessages() {
    SimPaxosStorage disk = disk(new SimPaxosStorage.Model(1_000, 0, 0, 0), PlantedBug.NONE);
    disk.persist(G, write(1, "x", 0));
    Message heartbeat = new Message.Heartbeat(G, new Ballot(2, 1), Slot.of(1));
    Ready commitOnly =
        new Ready(null, null, List.of(),
            new HardState(new Ballot(2, 1), new LeaseVote(new Ballot(2, 1), 5_000), Slot.of(1)),
            List.of(new Envelope(new NodeId(1), new NodeId(2), heartbeat)), null, List.of());
    disk.persist(G, commitOnly);

    assertThat(disk.reveal(new Message.Heartbeat(G, new Ballot(2, 1), Slot.of(1))))
        .as("an equal message that is not the Ready's own").isNull();
    SimPaxosStorage.Write revealed = disk.reveal(heartbeat);
    assertThat(revealed.ready).isSameAs(commitOnly);
    assertThat(revealed.commitPointOnly).isTrue();
    assertThat(disk.revealedInFlight()).isEqualTo(1);
    assertThat(disk.crash()).isEqualTo(2);
    assertThat(disk.revealedInFlight()).isZero();
  }
}
