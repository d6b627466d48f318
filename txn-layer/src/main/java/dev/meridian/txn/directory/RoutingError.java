package dev.meridian.txn.directory;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.List;
import java.util.Objects;

/**
 * An answer that says the sender's descriptor or leaseholder was wrong (DESIGN §7: "refresh on a
 * not-leader / range-moved answer"). The leaseholder core and the range replicas answer with these;
 * {@link RangeCache#apply} turns each into the cache change it implies, and the request is sent again
 * after a fresh lookup.
 */
public sealed interface RoutingError {

  /** The range the request was addressed to. */
  RangeId range();

  /**
   * The replica does not hold the lease. {@code replicaGeneration} is the descriptor generation the
   * replica has applied; {@code hint} the leaseholder it believes in, or null when it knows none.
   */
  record NotLeaseholder(RangeId range, long replicaGeneration, NodeId hint) implements RoutingError {
    public NotLeaseholder {
      Objects.requireNonNull(range, "range");
    }
  }

  /** The node hosts no replica of the range (it was moved away, or merged into another). */
  record RangeNotFound(RangeId range, long requestGeneration) implements RoutingError {
    public RangeNotFound {
      Objects.requireNonNull(range, "range");
    }
  }

  /**
   * The request was made against {@code requestGeneration}, older than the range's: its keys may
   * be outside the range's span now. {@code current} are the descriptors the replica knows of that
   * now hold the request's keys (its own, and the right half of a split it applied); may be empty.
   */
  record StaleGeneration(RangeId range, long requestGeneration, List<RangeDescriptor> current)
      implements RoutingError {
    public StaleGeneration {
      Objects.requireNonNull(range, "range");
      current = List.copyOf(current);
    }
  }
}
