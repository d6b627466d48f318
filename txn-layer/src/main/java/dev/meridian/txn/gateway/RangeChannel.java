package dev.meridian.txn.gateway;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the gateway reaches range leaseholders: one request to one replica of one range, answered
 * once. Implemented over the runtime's request/response ({@code runtime.rpc}) by the wire layer, and
 * by in-process fakes in tests. The gateway chooses the replica ({@link Target#node}: the cached
 * leaseholder, else a voter) and does every retry itself; a channel never retries a request on its
 * own, because a {@link CoordinatorRequest.CommitOnePhase} must reach a leaseholder at most once.
 *
 * <p>Contract of every call:
 * <ol>
 *   <li>{@code done} is called exactly once, from any thread (the gateway hands it to its loop),
 *       and never inside the call itself.
 *   <li>{@link ChannelAnswer.TimedOut} if no answer came within {@code timeoutNanos} (measured on
 *       the channel's scheduler); the request may or may not have been served.
 *   <li>{@link ChannelAnswer.NotDelivered} only when the request certainly never reached a handler
 *       (unknown node, connection refused, the serving node's rpc rejected it).
 *   <li>{@link ChannelAnswer.Misrouted} when the replica did nothing because the request was for the
 *       wrong place: not the leaseholder ({@code RoutingError.NotLeaseholder} with a hint), the range
 *       not hosted there ({@code RangeNotFound}), or the request's generation or keys no longer fit
 *       the range after a split ({@code StaleGeneration}, with the descriptors that hold them now).
 *       The range host must never answer it for a request it proposed.
 *   <li>{@link ChannelAnswer.Refused} carries the leaseholder core's own refusal ({@code
 *       leaseholder.Refusal}) when it is not a routing one; the host may instead map it to a {@link
 *       ParticipantReply} itself, as {@link GatewayReplies#participantReply} does (the gateway does it
 *       for refusals it receives).
 *   <li>{@link ChannelAnswer.Replied}: the leaseholder's answer, from node {@code from}.
 * </ol>
 */
public interface RangeChannel {

  /** Where a request goes: range {@code range} (as the gateway's cache describes it), at {@code node}. */
  record Target(RangeDescriptor range, NodeId node) {
    public Target {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(node, "node");
    }
  }

  /** A coordinator's request (commit, prepare, decision, resolve, query) to the range's leaseholder. */
  void send(Target target, CoordinatorRequest request, long timeoutNanos,
      Consumer<ChannelAnswer<ParticipantReply>> done);

  /**
   * A snapshot read of {@code key} at {@code readTs} at the range's leaseholder (which first waits
   * for prepared writers of it at or below {@code readTs}, then raises its read watermark): the
   * newest version at or below it, a tombstone included, or empty.
   */
  void get(Target target, Key key, Timestamp readTs, long timeoutNanos,
      Consumer<ChannelAnswer<Optional<Version>>> done);

  /**
   * A snapshot scan of {@code span} (inside the target's span) at {@code readTs}: at most {@code
   * maxRows} live versions in {@code direction} order. Fewer than {@code maxRows} means the span is
   * exhausted.
   */
  void scan(Target target, KeySpan span, Timestamp readTs, Direction direction, int maxRows,
      long timeoutNanos, Consumer<ChannelAnswer<List<Version>>> done);

  /** What an applied split left: the range's new descriptor and the new range's. */
  record SplitResult(RangeDescriptor left, RangeDescriptor right) {
    public SplitResult {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /**
   * Splits {@code target}'s range at {@code splitKey} at its leaseholder, the right side becoming
   * range {@code newRange}: {@link ChannelAnswer.Replied} once applied there; a refusal of kind
   * {@code OUTCOME_UNKNOWN} or {@link ChannelAnswer.TimedOut} when it may or may not have applied.
   * A channel that carries no splits (the default) answers {@link ChannelAnswer.NotDelivered}.
   */
  default void split(Target target, Key splitKey, RangeId newRange, long timeoutNanos,
      Consumer<ChannelAnswer<SplitResult>> done) {
    done.accept(new ChannelAnswer.NotDelivered<>("this channel carries no splits"));
  }
}
