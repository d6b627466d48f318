package dev.meridian.txn.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.wire.FollowerReadMessages;
import dev.meridian.txn.wire.ParticipantAnswer;
import dev.meridian.txn.wire.RangeRequests;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads from any replica on three Paxos-hosted nodes (M7), through the follower request types: the
 * close cadence closes an idle range on the nodes' coalesced batches, so a follower serves a stale
 * read of a committed write from its own state; a read above its safe time is refused with that
 * safe time; a strong read at a lagging follower waits for the slot the leaseholder's ReadIndex
 * named and is served once the follower catches up, or is refused when it does not in time; and
 * the host's stats count all of it.
 */
class FollowerReadsHostTest {

  static final RangeId RANGE = new RangeId(3);
  static final long TIMEOUT_NANOS = 5_000_000_000L;

  private final HostCluster cluster = new HostCluster(3, List.of(new RangeDescriptor(RANGE,
      new KeySpan(Key.utf8("a"), Key.utf8("z")), List.of(
          new ReplicaDescriptor(new NodeId(1), "r1", ReplicaRole.VOTER),
          new ReplicaDescriptor(new NodeId(2), "r2", ReplicaRole.VOTER),
          new ReplicaDescriptor(new NodeId(3), "r3", ReplicaRole.VOTER)), 1)));

  private int awaitLeaseholder() {
    assertTrue(cluster.runUntil(() -> cluster.leaseholder(RANGE) != 0, 20_000), "no leaseholder");
    return cluster.leaseholder(RANGE);
  }

