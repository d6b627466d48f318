package dev.meridian.txn.wire;

import static dev.meridian.txn.wire.WireCodecTest.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.RequestType;
import dev.meridian.runtime.rpc.RpcError;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.gateway.ChannelAnswer;
import dev.meridian.txn.gateway.FollowerRead;
import dev.meridian.txn.gateway.RangeChannel;
import dev.meridian.txn.leaseholder.ClosedTimestampUpdate;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.leaseholder.Refusal;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The follower-read payloads (M7) survive the wire and a damaged one is refused; the closed-timestamp
 * batch keeps its 32-byte entries; the follower types are idempotent and numbered apart from the
 * leaseholder's; and {@link RpcFollowerReadChannel} maps each wire answer onto the gateway's.
 */
class FollowerWireCodecTest {

  private static final RangeId RANGE = new RangeId(4);
  private static final Timestamp TS = Timestamp.ofMicros(1_700_000_000_000_123L);
  private static final RangeChannel.Target TARGET = new RangeChannel.Target(new RangeDescriptor(RANGE,
      new KeySpan(Key.utf8("a"), Key.utf8("z")), List.of(new ReplicaDescriptor(new NodeId(2), "r2", ReplicaRole.VOTER)),
      3), new NodeId(2));

  @Test
  void requestsRoundTrip() {
    var get = new FollowerReadMessages.FollowerGet(RANGE, 3, Key.utf8("k"), TS, true);
    assertEquals(get, roundTrip(FollowerWireCodec.FOLLOWER_GET, get));
    var scan = new FollowerReadMessages.FollowerScan(RANGE, 3, new KeySpan(Key.utf8("a"), Key.utf8("q")), TS, false,
        Direction.REVERSE, 9);
    assertEquals(scan, roundTrip(FollowerWireCodec.FOLLOWER_SCAN, scan));
    var safe = new FollowerReadMessages.SafeTimeQuery(RANGE, 3);
    assertEquals(safe, roundTrip(FollowerWireCodec.SAFE_TIME, safe));
    var index = new FollowerReadMessages.ReadIndexRequest(RANGE, 3, KeySpan.point(Key.utf8("k")), TS);
    assertEquals(index, roundTrip(FollowerWireCodec.READ_INDEX, index));
  }

