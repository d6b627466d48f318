package dev.meridian.txn.wire;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.Scheduler;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.RpcError;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.gateway.ChannelAnswer;
import dev.meridian.txn.gateway.RangeChannel;
import dev.meridian.txn.gateway.RangeChannel.SplitResult;
import dev.meridian.txn.leaseholder.Refusal;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The gateway's {@link RangeChannel} over the runtime's {@link Rpc} endpoint and the {@link
 * RangeRequests} types, served by {@code host.RangeServer}. It maps wire answers onto {@link
 * ChannelAnswer} as the in-process model of the gateway's tests ({@code gateway.ClusterHarness})
 * does:
 *
 * <ul>
 *   <li>a {@link ParticipantReply.Redirect} or a {@link SnapshotReads.Refused} that is a routing
 *       answer becomes {@link ChannelAnswer.Misrouted} with the {@link RoutingError} it stands for,
 *       keeping the server's leaseholder hint (a stale-generation answer carries no current
 *       descriptors: the wire does not send them, and the gateway looks the span up again);
 *   <li>a read refused for a reason that is not about routing ({@code RETRY_LATER}, {@code TOO_OLD})
 *       becomes {@link ChannelAnswer.Refused} with the matching {@link Refusal}: nothing was read;
 *   <li>every other answer is {@link ChannelAnswer.Replied} from the node asked;
 *   <li>an {@link RpcError} that is {@link RpcError#certainlyNotRun certainly not run} is {@link
 *       ChannelAnswer.NotDelivered}; any other (a timeout, a handler failure, a malformed response,
 *       the endpoint closing with the request out) is {@link ChannelAnswer.TimedOut}: the request
 *       may have run, so it must never look undelivered — for a {@code CommitOnePhase} that would
 *       turn an unknown outcome into a retry that could commit twice.
 * </ul>
 *
 * <p>The contract of {@link RangeChannel}: the channel itself never retries (the RPC layer resends
 * only the idempotent types, and never {@link RangeRequests#COMMIT_ONE_PHASE}), and {@code done}
 * runs exactly once and never inside the call: every call is started by a task on the endpoint's
 * loop, since {@link Rpc#call} may answer before it returns and must run on that loop anyway.
 */
public final class RpcRangeChannel implements RangeChannel {

  private final Rpc rpc;
  private final Scheduler rpcLoop;

  /** @param rpcLoop the loop {@code rpc} runs on (every call is made there) */
  public RpcRangeChannel(Rpc rpc, Scheduler rpcLoop) {
    this.rpc = Objects.requireNonNull(rpc, "rpc");
    this.rpcLoop = Objects.requireNonNull(rpcLoop, "rpcLoop");
  }

  @Override
  public void send(Target target, CoordinatorRequest request, long timeoutNanos,
      Consumer<ChannelAnswer<ParticipantReply>> done) {
    rpcLoop.execute(() -> RangeRequests.call(rpc, target.node(), request, timeoutNanos,
        reply -> done.accept(coordinatorAnswer(target, reply))));
  }

  @Override
  public void get(Target target, Key key, Timestamp readTs, long timeoutNanos,
      Consumer<ChannelAnswer<Optional<Version>>> done) {
    RangeDescriptor range = target.range();
    SnapshotReads.Get get = new SnapshotReads.Get(range.id(), range.generation(), key, readTs);
    rpcLoop.execute(() -> rpc.call(target.node(), RangeRequests.GET, get, timeoutNanos,
        reply -> done.accept(readAnswer(target, reply, versions -> versions.stream().findFirst()))));
  }

  @Override
  public void scan(Target target, KeySpan span, Timestamp readTs, Direction direction, int maxRows,
      long timeoutNanos, Consumer<ChannelAnswer<List<Version>>> done) {
    RangeDescriptor range = target.range();
    SnapshotReads.Scan scan = new SnapshotReads.Scan(range.id(), range.generation(), span, readTs, direction, maxRows);
    rpcLoop.execute(() -> rpc.call(target.node(), RangeRequests.SCAN, scan, timeoutNanos,
        reply -> done.accept(readAnswer(target, reply, versions -> versions))));
  }

  @Override
  public void split(Target target, Key splitKey, RangeId newRange, long timeoutNanos,
      Consumer<ChannelAnswer<SplitResult>> done) {
    RangeDescriptor range = target.range();
    SplitRequests.Split split = new SplitRequests.Split(range.id(), range.generation(), splitKey, newRange);
    rpcLoop.execute(() -> rpc.call(target.node(), SplitRequests.SPLIT, split, timeoutNanos,
        reply -> done.accept(splitAnswer(target, reply))));
  }

  /** The channel's answer for the wire answer (or rpc error) to a split at {@code target}. */
  static ChannelAnswer<SplitResult> splitAnswer(Target target, Reply<SplitRequests.Answer> reply) {
    return switch (reply) {
      case Reply.Failed<SplitRequests.Answer> failed -> undelivered(failed.error());
      case Reply.Ok<SplitRequests.Answer> ok -> switch (ok.value()) {
        case SplitRequests.Done done -> new ChannelAnswer.Replied<>(target.node(), new SplitResult(done.left(), done.right()));
        case SplitRequests.Unknown unknown -> new ChannelAnswer.Refused<>(
            new Refusal(Refusal.Kind.OUTCOME_UNKNOWN, unknown.why(), null, null, null));
        case SplitRequests.Refused refused -> readAnswer(target,
            new Reply.Ok<>(new SnapshotReads.Refused(refused.redirect(), refused.leaseholderHint(), refused.why())),
            versions -> (SplitResult) null);
      };
    };
  }

  /** The channel's answer for the wire answer (or rpc error) to a coordinator request to {@code target}. */
  static ChannelAnswer<ParticipantReply> coordinatorAnswer(Target target, Reply<ParticipantAnswer> reply) {
    return switch (reply) {
      case Reply.Failed<ParticipantAnswer> failed -> undelivered(failed.error());
      case Reply.Ok<ParticipantAnswer> ok -> {
        ParticipantAnswer answer = ok.value();
        if (answer.reply() instanceof ParticipantReply.Redirect redirect) {
          yield new ChannelAnswer.Misrouted<>(routingError(target, redirect.reason(), answer.leaseholderHint()));
        }
        yield new ChannelAnswer.Replied<>(target.node(), answer.reply());
      }
    };
  }

  /** The channel's answer for the wire answer (or rpc error) to a snapshot read at {@code target}. */
  static <T> ChannelAnswer<T> readAnswer(Target target, Reply<SnapshotReads.Answer> reply,
      Function<List<Version>, T> value) {
    return switch (reply) {
      case Reply.Failed<SnapshotReads.Answer> failed -> undelivered(failed.error());
      case Reply.Ok<SnapshotReads.Answer> ok -> switch (ok.value()) {
        case SnapshotReads.Versions versions -> new ChannelAnswer.Replied<>(target.node(), value.apply(versions.versions()));
        case SnapshotReads.Refused refused -> switch (refused.redirect()) {
          case NOT_LEASEHOLDER -> new ChannelAnswer.Misrouted<>(
              routingError(target, ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER, refused.leaseholderHint()));
          case RANGE_NOT_FOUND -> new ChannelAnswer.Misrouted<>(
              routingError(target, ParticipantReply.Redirect.Reason.RANGE_NOT_FOUND, null));
          case STALE_DESCRIPTOR -> new ChannelAnswer.Misrouted<>(
              routingError(target, ParticipantReply.Redirect.Reason.STALE_GENERATION, null));
          case RETRY_LATER -> new ChannelAnswer.Refused<>(new Refusal(Refusal.Kind.RETRY_LATER, refused.why(),
              refused.leaseholderHint(), null, null));
          case TOO_OLD -> new ChannelAnswer.Refused<>(new Refusal(Refusal.Kind.TOO_OLD, refused.why(), null, null, null));
        };
      };
    };
  }

  /** Only an error that certainly did not run is undelivered; any other may have run (unknown). */
  private static <T> ChannelAnswer<T> undelivered(RpcError error) {
    return error.certainlyNotRun() ? new ChannelAnswer.NotDelivered<>(error.toString()) : new ChannelAnswer.TimedOut<>();
  }

  private static RoutingError routingError(Target target, ParticipantReply.Redirect.Reason reason,
      NodeId hint) {
    RangeDescriptor range = target.range();
    return switch (reason) {
      case NOT_LEASEHOLDER -> new RoutingError.NotLeaseholder(range.id(), range.generation(), hint);
      case STALE_GENERATION -> new RoutingError.StaleGeneration(range.id(), range.generation(), List.of());
      case RANGE_NOT_FOUND -> new RoutingError.RangeNotFound(range.id(), range.generation());
    };
  }
}
