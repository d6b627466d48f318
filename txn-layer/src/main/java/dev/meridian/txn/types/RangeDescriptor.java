package dev.meridian.txn.types;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the directory says about one range (DESIGN §7): its id, the half-open key span it owns, its
 * replicas, and a generation that grows with every change of span or replicas (split, merge,
 * membership change). Of two descriptors of the same range the one with the higher generation is
 * newer; caches replace an entry only by a newer one, so an old answer arriving late cannot undo a
 * refresh.
 */
public record RangeDescriptor(
    RangeId id, KeySpan span, List<ReplicaDescriptor> replicas, long generation) {

  public RangeDescriptor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(span, "span");
    replicas = List.copyOf(replicas);
    if (span.isEmpty()) {
      throw new IllegalArgumentException("range " + id + " has an empty span " + span);
    }
    if (generation < 0) {
      throw new IllegalArgumentException("generation must be non-negative, got " + generation);
    }
    Set<Object> nodes = new HashSet<>();
    for (ReplicaDescriptor replica : replicas) {
      if (!nodes.add(replica.node())) {
        throw new IllegalArgumentException("range " + id + " lists node " + replica.node() + " twice");
      }
    }
  }

  public boolean contains(Key key) {
    return span.contains(key);
  }

  /** Whether this descriptor supersedes {@code other} (same range, higher generation). */
  public boolean newerThan(RangeDescriptor other) {
    return id.equals(other.id) && generation > other.generation;
  }
}
