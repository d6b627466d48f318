package dev.meridian.txn.gateway;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.leaseholder.Refusal;
import java.util.Objects;

/**
 * What one {@link RangeChannel} call ended with. Only {@link TimedOut} (and a {@link Refused} of
 * kind {@code OUTCOME_UNKNOWN}, or a reply that says so) leaves open whether the request took
 * effect; every other answer says it did exactly what the value says.
 */
public sealed interface ChannelAnswer<T> {

  /** The leaseholder on {@code from} answered {@code value}. */
  record Replied<T>(NodeId from, T value) implements ChannelAnswer<T> {
    public Replied {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(value, "value");
    }
  }

  /** The request reached the wrong replica or an outdated span; nothing was done. */
  record Misrouted<T>(RoutingError error) implements ChannelAnswer<T> {
    public Misrouted {
      Objects.requireNonNull(error, "error");
    }
  }

  /** The leaseholder core refused; {@link Refusal.Kind#certainlyNotApplied()} says whether it may have acted. */
  record Refused<T>(Refusal refusal) implements ChannelAnswer<T> {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /** The request certainly never reached a handler. */
  record NotDelivered<T>(String why) implements ChannelAnswer<T> {
    public NotDelivered {
      Objects.requireNonNull(why, "why");
    }
  }

  /** No answer within the call's timeout: the request may or may not have been served. */
  record TimedOut<T>() implements ChannelAnswer<T> {}
}
