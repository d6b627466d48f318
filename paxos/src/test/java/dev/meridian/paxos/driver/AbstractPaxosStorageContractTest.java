package dev.meridian.paxos.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.paxos.codec.PaxosGen;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link PaxosStorage}, shared by every implementation (Ignite's abstract storage
 * tests are the model): what {@link PaxosStorage#load} returns after a sequence of persists.
 * Durable implementations override {@link #reopen} so every check also runs on recovered state.
 */
public abstract class AbstractPaxosStorageContractTest {

  protected static final Membership VOTERS =
      Membership.ofVoters(new NodeId(1), new NodeId(2), new NodeId(3));
  protected static final GroupId G = new GroupId(42);

  protected abstract PaxosStorage newStorage();

  /** The same storage after a clean restart; the in-memory one returns itself. */
  protected PaxosStorage reopen(PaxosStorage storage) {
    return storage;
  }

  // ------------------------------------------------------------------------------- helpers

  protected static Ready persistOnly(Snapshot snapshot, Slot compactThrough, List<Entry> entries, HardState hardState) {
    return new Ready(snapshot, compactThrough, entries, hardState, List.of(), null, List.of());
  }

  protected static Entry command(long slot, long round, String value) {
    return Entry.command(Slot.of(slot), new Ballot(round, 1), value.getBytes(StandardCharsets.UTF_8));
  }

  protected static HardState hard(long round, long leaseEnd, long commit) {
    Ballot ballot = new Ballot(round, 2);
    return new HardState(ballot, new LeaseVote(ballot, leaseEnd), Slot.of(commit));
  }

  protected static void persist(PaxosStorage storage, GroupId group, Ready ready) {
    storage.persist(group, ready).orTimeout(30, TimeUnit.SECONDS).join();
  }

  protected static List<Entry> sorted(List<Entry> entries) {
    List<Entry> out = new ArrayList<>(entries);
    out.sort(Comparator.comparing(Entry::slot));
    return out;
  }

  private DurableState loadAfterReopen(PaxosStorage[] storage, GroupId group) {
    storage[0] = reopen(storage[0]);
    return storage[0].load(group).orElseThrow();
  }

  private static void assertSnapshot(Snapshot actual, Snapshot expected) {
    assertThat(PaxosGen.same(actual, expected)).as("snapshot %s, expected %s", actual, expected).isTrue();
  }

  // --------------------------------------------------------------------------------- tests

  @Test
  void nothingIsStoredForAnUnknownGroup() {
    PaxosStorage storage = newStorage();
    assertThat(storage.load(G)).isEmpty();
    assertThat(storage.groups()).isEmpty();
  }

  @Test
  void aReadyWithNothingToPersistCompletesAndStoresNothing() {
    PaxosStorage storage = newStorage();
    persist(storage, G, persistOnly(null, null, List.of(), null));
    assertThat(storage.load(G)).isEmpty();
    assertThat(storage.groups()).isEmpty();
  }

  @Test
  void hardStateAndEntriesRoundTrip() {
    PaxosStorage[] storage = {newStorage()};
    List<Entry> entries =
        List.of(command(1, 3, "a"), Entry.noop(Slot.of(2), new Ballot(3, 1)),
            Entry.confChange(Slot.of(3), new Ballot(3, 1), ConfChange.addLearner(new NodeId(9))),
            command(4, 3, ""));
    persist(storage[0], G, persistOnly(null, null, entries, hard(3, 5_000_000, 2)));

    DurableState state = loadAfterReopen(storage, G);
    assertThat(state.hardState()).isEqualTo(hard(3, 5_000_000, 2));
    assertThat(sorted(state.entries())).containsExactlyElementsOf(entries);
    assertSnapshot(state.snapshot(), Snapshot.initial(Membership.EMPTY));
    assertThat(state.applied()).isEqualTo(Slot.NONE);
  }

  @Test
  void bootstrapPersistsTheInitialMembership() {
    PaxosStorage[] storage = {newStorage()};
    storage[0].bootstrap(G, VOTERS).join();
    DurableState state = loadAfterReopen(storage, G);
    assertSnapshot(state.snapshot(), Snapshot.initial(VOTERS));
    assertThat(state.hardState()).isEqualTo(HardState.INITIAL);
    assertThat(state.entries()).isEmpty();
    assertThat(state.applied()).isEqualTo(Slot.NONE);
  }

  @Test
  void aLaterHardStateReplacesTheEarlierAndNoneKeepsIt() {
    PaxosStorage[] storage = {newStorage()};
    persist(storage[0], G, persistOnly(null, null, List.of(), hard(1, 100, 0)));
    persist(storage[0], G, persistOnly(null, null, List.of(), hard(7, 900, 0)));
    persist(storage[0], G, persistOnly(null, null, List.of(command(1, 7, "x")), null));
    DurableState state = loadAfterReopen(storage, G);
    assertThat(state.hardState()).isEqualTo(hard(7, 900, 0));
    assertThat(state.entries()).containsExactly(command(1, 7, "x"));
  }

  @Test
  void aLaterWriteOfASlotReplacesTheEarlier() {
    PaxosStorage[] storage = {newStorage()};
    persist(storage[0], G, persistOnly(null, null, List.of(command(1, 1, "old"), command(2, 1, "keep")), hard(1, 0, 0)));
    persist(storage[0], G, persistOnly(null, null, List.of(command(1, 4, "new")), hard(4, 0, 0)));
    DurableState state = loadAfterReopen(storage, G);
    assertThat(sorted(state.entries())).containsExactly(command(1, 4, "new"), command(2, 1, "keep"));
  }

  @Test
  void compactionDropsSlotsThroughTheSnapshotAndKeepsEntriesWrittenWithIt() {
    PaxosStorage[] storage = {newStorage()};
    storage[0].bootstrap(G, VOTERS).join();
    List<Entry> first = LongStream.rangeClosed(1, 10).mapToObj(s -> command(s, 1, "v" + s)).toList();
    persist(storage[0], G, persistOnly(null, null, first, hard(1, 0, 10)));
    Snapshot snapshot = new Snapshot(Slot.of(6), VOTERS, "state@6".getBytes(StandardCharsets.UTF_8));
    persist(storage[0], G, persistOnly(snapshot, Slot.of(6), List.of(command(11, 1, "v11")), hard(1, 0, 11)));

    DurableState state = loadAfterReopen(storage, G);
    assertSnapshot(state.snapshot(), snapshot);
    assertThat(state.applied()).isEqualTo(Slot.of(6));
    assertThat(sorted(state.entries()).stream().map(e -> e.slot().value()).toList())
        .containsExactly(7L, 8L, 9L, 10L, 11L);
    assertThat(state.hardState()).isEqualTo(hard(1, 0, 11));
  }

  @Test
  void entriesAtOrBelowASnapshotAreNotRecovered() {
    // A snapshot installed from a leader, compacting only through itself: an entry the same Ready
    // writes at its slot is below what the replica restarts from.
    PaxosStorage[] storage = {newStorage()};
    Snapshot snapshot = new Snapshot(Slot.of(5), VOTERS, new byte[] {1, 2, 3});
    persist(storage[0], G, persistOnly(null, null, List.of(command(3, 1, "a"), command(8, 1, "b")), null));
    persist(storage[0], G, persistOnly(snapshot, Slot.of(5), List.of(command(5, 2, "c"), command(6, 2, "d")), hard(2, 0, 5)));
    DurableState state = loadAfterReopen(storage, G);
    assertThat(sorted(state.entries())).containsExactly(command(6, 2, "d"), command(8, 1, "b"));
    assertThat(state.applied()).isEqualTo(Slot.of(5));
  }

  @Test
  void groupsAreKeptApart() {
    PaxosStorage[] storage = {newStorage()};
    List<GroupId> groups = new ArrayList<>();
    for (long id : new long[] {0, 1, 2, 255, 256, 1L << 40, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
      groups.add(new GroupId(id));
    }
    for (int i = 0; i < groups.size(); i++) {
      GroupId group = groups.get(i);
      List<Entry> entries = LongStream.rangeClosed(1, i + 1).mapToObj(s -> command(s, 1, group + "/" + s)).toList();
      persist(storage[0], group, persistOnly(null, null, entries, hard(i + 1, i, i)));
    }
    // A group with only log entries is a group too.
    GroupId logOnly = new GroupId(77);
    persist(storage[0], logOnly, persistOnly(null, null, List.of(command(1, 1, "only")), null));
    storage[0] = reopen(storage[0]);

    Set<GroupId> expected = new HashSet<>(groups);
    expected.add(logOnly);
    assertThat(storage[0].groups()).containsExactlyInAnyOrderElementsOf(expected);
    for (int i = 0; i < groups.size(); i++) {
      GroupId group = groups.get(i);
      DurableState state = storage[0].load(group).orElseThrow();
      assertThat(state.hardState()).isEqualTo(hard(i + 1, i, i));
      assertThat(sorted(state.entries()))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, i + 1).mapToObj(s -> command(s, 1, group + "/" + s)).toList());
    }
    assertThat(storage[0].load(logOnly).orElseThrow().hardState()).isEqualTo(HardState.INITIAL);
    assertThat(storage[0].load(new GroupId(3))).isEmpty();
  }

  @Test
  void compactionOfOneGroupLeavesTheOthers() {
    PaxosStorage[] storage = {newStorage()};
    GroupId other = new GroupId(G.value() + 1);
    for (GroupId group : List.of(G, other)) {
      persist(storage[0], group, persistOnly(null, null,
          LongStream.rangeClosed(1, 5).mapToObj(s -> command(s, 1, "x")).toList(), hard(1, 0, 5)));
    }
    persist(storage[0], G, persistOnly(new Snapshot(Slot.of(5), VOTERS, new byte[0]), Slot.of(5), List.of(), null));
    assertThat(loadAfterReopen(storage, G).entries()).isEmpty();
    assertThat(storage[0].load(other).orElseThrow().entries()).hasSize(5);
  }
}
