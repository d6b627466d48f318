package dev.meridian.paxos.driver;

import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@link PaxosStorage} in memory, for unit tests of drivers: a persist is applied and its future
 * completed before {@link #persist} returns. It keeps what {@link RocksPaxosStorage} keeps and
 * loads it the same way (the shared contract test checks this), but nothing survives the object.
 * Thread-safe.
 */
public final class InMemoryPaxosStorage implements PaxosStorage {

  /** One group's durable state; null fields were never written. */
  private static final class Stored {
    HardState hardState;
    Snapshot snapshot;
    final TreeMap<Long, Entry> log = new TreeMap<>();
  }

  private final Map<GroupId, Stored> groups = new HashMap<>();

  @Override
  public synchronized CompletableFuture<Void> persist(GroupId group, Ready ready) {
    if (!ready.mustPersist()) {
      return CompletableFuture.completedFuture(null);
    }
    Stored stored = groups.computeIfAbsent(group, g -> new Stored());
    if (ready.snapshot() != null) {
      stored.snapshot = ready.snapshot();
    }
    if (ready.compactThrough() != null) {
      stored.log.headMap(ready.compactThrough().value(), true).clear();
    }
    for (Entry entry : ready.entries()) {
      stored.log.put(entry.slot().value(), entry);
    }
    if (ready.hardState() != null) {
      stored.hardState = ready.hardState();
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized Optional<DurableState> load(GroupId group) {
    Stored stored = groups.get(group);
    if (stored == null) {
      return Optional.empty();
    }
    Snapshot snapshot = stored.snapshot != null ? stored.snapshot : Snapshot.initial(Membership.EMPTY);
    return Optional.of(
        new DurableState(
            stored.hardState != null ? stored.hardState : HardState.INITIAL,
            snapshot,
            new ArrayList<>(stored.log.tailMap(snapshot.lastSlot().value(), false).values()),
            snapshot.lastSlot()));
  }

  /**
   * The entry stored for {@code slot} of {@code group}, or null: for tests and simulators that check
   * what is durable without copying the log as {@link #load} does.
   */
  public synchronized Entry entry(GroupId group, Slot slot) {
    Stored stored = groups.get(group);
    return stored == null ? null : stored.log.get(slot.value());
  }

  /** The last slot the stored snapshot of {@code group} covers ({@link Slot#NONE} without one). */
  public synchronized Slot snapshotSlot(GroupId group) {
    Stored stored = groups.get(group);
    return stored == null || stored.snapshot == null ? Slot.NONE : stored.snapshot.lastSlot();
  }

  @Override
  public synchronized Set<GroupId> groups() {
    return Set.copyOf(groups.keySet());
  }
}
