package dev.meridian.txn.cluster;

import dev.meridian.runtime.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registered nodes of a cluster, by node id: the part of membership every member keeps a copy
 * of and merges from its peers' heartbeats.
 *
 * <p>Invariant: a node id, once registered, stays bound to its store; a record for the same id from
 * another store is a conflict, never a replacement (the first registration wins everywhere it has
 * arrived, and the late one is refused when it asks to join). For the same store the record with the
 * larger {@code (epoch, generation)} wins, so merging is commutative, associative and idempotent and
 * every member converges on the same records once heartbeats have gone round.
 *
 * <p>The road not taken, for now: registration through a replicated range (the meta range), which
 * would make two simultaneous joins of the same id on two different members impossible rather than
 * merely detected. That needs replicated ranges (M5 deliverable 2); until then two members can each
 * accept a different store for one id in the same heartbeat interval, and {@link #conflicts} counts
 * what merging then meets.
 */
public final class MemberRegistry {

  private final TreeMap<NodeId, Member> members = new TreeMap<>();
  private long conflicts;

  /** The record for {@code nodeId}, if registered. */
  public Optional<Member> get(NodeId nodeId) {
    return Optional.ofNullable(members.get(nodeId));
  }

  /**
   * Merges {@code record}: adds an unknown id, replaces an older record of the same store, and keeps
   * the registered store when {@code record} comes from another (counted in {@link #conflicts}).
   * Returns whether anything changed.
   */
  public boolean merge(Member record) {
    Member existing = members.get(record.nodeId());
    if (existing == null) {
      members.put(record.nodeId(), record);
      return true;
    }
    if (!existing.storeId().equals(record.storeId())) {
      conflicts++;
      return false;
    }
    if (record.supersedes(existing)) {
      members.put(record.nodeId(), record);
      return true;
    }
    return false;
  }

  /**
   * Why {@code candidate} may not be registered, or empty if it may: its id is bound to another
   * store.
   */
  public Optional<String> refusal(Member candidate) {
    Member existing = members.get(candidate.nodeId());
    if (existing == null || existing.storeId().equals(candidate.storeId())) {
      return Optional.empty();
    }
    return Optional.of("node id " + candidate.nodeId().value() + " is already taken by node " + existing.describe()
        + "; this node's data directory is " + candidate.storeId()
        + ". Start it with a node id no other node has, or with that node's own data directory");
  }

  /** Every registered record, by node id. */
  public List<Member> all() {
    return new ArrayList<>(members.values());
  }

  public int size() {
    return members.size();
  }

  /** Records from another store for a registered id, met while merging. */
  public long conflicts() {
    return conflicts;
  }
}
