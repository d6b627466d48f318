package dev.meridian.txn.coordinator.message;

import dev.meridian.storage.Key;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.Objects;

/**
 * A descriptor the sender needs refreshed from the meta range before it can go on; the driver
 * refreshes its cache and then calls the sender's {@code onDescriptorsRefreshed}.
 */
public sealed interface Refresh {

  /** {@code stale} was refused by its range (redirect): fetch a newer descriptor for its span. */
  record Stale(RangeDescriptor stale) implements Refresh {
    public Stale {
      Objects.requireNonNull(stale, "stale");
    }
  }

  /** No cached descriptor covers {@code key}. */
  record MissingKey(Key key) implements Refresh {
    public MissingKey {
      Objects.requireNonNull(key, "key");
    }
  }

  /** No cached descriptor for range {@code id} (the coordinator range, found by id, never by key). */
  record MissingRange(RangeId id) implements Refresh {
    public MissingRange {
      Objects.requireNonNull(id, "id");
    }
  }
}
