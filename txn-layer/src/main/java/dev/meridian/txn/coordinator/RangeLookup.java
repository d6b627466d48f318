package dev.meridian.txn.coordinator;

import dev.meridian.storage.Key;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.Optional;

/**
 * What the coordinator needs of the node's range-descriptor cache (helper "directory" builds the
 * cache; it should implement this). Answers come from the cache only, never from I/O: a miss is
 * answered empty, the coordinator asks for a {@link dev.meridian.txn.coordinator.message.Refresh}
 * in its {@link Ready}, and the driver calls it again once the cache was refreshed.
 *
 * <p>Contract: {@code rangeFor(k)}, when present, contains {@code k}; descriptors of one answer set
 * need not be of the same instant (the leaseholder's generation check catches the stale ones).
 */
public interface RangeLookup {

  /** The cached descriptor of the range that owns {@code key}. */
  Optional<RangeDescriptor> rangeFor(Key key);

  /** The cached descriptor of range {@code id}, whatever span it owns now. */
  Optional<RangeDescriptor> range(RangeId id);
}
