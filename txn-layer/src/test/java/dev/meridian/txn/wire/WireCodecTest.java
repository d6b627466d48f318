package dev.meridian.txn.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Codec;
import dev.meridian.runtime.rpc.RequestType;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every range request payload survives the wire, and a damaged one is refused, not misread. */
class WireCodecTest {

  private static final RangeId RANGE = new RangeId(4);
  private static final TxnId TXN = new TxnId(2, 77);
  private static final Timestamp TS = Timestamp.ofMicros(1_700_000_000_000_123L);

  static <T> T roundTrip(Codec<T> codec, T value) {
    byte[] bytes = codec.encode(value);
    T back = codec.decode(bytes);
    assertArrayEquals(bytes, codec.encode(back), "re-encoding " + value);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(BinaryReader.MalformedException.class, () -> codec.decode(longer), "trailing byte");
    byte[] otherVersion = bytes.clone();
    otherVersion[0] = 2;
    assertThrows(BinaryReader.MalformedException.class, () -> codec.decode(otherVersion), "version 2");
    for (int cut = 1; cut < bytes.length; cut += Math.max(1, bytes.length / 7)) {
      byte[] shorter = Arrays.copyOf(bytes, cut);
      assertThrows(RuntimeException.class, () -> codec.decode(shorter), "cut at " + cut);
    }
    return back;
  }

  private static Write put(String key, String value) {
    return Write.put(Key.utf8(key), value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void coordinatorRequestsRoundTrip() {
    CoordinatorRequest.CommitOnePhase commit = roundTrip(WireCodec.COMMIT_ONE_PHASE,
        new CoordinatorRequest.CommitOnePhase(RANGE, 3, TXN, TS, List.of(Key.utf8("a"), Key.utf8("b")),
            List.of(new KeySpan(Key.utf8("c"), null)), List.of(put("a", "1"), Write.delete(Key.utf8("b")))));
    assertEquals(TXN, commit.txn());
    assertEquals(3, commit.generation());
    assertTrue(commit.writes().get(1).isDelete());
    assertEquals(new KeySpan(Key.utf8("c"), null), commit.readSpans().getFirst());

    CoordinatorRequest.Prepare prepare = roundTrip(WireCodec.PREPARE, new CoordinatorRequest.Prepare(RANGE, 1, TXN, TS,
        List.of(), List.of(new KeySpan(Key.utf8("a"), Key.utf8("b"))), List.of(put("a", "x")), new RangeId(9)));
    assertEquals(new RangeId(9), prepare.coordinatorRange());

    assertEquals(List.of(RANGE, new RangeId(5)), roundTrip(WireCodec.RECORD_DECISION,
        new CoordinatorRequest.RecordDecision(RANGE, TXN, TxnOutcome.COMMITTED, TS, List.of(RANGE, new RangeId(5))))
        .participants());
    assertEquals(new CoordinatorRequest.Resolve(RANGE, TXN, TxnOutcome.ABORTED, null),
        roundTrip(WireCodec.RESOLVE, new CoordinatorRequest.Resolve(RANGE, TXN, TxnOutcome.ABORTED, null)));
    assertEquals(new CoordinatorRequest.QueryDecision(RANGE, TXN, TS),
        roundTrip(WireCodec.QUERY_DECISION, new CoordinatorRequest.QueryDecision(RANGE, TXN, TS)));
  }

  @Test
  void answersRoundTrip() {
    List<ParticipantReply> replies = List.of(new ParticipantReply.Prepared(TS), new ParticipantReply.Committed(TS),
        new ParticipantReply.Conflict(Key.utf8("k"), "was written"), new ParticipantReply.Conflict(null, "too old"),
        new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION),
        new ParticipantReply.OutcomeUnknown("lease lost"),
        new ParticipantReply.Recorded(TxnOutcome.COMMITTED, TS), new ParticipantReply.Recorded(TxnOutcome.ABORTED, null),
        new ParticipantReply.Undecided(TS), new ParticipantReply.Resolved());
    for (ParticipantReply reply : replies) {
      assertEquals(reply, roundTrip(WireCodec.ANSWER, ParticipantAnswer.of(reply)).reply());
    }
    ParticipantAnswer hinted = new ParticipantAnswer(
        new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER), new NodeId(3));
    assertEquals(hinted, roundTrip(WireCodec.ANSWER, hinted));
    String longWhy = "x".repeat(WireCodec.MAX_TEXT_BYTES * 2);
    assertEquals(WireCodec.MAX_TEXT_BYTES, ((ParticipantReply.OutcomeUnknown) WireCodec.ANSWER.decode(
        WireCodec.ANSWER.encode(ParticipantAnswer.of(new ParticipantReply.OutcomeUnknown(longWhy)))).reply()).why().length());
  }

  @Test
  void readsRoundTrip() {
    assertEquals(new SnapshotReads.Get(RANGE, 2, Key.utf8("k"), TS),
        roundTrip(WireCodec.GET, new SnapshotReads.Get(RANGE, 2, Key.utf8("k"), TS)));
    SnapshotReads.Scan scan = new SnapshotReads.Scan(RANGE, 2, new KeySpan(Key.utf8("a"), Key.utf8("q")), TS,
        Direction.REVERSE, 17);
    assertEquals(scan, roundTrip(WireCodec.SCAN, scan));
    SnapshotReads.Versions versions = (SnapshotReads.Versions) roundTrip(WireCodec.READ_ANSWER, new SnapshotReads.Versions(
        List.of(new Version(Key.utf8("a"), TS, "v".getBytes(StandardCharsets.UTF_8)), new Version(Key.utf8("b"), TS, null))));
    assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), versions.versions().get(0).value());
    assertTrue(versions.versions().get(1).isTombstone());
    SnapshotReads.Refused refused = new SnapshotReads.Refused(SnapshotReads.Redirect.NOT_LEASEHOLDER, new NodeId(2), "go");
    assertEquals(refused, roundTrip(WireCodec.READ_ANSWER, refused));
  }

  @Test
  void onlyTheOnePhaseCommitIsNeverRetriedAndTypeNumbersAreDistinct() {
    Set<Integer> ids = new HashSet<>();
    for (RequestType<?, ?> type : RangeRequests.ALL) {
      assertTrue(ids.add(type.id()), "type " + type.id() + " twice");
      assertEquals(type != RangeRequests.COMMIT_ONE_PHASE, type.idempotent(), type.name());
    }
    assertFalse(RangeRequests.COMMIT_ONE_PHASE.retry().retries());
  }
}
