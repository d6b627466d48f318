package dev.meridian.sim.paxos;

import dev.meridian.paxos.driver.InMemoryPaxosStorage;
import dev.meridian.paxos.driver.PaxosStorage;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.storage.mvcc.StorageBusyException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

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
final class SimPaxosStorage implements PaxosStorage {

  /** Latency and queue parameters of a disk; times in microseconds of true time. */
  record Model(long minMicros, long jitterMicros, double slow, int queueBound) {}

  private final ManualScheduler queue;
  private final RandomSource random;
  private final Model model;
  private final PlantedBug bug;
  private final long leaseMicros;
  private final BiConsumer<GroupId, Ready> onDurable;
  private final InMemoryPaxosStorage durable = new InMemoryPaxosStorage();

  /** Bumped on every crash, so a write completing after its process died is recognised as lost. */
  private int generation;
  private int inFlight;
  private long lastDueNanos;
  private long overlappedWrites;
  private long busyRefusals;

  SimPaxosStorage(
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
    if (model.queueBound() > 0 && inFlight >= model.queueBound()) {
      busyRefusals++;
      throw new StorageBusyException(inFlight + " writes in flight; retry later");
    }
    long dueNanos = Math.max(queue.nowNanos() + latencyMicros() * 1_000, lastDueNanos);
    lastDueNanos = dueNanos;
    if (inFlight > 0) {
      overlappedWrites++;
    }
    inFlight++;
    int submittedIn = generation;
    CompletableFuture<Void> written = new CompletableFuture<>();
    // Same deadline, same order: the queue runs ties in submission order.
    queue.schedule(dueNanos - queue.nowNanos(), () -> {
      if (submittedIn != generation) {
        return;
      }
      inFlight--;
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

  /** The machine lost power: every write in flight is lost. Returns how many were. */
  int crash() {
    int lost = inFlight;
    generation++;
    inFlight = 0;
    lastDueNanos = 0;
    return lost;
  }

  /** Writes submitted and not yet durable. */
  int inFlight() {
    return inFlight;
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
    return durable.load(group).map(s -> new DurableState(reload(s.hardState()), s.snapshot(), s.entries(), s.applied()));
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
