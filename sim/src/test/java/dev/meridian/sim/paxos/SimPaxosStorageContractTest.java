package dev.meridian.sim.paxos;

import dev.meridian.paxos.driver.AbstractPaxosStorageContractTest;
import dev.meridian.paxos.driver.PaxosStorage;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The simulated disk keeps the {@link PaxosStorage} contract: what it makes durable loads back as
 * RocksDB's does. Each write is left to complete (the simulated time runs on) before the contract
 * test looks; a reopen is a crash with nothing in flight.
 */
class SimPaxosStorageContractTest extends AbstractPaxosStorageContractTest {

  /** The simulated disk with its event queue run to completion after every write. */
  private record Settled(ManualScheduler queue, SimPaxosStorage disk) implements PaxosStorage {
    @Override
    public CompletableFuture<Void> persist(GroupId group, Ready ready) {
      CompletableFuture<Void> written = disk.persist(group, ready);
      queue.runUntilIdle();
      return written;
    }

    @Override
    public Optional<DurableState> load(GroupId group) {
      return disk.load(group);
    }

    @Override
    public Set<GroupId> groups() {
      return disk.groups();
    }
  }

  @Override
  protected PaxosStorage newStorage() {
    ManualScheduler queue = new ManualScheduler(new ManualClock(1_000_000));
    SimPaxosStorage disk =
        new SimPaxosStorage(queue, RandomSource.seeded(7), new SimPaxosStorage.Model(100, 5_000, 0.1, 0), PlantedBug.NONE, 1_000,
            (group, ready) -> {});
    return new Settled(queue, disk);
  }

  @Override
  protected PaxosStorage reopen(PaxosStorage storage) {
    ((Settled) storage).disk().crash();
    return storage;
  }
}
