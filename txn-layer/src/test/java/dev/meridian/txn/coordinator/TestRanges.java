package dev.meridian.txn.coordinator;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ranges of a test: the truth (what the meta range says) and the gateway's cache of it, which
 * only {@link #refresh} brings up to date, so a test controls exactly when a coordinator sees a split.
 */
final class TestRanges implements RangeLookup {

  final Map<RangeId, RangeDescriptor> truth = new TreeMap<>();
  private final Map<RangeId, RangeDescriptor> cache = new TreeMap<>();

  static RangeDescriptor descriptor(long id, String start, String end, long generation) {
    return new RangeDescriptor(new RangeId(id),
        new KeySpan(Key.utf8(start), end == null ? null : Key.utf8(end)),
        List.of(new ReplicaDescriptor(new NodeId((int) id), "r-" + id, ReplicaRole.VOTER)), generation);
  }

  void define(RangeDescriptor descriptor) {
    truth.put(descriptor.id(), descriptor);
    cache.put(descriptor.id(), descriptor);
  }

  /** Splits {@code id} at {@code at} in the truth only; the right half becomes {@code newId}. */
  void split(RangeId id, Key at, RangeId newId) {
    RangeDescriptor old = truth.get(id);
    if (old == null || !old.contains(at) || at.equals(old.span().start()) || truth.containsKey(newId)) {
      throw new IllegalArgumentException("cannot split " + id + " at " + at + " into " + newId);
    }
    truth.put(id, new RangeDescriptor(id, new KeySpan(old.span().start(), at), old.replicas(), old.generation() + 1));
    truth.put(newId, new RangeDescriptor(newId, new KeySpan(at, old.span().end()), old.replicas(), old.generation() + 1));
  }

  void forget(RangeId id) {
    cache.remove(id);
  }

  void refresh() {
    cache.clear();
    cache.putAll(truth);
  }

  /** The range of the truth that owns {@code key}. */
  RangeDescriptor owner(Key key) {
    return truth.values().stream().filter(d -> d.contains(key)).findFirst().orElseThrow();
  }

  @Override
  public Optional<RangeDescriptor> rangeFor(Key key) {
    return cache.values().stream().filter(d -> d.contains(key)).findFirst();
  }

  @Override
  public Optional<RangeDescriptor> range(RangeId id) {
    return Optional.ofNullable(cache.get(id));
  }
}
