package dev.meridian.paxos.driver;

import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a node's replicas keep their durable state: the persist section of every {@link Ready}, for
 * every group the node hosts. Writes of all groups are batched into shared synced writes (group
 * commit, DESIGN.md §3).
 *
 * <p>Implementations: the RocksDB one (column families {@code paxos_log} and {@code paxos_state},
 * layouts documented there) for real nodes, and an in-memory one for tests.
 */
public interface PaxosStorage {

  /**
   * Writes {@code ready}'s persist section for {@code group} in the order {@link Ready} prescribes
   * (snapshot, then compaction, then entries, then hard state), atomically. The future completes,
   * on any thread, once the write is durable; only then may the driver send {@code ready}'s
   * messages. Never blocks: a full queue fails the call with {@link
   * dev.meridian.storage.mvcc.StorageBusyException} before anything is queued.
   */
  CompletableFuture<Void> persist(GroupId group, Ready ready);

  /**
   * What a replica of {@code group} restarts from, with {@link DurableState#applied()} at the
   * snapshot's slot (the driver replaces it with its state machine's applied slot), or empty if
   * nothing was ever persisted for the group.
   */
  Optional<DurableState> load(GroupId group);

  /** Every group with persisted state. */
  Set<GroupId> groups();

  /**
   * Persists the starting point of a brand-new group whose initial voters are {@code membership}
   * ({@link DurableState#bootstrap}). Call it before the group's replica starts: the replica never
   * writes its initial snapshot itself, so without this a replica restarted before its first
   * snapshot would come back not knowing its voters.
   */
  default CompletableFuture<Void> bootstrap(GroupId group, Membership membership) {
    DurableState initial = DurableState.bootstrap(membership);
    return persist(
        group,
        new Ready(initial.snapshot(), null, List.of(), initial.hardState(), List.of(), null, List.of()));
  }
}
