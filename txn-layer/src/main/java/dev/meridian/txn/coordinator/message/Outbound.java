package dev.meridian.txn.coordinator.message;

import dev.meridian.txn.types.RangeDescriptor;
import java.util.Objects;

/**
 * One request to send: to the leaseholder of {@code target} (the driver knows, or finds, which
 * replica that is), under {@code requestId}, which the answer or the timeout must name. Ids are
 * unique per sender object, so a reply to an attempt the sender has given up on is recognised and
 * dropped rather than taken for the answer to a later attempt.
 */
public record Outbound(long requestId, RangeDescriptor target, CoordinatorRequest request) {

  public Outbound {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(request, "request");
    if (!target.id().equals(request.range())) {
      throw new IllegalArgumentException("request for " + request.range() + " addressed to " + target.id());
    }
  }
}
