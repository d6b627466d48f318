package dev.meridian.sim.paxos;

import dev.meridian.paxos.driver.InMemoryPaxosStorage;
import dev.meridian.paxos.driver.PaxosStorage;
import dev.meridian.paxos.messages.Envelope;
import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.storage.mvcc.StorageBusyException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One simulated machine's disk as {@link PaxosStorage}, the storage the real driver runs on in the
 * simulator. What is durable is kept by an {@link InMemoryPaxosStorage} (so it is stored and loaded
 * exactly as the storage contract says); this class models the way there.
 *
 * <h2>Disk model</h2>
 *
 * <ul>
 *   <li>A write becomes durable only after a simulated latency: {@code min + uniform[0, jitter]}
 *       microseconds of true time, twenty times that with probability {@code slow}, drawn from the
 *       disk's own seeded stream in submission order.
 *   <li>Writes complete in submission order (a write never overtakes an earlier one), which is the
 *       ordering {@link Ready}'s commit-point relaxation relies on.
 *   <li>{@link #crash} loses every write not yet durable: its future never completes (the process
 *       that waited on it is gone) and the durable state stays as it was.
 *   <li><b>Unsynced writes</b> ({@link #writeUnsynced}: the durable state machines' applies and
 *       snapshot staging) go to the same ordered log at once, visible to the process, and become
 *       durable when a synced write submitted after them does, as in one RocksDB. A crash keeps, of
 *       the unsynced writes not yet covered, a prefix of a length drawn from the disk's stream (the
 *       operating system may or may not have written them out), so a crash may take back applies
 *       and may keep applies whose commit-point write it lost.
 *   <li>With a queue bound, a write submitted while that many are in flight is refused with {@link
 *       StorageBusyException} before anything is queued, as a full real write queue refuses it.
 * </ul>
 *
 * <p>When a write becomes durable, the durability hook runs (the simulator's trace and checker)
 * before the write's future completes.
 *
 * <p>The planted bugs {@link PlantedBug#FORGET_PROMISE_ON_RESTART} and {@link
 * PlantedBug#LEASE_VOTE_CUT_SHORT_ON_RESTART} live in {@link #load}: the promised ballot and the
 * lease vote are not read back, or the vote is read back a lease duration short.
 */
public final class SimPaxosStorage implements PaxosStorage {

  /** Latency and queue parameters of a disk; times in microseconds of true time. */
  public record Model(long minMicros, long jitterMicros, double slow, int queueBound) {}

  /** What a durable simulated state machine keeps of one group: commands by slot, applied slot, staging. */
  static final class MachineImage {
    TreeMap<Long, String> data = new TreeMap<>();
    long applied;
    TreeMap<Long, String> staging;
    long stagingSlot = -1;
    boolean stagingFinished;

    MachineImage copy() {
      MachineImage c = new MachineImage();
      c.data = new TreeMap<>(data);
      c.applied = applied;
      c.staging = staging == null ? null : new TreeMap<>(staging);
      c.stagingSlot = stagingSlot;
      c.stagingFinished = stagingFinished;
      return c;
    }
  }

  private record Unsynced(long seq, GroupId group, Consumer<MachineImage> change) {}

  /** A write submitted and not yet durable. */
  static final class Write {
    final GroupId group;
    final Ready ready;
    /**
     * The write moves nothing but the group's commit point: no snapshot, compaction or entries, and
     * the promise and lease vote of the group's previous write. Only such a write may have its
     * Ready's messages sent before it is durable ({@link Ready}'s relaxation).
     */
    final boolean commitPointOnly;
    /** Some message of its Ready was sent while it was in flight. */
    boolean revealed;

    Write(GroupId group, Ready ready, boolean commitPointOnly) {
      this.group = group;
      this.ready = ready;
      this.commitPointOnly = commitPointOnly;
    }
  }

  private final ManualScheduler queue;
  private final RandomSource random;
  private final Model model;
  private final PlantedBug bug;
  private final long leaseMicros;
  private final BiConsumer<GroupId, Ready> onDurable;
  private final InMemoryPaxosStorage durable = new InMemoryPaxosStorage();
  private final Map<GroupId, MachineImage> images = new HashMap<>();
  /** Unsynced writes in the log that no durable synced write covers yet, oldest first. */
  private final ArrayDeque<Unsynced> unsynced = new ArrayDeque<>();
  private long nextUnsyncedSeq;
  private long unsyncedKept;
  private long unsyncedLost;

  /** Bumped on every crash, so a write completing after its process died is recognised as lost. */
  private int generation;
  /** Writes in flight, in submission order (which is also the order they become durable in). */
  private final ArrayDeque<Write> inFlight = new ArrayDeque<>();
  /** Per group, the hard state of its latest write submitted (or loaded): what the next one moves. */
  private final Map<GroupId, HardState> lastHardState = new HashMap<>();
  private long lastDueNanos;
  private long overlappedWrites;
  private long crossGroupOverlaps;
  private long busyRefusals;

  public SimPaxosStorage(
      ManualScheduler queue,
      RandomSource random,
      Model model,
      PlantedBug bug,
      long leaseMicros,
      BiConsumer<GroupId, Ready> onDurable) {
    this.queue = queue;
    this.random = random;
    this.model = model;
    this.bug = bug;
    this.leaseMicros = leaseMicros;
    this.onDurable = onDurable;
  }

  @Override
  public CompletableFuture<Void> persist(GroupId group, Ready ready) {
    if (model.queueBound() > 0 && inFlight.size() >= model.queueBound()) {
      busyRefusals++;
      throw new StorageBusyException(inFlight.size() + " writes in flight; retry later");
    }
    long dueNanos = Math.max(queue.nowNanos() + latencyMicros() * 1_000, lastDueNanos);
    lastDueNanos = dueNanos;
    if (!inFlight.isEmpty()) {
      overlappedWrites++;
      if (!inFlight.peekLast().group.equals(group)) {
        crossGroupOverlaps++;
      }
    }
    Write write = new Write(group, ready, commitPointOnly(group, ready));
    if (ready.hardState() != null) {
      lastHardState.put(group, ready.hardState());
    }
    inFlight.addLast(write);
    int submittedIn = generation;
    long covers = nextUnsyncedSeq;
    CompletableFuture<Void> written = new CompletableFuture<>();
    // Same deadline, same order: the queue runs ties in submission order.
    queue.schedule(dueNanos - queue.nowNanos(), () -> {
      if (submittedIn != generation) {
        return;
      }
      Write first = inFlight.pollFirst();
      Invariants.require(first == write, "a simulated write overtook an earlier one");
      // Submitted after them, so in the log after them: its sync makes them durable too.
      while (!unsynced.isEmpty() && unsynced.peekFirst().seq() < covers) {
        applyUnsynced(unsynced.pollFirst());
      }
      durable.persist(group, ready);
      onDurable.accept(group, ready);
      written.complete(null);
    });
    return written;
  }

  private long latencyMicros() {
    long latency = model.minMicros() + random.nextLong(model.jitterMicros() + 1);
    return random.chance(model.slow()) ? latency * 20 : latency;
  }

  private boolean commitPointOnly(GroupId group, Ready ready) {
    HardState last = lastHardState.get(group);
    return ready.snapshot() == null
        && ready.compactThrough() == null
        && ready.entries().isEmpty()
        && ready.hardState() != null
        && last != null
        && ready.hardState().promised().equals(last.promised())
        && ready.hardState().leaseVote().equals(last.leaseVote());
  }

  /**
   * {@code message} is leaving the node: if it belongs to the Ready of a write still in flight, marks
   * that write revealed and returns it; otherwise null.
   */
  Write reveal(Message message) {
    for (Write write : inFlight) {
      for (Envelope envelope : write.ready.messages()) {
        if (envelope.message() == message) {
          write.revealed = true;
          return write;
        }
      }
    }
    return null;
  }

  /** Writes in flight some message of whose Ready was already sent (a crash now loses them). */
  int revealedInFlight() {
    int revealed = 0;
    for (Write write : inFlight) {
      if (write.revealed) {
        revealed++;
      }
    }
    return revealed;
  }

  /** A state machine's unsynced write to its durable image of {@code group}; see the class comment. */
  void writeUnsynced(GroupId group, Consumer<MachineImage> change) {
    unsynced.addLast(new Unsynced(nextUnsyncedSeq++, group, change));
  }

  private void applyUnsynced(Unsynced write) {
    write.change().accept(images.computeIfAbsent(write.group(), g -> new MachineImage()));
  }

  /** The durable image of {@code group}'s state machine, as a restarted process reads it. */
  MachineImage image(GroupId group) {
    return images.computeIfAbsent(group, g -> new MachineImage()).copy();
  }

  /** Unsynced writes a crash kept, and lost (coverage: both must happen). */
  long unsyncedKept() {
    return unsyncedKept;
  }

  long unsyncedLost() {
    return unsyncedLost;
  }

  /**
   * The machine lost power: every synced write in flight is lost, and of the uncovered unsynced
   * writes a drawn prefix survives. Returns how many synced writes were lost.
   */
  public int crash() {
    int keep = random.nextInt(unsynced.size() + 1);
    for (int i = 0; i < keep; i++) {
      applyUnsynced(unsynced.pollFirst());
    }
    unsyncedKept += keep;
    unsyncedLost += unsynced.size();
    unsynced.clear();
    int lost = inFlight.size();
    generation++;
    inFlight.clear();
    lastDueNanos = 0;
    return lost;
  }

  /** Writes submitted and not yet durable. */
  int inFlight() {
    return inFlight.size();
  }

  /** Writes of one group submitted while another group's write was in flight. */
  long crossGroupOverlaps() {
    return crossGroupOverlaps;
  }

  /** Writes submitted while an earlier one was still in flight (coverage of the relaxation). */
  long overlappedWrites() {
    return overlappedWrites;
  }

  /** Writes refused because the queue was full (coverage of the driver's retry). */
  long busyRefusals() {
    return busyRefusals;
  }

  @Override
  public Optional<DurableState> load(GroupId group) {
    Optional<DurableState> loaded =
        durable.load(group).map(s -> new DurableState(reload(s.hardState()), s.snapshot(), s.entries(), s.applied()));
    loaded.ifPresent(s -> lastHardState.put(group, s.hardState()));
    return loaded;
  }

  /** The hard state as a restarted process reads it back: as stored, unless a bug is planted here. */
  private HardState reload(HardState stored) {
    LeaseVote vote = stored.leaseVote();
    return switch (bug) {
      case FORGET_PROMISE_ON_RESTART -> new HardState(Ballot.ZERO, LeaseVote.NONE, stored.commit());
      case LEASE_VOTE_CUT_SHORT_ON_RESTART -> vote.isNone()
          ? stored
          : new HardState(stored.promised(),
              new LeaseVote(vote.ballot(), Math.max(0, vote.endMicros() - leaseMicros)), stored.commit());
      default -> stored;
    };
  }

  @Override
  public Set<GroupId> groups() {
    return durable.groups();
  }

  /** The durable entry at {@code slot}, or null. */
  Entry entry(GroupId group, long slot) {
    return durable.entry(group, Slot.of(slot));
  }

  /** The last slot the durable snapshot covers. */
  long snapshotSlot(GroupId group) {
    return durable.snapshotSlot(group).value();
  }

  /** Whether the disk holds {@code value} at {@code slot}, or a snapshot that covers it. */
  boolean durablyHolds(GroupId group, long slot, String value) {
    if (snapshotSlot(group) >= slot) {
      return true;
    }
    Entry entry = entry(group, slot);
    return entry != null && entry.valueString().equals(value);
  }
}
