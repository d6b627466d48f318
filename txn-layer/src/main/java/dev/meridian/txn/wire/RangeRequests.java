package dev.meridian.txn.wire;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.RequestType;
import dev.meridian.runtime.rpc.RetryPolicy;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import java.util.List;
import java.util.function.Consumer;

/**
 * The runtime {@link RequestType}s a gateway sends to a range's leaseholder, one per request kind
 * (envelope types 100–106; the follower reads of M7 are 120–124), and {@link #call} to send any {@link CoordinatorRequest} with the right
 * one. The serving side is {@code dev.meridian.txn.host.RangeServer}.
 *
 * <p>Retries: reads, {@code Prepare} (idempotent by transaction: a prepared participant answers its
 * first prepare timestamp), {@code RecordDecision} (write-once: the answer is the decision that won),
 * {@code Resolve} (a second resolve finds nothing to resolve) and {@code QueryDecision} may be resent
 * by the RPC layer. {@code CommitOnePhase} is {@link RequestType#once}: a second copy would validate
 * against the first one's writes and answer a conflict for a transaction that committed (see its
 * javadoc), so the RPC layer never retransmits it and a lost answer is the coordinator's unknown
 * outcome (40003).
 */
public final class RangeRequests {

  private RangeRequests() {}

  /**
   * Resends of the idempotent kinds: up to 4 attempts, each waiting at most 500 ms (a few WAN round
   * trips plus a Paxos round), backing off from 10 ms to 200 ms.
   */
  public static final RetryPolicy RETRY = new RetryPolicy(4, 500_000_000L, 10_000_000L, 200_000_000L);

  public static final RequestType<SnapshotReads.Get, SnapshotReads.Answer> GET =
      RequestType.idempotent(100, "range-get", WireCodec.GET, WireCodec.READ_ANSWER, RETRY);
  public static final RequestType<SnapshotReads.Scan, SnapshotReads.Answer> SCAN =
      RequestType.idempotent(101, "range-scan", WireCodec.SCAN, WireCodec.READ_ANSWER, RETRY);
  public static final RequestType<CoordinatorRequest.CommitOnePhase, ParticipantAnswer> COMMIT_ONE_PHASE =
      RequestType.once(102, "range-commit-one-phase", WireCodec.COMMIT_ONE_PHASE, WireCodec.ANSWER);
  public static final RequestType<CoordinatorRequest.Prepare, ParticipantAnswer> PREPARE =
      RequestType.idempotent(103, "range-prepare", WireCodec.PREPARE, WireCodec.ANSWER, RETRY);
  public static final RequestType<CoordinatorRequest.RecordDecision, ParticipantAnswer> RECORD_DECISION =
      RequestType.idempotent(104, "range-record-decision", WireCodec.RECORD_DECISION, WireCodec.ANSWER, RETRY);
  public static final RequestType<CoordinatorRequest.Resolve, ParticipantAnswer> RESOLVE =
      RequestType.idempotent(105, "range-resolve", WireCodec.RESOLVE, WireCodec.ANSWER, RETRY);
  public static final RequestType<CoordinatorRequest.QueryDecision, ParticipantAnswer> QUERY_DECISION =
      RequestType.idempotent(106, "range-query-decision", WireCodec.QUERY_DECISION, WireCodec.ANSWER, RETRY);

  // Reads from any replica (M7), FollowerReadMessages. Numbered from 120 to leave 107–119 to more
  // leaseholder requests. All idempotent: a follower read changes nothing, a ReadIndex only raises
  // the leaseholder's read watermark to where a repeat already put it.

  /** A gateway's follower get at one replica. */
  public static final RequestType<FollowerReadMessages.FollowerGet, FollowerReadMessages.Answer> FOLLOWER_GET =
      RequestType.idempotent(120, "range-follower-get", FollowerWireCodec.FOLLOWER_GET, FollowerWireCodec.ANSWER, RETRY);
  /** A gateway's follower scan at one replica. */
  public static final RequestType<FollowerReadMessages.FollowerScan, FollowerReadMessages.Answer> FOLLOWER_SCAN =
      RequestType.idempotent(121, "range-follower-scan", FollowerWireCodec.FOLLOWER_SCAN, FollowerWireCodec.ANSWER,
          RETRY);
  /** A gateway asks one replica its safe time (bounded staleness). */
  public static final RequestType<FollowerReadMessages.SafeTimeQuery, FollowerReadMessages.Answer> SAFE_TIME =
      RequestType.idempotent(122, "range-safe-time", FollowerWireCodec.SAFE_TIME, FollowerWireCodec.ANSWER, RETRY);
  /** A replica serving a strong read asks the leaseholder for its applied point. */
  public static final RequestType<FollowerReadMessages.ReadIndexRequest, FollowerReadMessages.Answer> READ_INDEX =
      RequestType.idempotent(123, "range-read-index", FollowerWireCodec.READ_INDEX, FollowerWireCodec.ANSWER, RETRY);
  /**
   * The envelope type of the one-way {@link FollowerReadMessages.ClosedTimestampBatch} a node sends
   * each peer per close interval (payload {@link FollowerWireCodec#CLOSED_TIMESTAMPS}).
   */
  public static final int CLOSED_TIMESTAMPS = 124;

  /** Every follower-read request type. */
  public static final List<RequestType<?, ?>> FOLLOWER =
      List.of(FOLLOWER_GET, FOLLOWER_SCAN, SAFE_TIME, READ_INDEX);

  /** Every range request type, for registration checks. */
  public static final List<RequestType<?, ?>> ALL =
      List.of(GET, SCAN, COMMIT_ONE_PHASE, PREPARE, RECORD_DECISION, RESOLVE, QUERY_DECISION);

  /**
   * Sends {@code request} to {@code to} (the node believed to hold the lease of its range) with its
   * kind's request type; {@code onReply} gets the leaseholder's answer or the RPC error. An {@link
   * dev.meridian.runtime.rpc.RpcError} that is not {@code certainlyNotRun} on a {@code CommitOnePhase}
   * is an unknown outcome.
   */
  public static Cancellable call(Rpc rpc, NodeId to, CoordinatorRequest request, long timeoutNanos,
      Consumer<Reply<ParticipantAnswer>> onReply) {
    return switch (request) {
      case CoordinatorRequest.CommitOnePhase c -> rpc.call(to, COMMIT_ONE_PHASE, c, timeoutNanos, onReply);
      case CoordinatorRequest.Prepare p -> rpc.call(to, PREPARE, p, timeoutNanos, onReply);
      case CoordinatorRequest.RecordDecision d -> rpc.call(to, RECORD_DECISION, d, timeoutNanos, onReply);
      case CoordinatorRequest.Resolve r -> rpc.call(to, RESOLVE, r, timeoutNanos, onReply);
      case CoordinatorRequest.QueryDecision q -> rpc.call(to, QUERY_DECISION, q, timeoutNanos, onReply);
    };
  }
}
