package dev.meridian.txn.wire;

import dev.meridian.runtime.Scheduler;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.runtime.rpc.RpcError;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.gateway.ChannelAnswer;
import dev.meridian.txn.gateway.FollowerRead;
import dev.meridian.txn.gateway.FollowerReadChannel;
import dev.meridian.txn.gateway.RangeChannel;
import dev.meridian.txn.leaseholder.Refusal;
import dev.meridian.txn.types.RangeDescriptor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The gateway's {@link FollowerReadChannel} over the runtime's {@link Rpc} and the follower types of
 * {@link RangeRequests} (M7), as {@link RpcRangeChannel} is its {@link RangeChannel}; served by
 * {@code host.RangeServer}. Wire answers map onto {@link ChannelAnswer}s so:
 *
 * <ul>
 *   <li>{@link FollowerReadMessages.Versions} is {@link FollowerRead.Served}, {@link
 *       FollowerReadMessages.NotYet} {@link FollowerRead.NotYet}, {@link FollowerReadMessages.TooOld}
 *       {@link FollowerRead.TooOld}, each {@link ChannelAnswer.Replied} from the node asked; a safe
 *       time is {@code Replied} with the timestamp;
 *   <li>a {@link FollowerReadMessages.Refused} is {@link ChannelAnswer.Misrouted} for a routing
 *       redirect (range not here, stale descriptor) and {@link ChannelAnswer.Refused} otherwise;
 *   <li>an {@link RpcError} that certainly did not run is {@link ChannelAnswer.NotDelivered}, any
 *       other {@link ChannelAnswer.TimedOut} (a read changes nothing, but the contract is the same).
 * </ul>
 *
 * <p>{@code done} runs exactly once and never inside the call: every call starts in a task on the
 * endpoint's loop.
 */
public final class RpcFollowerReadChannel implements FollowerReadChannel {

  private final Rpc rpc;
  private final Scheduler rpcLoop;

  /** @param rpcLoop the loop {@code rpc} runs on (every call is made there) */
  public RpcFollowerReadChannel(Rpc rpc, Scheduler rpcLoop) {
    this.rpc = Objects.requireNonNull(rpc, "rpc");
    this.rpcLoop = Objects.requireNonNull(rpcLoop, "rpcLoop");
  }

  @Override
  public void followerGet(RangeChannel.Target target, Key key, Timestamp readTs, boolean strong, long timeoutNanos,
      Consumer<ChannelAnswer<FollowerRead<Optional<Version>>>> done) {
    RangeDescriptor range = target.range();
    var get = new FollowerReadMessages.FollowerGet(range.id(), range.generation(), key, readTs, strong);
    rpcLoop.execute(() -> rpc.call(target.node(), RangeRequests.FOLLOWER_GET, get, timeoutNanos,
        reply -> done.accept(readAnswer(target, reply, versions -> versions.stream().findFirst()))));
  }

  @Override
  public void followerScan(RangeChannel.Target target, KeySpan span, Timestamp readTs, boolean strong,
      Direction direction, int maxRows, long timeoutNanos, Consumer<ChannelAnswer<FollowerRead<List<Version>>>> done) {
    RangeDescriptor range = target.range();
    var scan = new FollowerReadMessages.FollowerScan(range.id(), range.generation(), span, readTs, strong, direction,
        maxRows);
    rpcLoop.execute(() -> rpc.call(target.node(), RangeRequests.FOLLOWER_SCAN, scan, timeoutNanos,
        reply -> done.accept(readAnswer(target, reply, versions -> versions))));
  }

  @Override
  public void safeTime(RangeChannel.Target target, long timeoutNanos, Consumer<ChannelAnswer<Timestamp>> done) {
    RangeDescriptor range = target.range();
    var query = new FollowerReadMessages.SafeTimeQuery(range.id(), range.generation());
    rpcLoop.execute(() -> rpc.call(target.node(), RangeRequests.SAFE_TIME, query, timeoutNanos,
        reply -> done.accept(safeTimeAnswer(target, reply))));
  }

  /** The channel's answer for a follower read's wire answer (or rpc error). */
  static <T> ChannelAnswer<FollowerRead<T>> readAnswer(RangeChannel.Target target,
      Reply<FollowerReadMessages.Answer> reply, Function<List<Version>, T> value) {
    return switch (reply) {
      case Reply.Failed<FollowerReadMessages.Answer> failed -> undelivered(failed.error());
      case Reply.Ok<FollowerReadMessages.Answer> ok -> switch (ok.value()) {
        case FollowerReadMessages.Versions v ->
            new ChannelAnswer.Replied<>(target.node(), new FollowerRead.Served<>(value.apply(v.versions())));
        case FollowerReadMessages.NotYet n -> new ChannelAnswer.Replied<>(target.node(), new FollowerRead.NotYet<>(n.safeTime()));
        case FollowerReadMessages.TooOld t -> new ChannelAnswer.Replied<>(target.node(), new FollowerRead.TooOld<>(t.gcHorizon()));
        case FollowerReadMessages.Refused r -> refused(target, r);
        case FollowerReadMessages.SafeTime s -> throw new IllegalStateException(target + " answered a read with " + s);
        case FollowerReadMessages.Indexed i -> throw new IllegalStateException(target + " answered a read with " + i);
      };
    };
  }

  static ChannelAnswer<Timestamp> safeTimeAnswer(RangeChannel.Target target, Reply<FollowerReadMessages.Answer> reply) {
    return switch (reply) {
      case Reply.Failed<FollowerReadMessages.Answer> failed -> undelivered(failed.error());
      case Reply.Ok<FollowerReadMessages.Answer> ok -> switch (ok.value()) {
        case FollowerReadMessages.SafeTime s -> new ChannelAnswer.Replied<>(target.node(), s.safeTime());
        case FollowerReadMessages.Refused r -> refused(target, r);
        default -> throw new IllegalStateException(target + " answered a safe-time query with " + ok.value());
      };
    };
  }

  private static <T> ChannelAnswer<T> refused(RangeChannel.Target target, FollowerReadMessages.Refused refused) {
    RangeDescriptor range = target.range();
    return switch (refused.redirect()) {
      case RANGE_NOT_FOUND -> new ChannelAnswer.Misrouted<>(new RoutingError.RangeNotFound(range.id(), range.generation()));
      case STALE_DESCRIPTOR -> new ChannelAnswer.Misrouted<>(
          new RoutingError.StaleGeneration(range.id(), range.generation(), List.of()));
      case NOT_LEASEHOLDER -> new ChannelAnswer.Misrouted<>(
          new RoutingError.NotLeaseholder(range.id(), range.generation(), refused.leaseholderHint()));
      case RETRY_LATER -> new ChannelAnswer.Refused<>(new Refusal(Refusal.Kind.RETRY_LATER, refused.why(),
          refused.leaseholderHint(), null, null));
      case TOO_OLD -> new ChannelAnswer.Refused<>(new Refusal(Refusal.Kind.TOO_OLD, refused.why(), null, null, null));
    };
  }

  private static <T> ChannelAnswer<T> undelivered(RpcError error) {
    return error.certainlyNotRun() ? new ChannelAnswer.NotDelivered<>(error.toString()) : new ChannelAnswer.TimedOut<>();
  }

  /** For the host's ReadIndex call: the slot, or null when the leaseholder could not say. */
  public static Long indexedSlot(Reply<FollowerReadMessages.Answer> reply) {
    return reply instanceof Reply.Ok<FollowerReadMessages.Answer> ok
        && ok.value() instanceof FollowerReadMessages.Indexed indexed ? indexed.slot() : null;
  }
}
