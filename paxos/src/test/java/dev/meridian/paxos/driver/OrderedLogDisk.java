package dev.meridian.paxos.driver;

import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.GroupId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One node's disk as RocksDB behaves, for driver tests: one ordered write-ahead log shared by the
 * Paxos storage (synced writes) and a durable state machine (unsynced writes). A crash keeps a prefix
 * of the log: every synced write, and of the unsynced writes after the last one only as many as the
 * test says. Synced writes can be held back ({@link #hold}) as a group-commit queue holds them: a held
 * write is not in the log yet (a later unsynced write may overtake it) and a crash loses it.
 */
final class OrderedLogDisk implements PaxosStorage {

  /** What a durable test machine keeps of one group: its data, applied slot and staging. */
  static final class Image {
    TreeMap<Long, String> data = new TreeMap<>();
    long applied;
    TreeMap<Long, String> staging;
    long stagingSlot = -1;
    boolean stagingFinished;

    Image copy() {
      Image c = new Image();
      c.data = new TreeMap<>(data);
      c.applied = applied;
      c.staging = staging == null ? null : new TreeMap<>(staging);
      c.stagingSlot = stagingSlot;
      c.stagingFinished = stagingFinished;
      return c;
    }
  }

  private record Record(Runnable toDurable) {}

  private record Held(GroupId group, Ready ready, CompletableFuture<Void> future) {}

  private final InMemoryPaxosStorage paxos = new InMemoryPaxosStorage();
  private final Map<GroupId, Image> images = new HashMap<>();
  /** Unsynced records in the log after the last synced write, oldest first. */
  private final List<Record> unsynced = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private boolean holding;
  /** Writes from the first one this accepts on are held (later ones queue behind it). */
  private java.util.function.Predicate<Ready> holdFrom = r -> false;
  long syncedWrites;
  long unsyncedWrites;

  @Override
  public synchronized CompletableFuture<Void> persist(GroupId group, Ready ready) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    if (!holding && holdFrom.test(ready)) {
      holding = true;
    }
    if (holding) {
      held.add(new Held(group, ready, future));
      return future;
    }
    sync(group, ready);
    future.complete(null);
    return future;
  }

  /** A synced write reaches the log: it and every unsynced write before it are durable. */
  private void sync(GroupId group, Ready ready) {
    unsynced.forEach(r -> r.toDurable().run());
    unsynced.clear();
    paxos.persist(group, ready);
    syncedWrites++;
  }

  /** An unsynced write of the state machine's: in the log at once, durable with the next sync. */
  synchronized void writeUnsynced(GroupId group, Consumer<Image> change) {
    unsyncedWrites++;
    unsynced.add(new Record(() -> change.accept(images.computeIfAbsent(group, g -> new Image()))));
  }

  /** Synced writes wait (not in the log yet) until {@link #release}. */
  synchronized void hold() {
    holding = true;
  }

  /** Holds synced writes from the first that {@code first} accepts on, as {@link #hold} does. */
  synchronized void holdFrom(java.util.function.Predicate<Ready> first) {
    holdFrom = first;
  }

  /** The held synced writes reach the log, in order, and complete. */
  void release() {
    List<Held> writes;
    synchronized (this) {
      holding = false;
      holdFrom = r -> false;
      writes = List.copyOf(held);
      held.clear();
      writes.forEach(w -> sync(w.group(), w.ready()));
    }
    writes.forEach(w -> w.future().complete(null));
  }

  /**
   * Power loss: held synced writes are lost (their futures never complete), and of the unsynced
   * writes in the log after the last synced one only the first {@code keepUnsynced} survive.
   * Returns how many unsynced writes were lost.
   */
  synchronized int crash(int keepUnsynced) {
    int keep = Math.min(keepUnsynced, unsynced.size());
    unsynced.subList(0, keep).forEach(r -> r.toDurable().run());
    int lost = unsynced.size() - keep;
    unsynced.clear();
    held.clear();
    holding = false;
    holdFrom = r -> false;
    return lost;
  }

  /** The durable image of {@code group}'s machine, as a restarted process reads it. */
  synchronized Image image(GroupId group) {
    return images.computeIfAbsent(group, g -> new Image()).copy();
  }

  @Override
  public synchronized Optional<DurableState> load(GroupId group) {
    return paxos.load(group);
  }

  @Override
  public synchronized Set<GroupId> groups() {
    return paxos.groups();
  }
}