  private Timestamp now() {
    return Timestamp.ofMicros(cluster.trueTime.now().latestMicros());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Timestamp commit(int holder, int txn, String key, String value) {
    Reply<ParticipantAnswer> reply = cluster.await(done -> RangeRequests.call(cluster.client, new NodeId(holder),
        new CoordinatorRequest.CommitOnePhase(RANGE, 1, new TxnId(9, txn), now(), List.of(), List.of(),
            List.of(Write.put(Key.utf8(key), bytes(value)))), TIMEOUT_NANOS, done));
    ParticipantAnswer answer = (ParticipantAnswer) assertInstanceOf(Reply.Ok.class, reply).value();
    return assertInstanceOf(ParticipantReply.Committed.class, answer.reply()).commitTs();
  }

  private FollowerReadMessages.Answer followerGet(int node, String key, Timestamp readTs, boolean strong) {
    Reply<FollowerReadMessages.Answer> reply = cluster.await(done -> cluster.client.call(new NodeId(node),
        RangeRequests.FOLLOWER_GET, new FollowerReadMessages.FollowerGet(RANGE, 1, Key.utf8(key), readTs, strong),
        TIMEOUT_NANOS, done));
    return (FollowerReadMessages.Answer) assertInstanceOf(Reply.Ok.class, reply).value();
  }

  private int follower(int holder) {
    return holder == 1 ? 2 : 1;
  }

  @Test
  void anIdleRangeIsClosedOnTheBatchesAndAFollowerServesAStaleReadOfACommittedWrite() {
    int holder = awaitLeaseholder();
    Timestamp committed = commit(holder, 1, "k", "one");
    int follower = follower(holder);
    // The commit makes the range busy for one beat (a CloseTimestamp through the log); after that it
    // is idle, and the leaseholder's batches carry its closed timestamp past the commit.
    assertTrue(cluster.runUntil(() -> cluster.servers[follower].replica(RANGE).machine().machine().safeTime()
        .isAfter(committed), 5_000), "the follower's safe time passed the commit");

    FollowerReadMessages.Versions read = assertInstanceOf(FollowerReadMessages.Versions.class,
        followerGet(follower, "k", committed, false));
    assertEquals(1, read.versions().size());
    assertArrayEquals(bytes("one"), read.versions().getFirst().value());
    assertEquals(committed, read.versions().getFirst().commitTs());

    RangeServer.Stats followerStats = cluster.servers[follower].stats(now().micros());
    LeaseholderHost.FollowerStats range = followerStats.ranges().get(RANGE);
    assertEquals(1, range.servedStale());
    assertTrue(range.closedUpdatesTaken() > 0, "closed timestamps from the leaseholder's batches: " + range);
    assertTrue(range.closedTsLagMicros() < now().micros() - committed.micros(), "the lag is measured: " + range);
    RangeServer.Stats holderStats = cluster.servers[holder].stats(now().micros());
    assertTrue(holderStats.closedBatchesSent() > 0, "batches sent: " + holderStats);
    assertTrue(holderStats.ranges().get(RANGE).closesProposed() > 0, "the busy beat closed through the log");
    assertTrue(holderStats.ranges().get(RANGE).closedUpdatesMade() > 0, "idle beats closed on batches");
  }

  @Test
  void aStaleReadAboveTheSafeTimeIsRefusedWithTheSafeTime() {
    int holder = awaitLeaseholder();
    commit(holder, 1, "k", "one");
    int follower = follower(holder);
    Timestamp readTs = now();
    FollowerReadMessages.NotYet notYet = assertInstanceOf(FollowerReadMessages.NotYet.class,
        followerGet(follower, "k", readTs, false));
    assertTrue(notYet.safeTime().isBefore(readTs), notYet.toString());
    assertTrue(notYet.why().contains("safe time"), notYet.why());
    assertEquals(1, cluster.servers[follower].stats(now().micros()).ranges().get(RANGE).refusedNotYet());
  }

  @Test
  void aStrongReadAtALaggingFollowerWaitsForTheLeaseholdersSlotThenSeesTheWrite() {
    int holder = awaitLeaseholder();
    int follower = follower(holder);
    cluster.blockedPaxosLinks.add(holder * 100 + follower);
    Timestamp committed = commit(holder, 1, "k", "one");
    assertTrue(cluster.servers[follower].replica(RANGE).machine().machine().safeTime().isBefore(committed));

    java.util.List<Reply<FollowerReadMessages.Answer>> got = new java.util.ArrayList<>();
    Timestamp readTs = now();
    cluster.loop.execute(() -> cluster.client.call(new NodeId(follower), RangeRequests.FOLLOWER_GET,
        new FollowerReadMessages.FollowerGet(RANGE, 1, Key.utf8("k"), readTs, true), TIMEOUT_NANOS, got::add));
    cluster.runFor(50);
    assertTrue(got.isEmpty(), "the follower waits for the slot it has not applied: " + got);
    assertEquals(1, cluster.servers[follower].stats(now().micros()).ranges().get(RANGE).waitingStrong());

    cluster.blockedPaxosLinks.clear();
    assertTrue(cluster.runUntil(() -> !got.isEmpty(), 5_000), "the strong read was answered");
    FollowerReadMessages.Versions read = assertInstanceOf(FollowerReadMessages.Versions.class,
        ((Reply.Ok<FollowerReadMessages.Answer>) got.getFirst()).value());
    assertEquals(committed, read.versions().getFirst().commitTs());
    assertEquals(1, cluster.servers[follower].stats(now().micros()).ranges().get(RANGE).servedStrong());
  }

  @Test
  void aStrongReadAtAFollowerThatDoesNotCatchUpInTimeIsRefused() {
    int holder = awaitLeaseholder();
    int follower = follower(holder);
    cluster.blockedPaxosLinks.add(holder * 100 + follower);
    commit(holder, 1, "k", "one");
    FollowerReadMessages.NotYet notYet = assertInstanceOf(FollowerReadMessages.NotYet.class,
        followerGet(follower, "k", now(), true));
    assertTrue(notYet.why().contains("not yet slot"), notYet.why());
    assertEquals(0, cluster.servers[follower].stats(now().micros()).ranges().get(RANGE).waitingStrong());
  }

  @Test
  void aStrongScanAtTheLeaseholdersOwnReplicaIsServedAndASafeTimeQueryAnswers() {
    int holder = awaitLeaseholder();
    Timestamp committed = commit(holder, 1, "k", "one");
    Reply<FollowerReadMessages.Answer> scan = cluster.await(done -> cluster.client.call(new NodeId(holder),
        RangeRequests.FOLLOWER_SCAN, new FollowerReadMessages.FollowerScan(RANGE, 1,
            new KeySpan(Key.utf8("a"), Key.utf8("z")), now(), true, Direction.FORWARD, 10), TIMEOUT_NANOS, done));
    FollowerReadMessages.Versions rows = assertInstanceOf(FollowerReadMessages.Versions.class,
        ((Reply.Ok<FollowerReadMessages.Answer>) scan).value());
    assertEquals(committed, rows.versions().getFirst().commitTs());

    Reply<FollowerReadMessages.Answer> safe = cluster.await(done -> cluster.client.call(new NodeId(follower(holder)),
        RangeRequests.SAFE_TIME, new FollowerReadMessages.SafeTimeQuery(RANGE, 1), TIMEOUT_NANOS, done));
    assertInstanceOf(FollowerReadMessages.SafeTime.class, ((Reply.Ok<FollowerReadMessages.Answer>) safe).value());
    // Outside the range's span: a routing answer, nothing read.
    Reply<FollowerReadMessages.Answer> outside = cluster.await(done -> cluster.client.call(new NodeId(holder),
        RangeRequests.FOLLOWER_GET, new FollowerReadMessages.FollowerGet(RANGE, 1, Key.utf8("zz"), now(), false),
        TIMEOUT_NANOS, done));
    assertInstanceOf(FollowerReadMessages.Refused.class, ((Reply.Ok<FollowerReadMessages.Answer>) outside).value());
  }
}