  @Test
  void answersRoundTrip() {
    var versions = (FollowerReadMessages.Versions) roundTrip(FollowerWireCodec.ANSWER, new FollowerReadMessages.Versions(
        List.of(new Version(Key.utf8("a"), TS, "v".getBytes(StandardCharsets.UTF_8)), new Version(Key.utf8("b"), TS, null))));
    assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), versions.versions().get(0).value());
    assertTrue(versions.versions().get(1).isTombstone());
    for (FollowerReadMessages.Answer answer : List.of(new FollowerReadMessages.NotYet(TS, "behind"),
        new FollowerReadMessages.TooOld(TS), new FollowerReadMessages.SafeTime(TS), new FollowerReadMessages.Indexed(42),
        new FollowerReadMessages.Refused(SnapshotReads.Redirect.NOT_LEASEHOLDER, new NodeId(3), "go"))) {
      assertEquals(answer, roundTrip(FollowerWireCodec.ANSWER, answer));
    }
    byte[] unknownTag = FollowerWireCodec.ANSWER.encode(new FollowerReadMessages.TooOld(TS));
    unknownTag[1] = 0x09;
    assertThrows(BinaryReader.MalformedException.class, () -> FollowerWireCodec.ANSWER.decode(unknownTag));
  }

  @Test
  void aClosedTimestampBatchIsThirtyTwoBytesAnEntry() {
    var batch = new FollowerReadMessages.ClosedTimestampBatch(new NodeId(1), List.of(
        new ClosedTimestampUpdate(RANGE, 7, TS, new LogSlot(12)),
        new ClosedTimestampUpdate(new RangeId(5), 2, Timestamp.ofMicros(TS.micros() + 1), new LogSlot(0))));
    assertEquals(batch, roundTrip(FollowerWireCodec.CLOSED_TIMESTAMPS, batch));
    int empty = FollowerWireCodec.CLOSED_TIMESTAMPS.encode(
        new FollowerReadMessages.ClosedTimestampBatch(new NodeId(1), List.of())).length;
    assertEquals(empty + 2 * FollowerWireCodec.CLOSED_ENTRY_BYTES, FollowerWireCodec.CLOSED_TIMESTAMPS.encode(batch).length);
  }

  @Test
  void followerTypesAreIdempotentAndNumberedApart() {
    Set<Integer> ids = new HashSet<>();
    for (RequestType<?, ?> type : RangeRequests.ALL) {
      ids.add(type.id());
    }
    ids.add(RangeRequests.CLOSED_TIMESTAMPS);
    for (RequestType<?, ?> type : RangeRequests.FOLLOWER) {
      assertTrue(ids.add(type.id()), "type " + type.id() + " twice");
      assertTrue(type.idempotent(), type.name());
    }
  }

  @Test
  void theChannelMapsWireAnswersOntoTheGatewaysAnswers() {
    var served = RpcFollowerReadChannel.readAnswer(TARGET, new Reply.Ok<FollowerReadMessages.Answer>(
        new FollowerReadMessages.Versions(List.of(new Version(Key.utf8("k"), TS, new byte[] {1})))),
        versions -> versions.stream().findFirst());
    var replied = assertInstanceOf(ChannelAnswer.Replied.class, served);
    assertEquals(new NodeId(2), replied.from());
    Optional<?> value = (Optional<?>) assertInstanceOf(FollowerRead.Served.class, replied.value()).value();
    assertEquals(TS, ((Version) value.orElseThrow()).commitTs());

    var notYet = RpcFollowerReadChannel.readAnswer(TARGET,
        new Reply.Ok<FollowerReadMessages.Answer>(new FollowerReadMessages.NotYet(TS, "behind")), v -> v);
    assertEquals(new FollowerRead.NotYet<>(TS), assertInstanceOf(ChannelAnswer.Replied.class, notYet).value());
    var tooOld = RpcFollowerReadChannel.readAnswer(TARGET,
        new Reply.Ok<FollowerReadMessages.Answer>(new FollowerReadMessages.TooOld(TS)), v -> v);
    assertEquals(new FollowerRead.TooOld<>(TS), assertInstanceOf(ChannelAnswer.Replied.class, tooOld).value());

    var notHere = RpcFollowerReadChannel.readAnswer(TARGET, new Reply.Ok<FollowerReadMessages.Answer>(
        new FollowerReadMessages.Refused(SnapshotReads.Redirect.RANGE_NOT_FOUND, null, "not here")), v -> v);
    assertInstanceOf(RoutingError.RangeNotFound.class, assertInstanceOf(ChannelAnswer.Misrouted.class, notHere).error());
    var later = RpcFollowerReadChannel.readAnswer(TARGET, new Reply.Ok<FollowerReadMessages.Answer>(
        new FollowerReadMessages.Refused(SnapshotReads.Redirect.RETRY_LATER, null, "busy")), v -> v);
    assertEquals(Refusal.Kind.RETRY_LATER, assertInstanceOf(ChannelAnswer.Refused.class, later).refusal().kind());

    assertInstanceOf(ChannelAnswer.TimedOut.class, RpcFollowerReadChannel.readAnswer(TARGET,
        new Reply.Failed<FollowerReadMessages.Answer>(new RpcError(RpcError.Kind.TIMEOUT, false, "late")), v -> v));
    assertInstanceOf(ChannelAnswer.NotDelivered.class, RpcFollowerReadChannel.readAnswer(TARGET,
        new Reply.Failed<FollowerReadMessages.Answer>(new RpcError(RpcError.Kind.REJECTED, true, "no")), v -> v));

    var safe = RpcFollowerReadChannel.safeTimeAnswer(TARGET,
        new Reply.Ok<FollowerReadMessages.Answer>(new FollowerReadMessages.SafeTime(TS)));
    assertEquals(TS, assertInstanceOf(ChannelAnswer.Replied.class, safe).value());
  }
}
