package dev.meridian.txn.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.state.RangeSnapshots;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.wire.ParticipantAnswer;
import dev.meridian.txn.wire.RangeRequests;
import dev.meridian.txn.wire.SnapshotReads;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A range hosted on three nodes' Paxos drivers, driven through the wire request types: the lease
 * starts on the elected leader and reaches every replica's log; one-range commits commit, conflict
 * and read back; a follower redirects with a hint; a commit whose leader loses its lease while it is
 * proposed answers "outcome unknown", never a retryable refusal; a restarted replica continues from
 * its durable applied slot.
 */
class LeaseholderHostTest {

  static final RangeId RANGE = new RangeId(3);
  static final long TIMEOUT_NANOS = 5_000_000_000L;

  private static RangeDescriptor descriptor() {
    return new RangeDescriptor(RANGE, new KeySpan(Key.utf8("a"), Key.utf8("z")), List.of(
        new ReplicaDescriptor(new NodeId(1), "r1", ReplicaRole.VOTER),
        new ReplicaDescriptor(new NodeId(2), "r2", ReplicaRole.VOTER),
        new ReplicaDescriptor(new NodeId(3), "r3", ReplicaRole.VOTER)), 1);
  }

  private final HostCluster cluster = new HostCluster(3, List.of(descriptor()));

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

  private SnapshotReads.Answer get(int node, String key, Timestamp readTs) {
    Reply<SnapshotReads.Answer> reply = cluster.await(done -> cluster.client.call(new NodeId(node), RangeRequests.GET,
        new SnapshotReads.Get(RANGE, 1, Key.utf8(key), readTs), TIMEOUT_NANOS, done));
    return assertInstanceOf(Reply.Ok.class, reply).value() instanceof SnapshotReads.Answer a ? a : null;
  }

  private ParticipantAnswer commit(int node, CoordinatorRequest.CommitOnePhase request) {
    Reply<ParticipantAnswer> reply = cluster.await(done ->
        RangeRequests.call(cluster.client, new NodeId(node), request, TIMEOUT_NANOS, done));
    return (ParticipantAnswer) assertInstanceOf(Reply.Ok.class, reply).value();
  }

  private static CoordinatorRequest.CommitOnePhase commitOf(int txn, Timestamp readTs, List<String> reads,
      String key, String value) {
    return new CoordinatorRequest.CommitOnePhase(RANGE, 1, new TxnId(9, txn), readTs,
        reads.stream().map(Key::utf8).toList(), List.of(), List.of(Write.put(Key.utf8(key), bytes(value))));
  }

  @Test
  void theLeaderStartsItsLeaseAndEveryReplicaAppliesTheLeaseStart() {
    int holder = awaitLeaseholder();
    LeaseholderHost host = cluster.servers[holder].replica(RANGE);
    assertEquals(1, host.coresBuilt());
    assertTrue(cluster.runUntil(() -> {
      for (int i = 1; i <= 3; i++) {
        Optional<RangeCommand.LeaseStart> lease = cluster.servers[i].replica(RANGE).machine().view().lease();
        if (lease.isEmpty() || !lease.get().holder().equals(new NodeId(holder))) {
          return false;
        }
      }
      return true;
    }, 5_000), "every replica applied the lease start of n" + holder);
    for (int i = 1; i <= 3; i++) {
      assertEquals(i == holder, cluster.servers[i].replica(RANGE).serving());
    }
    // The floor lies above every earlier lease: at least TrueTime's earliest when the lease began.
    assertTrue(host.stats().orElseThrow().floor().micros() > 0);
  }

  @Test
  void aOneRangeCommitCommitsConflictsAndReadsBack() {
    int holder = awaitLeaseholder();
    Timestamp readTs = now();
    SnapshotReads.Versions before = assertInstanceOf(SnapshotReads.Versions.class, get(holder, "k", readTs));
    assertTrue(before.versions().isEmpty());

    ParticipantAnswer first = commit(holder, commitOf(1, readTs, List.of("k"), "k", "one"));
    ParticipantReply.Committed committed = assertInstanceOf(ParticipantReply.Committed.class, first.reply());
    assertTrue(committed.commitTs().isAfter(readTs));
    assertTrue(cluster.trueTime.now().earliestMicros() > committed.commitTs().micros(), "commit wait");

    // A second transaction that read k at the same snapshot conflicts: certainly not applied.
    ParticipantAnswer second = commit(holder, commitOf(2, readTs, List.of("k"), "k", "two"));
    ParticipantReply.Conflict conflict = assertInstanceOf(ParticipantReply.Conflict.class, second.reply());
    assertEquals(Key.utf8("k"), conflict.key());

    SnapshotReads.Versions after = assertInstanceOf(SnapshotReads.Versions.class, get(holder, "k", now()));
    assertEquals(1, after.versions().size());
    assertArrayEquals(bytes("one"), after.versions().getFirst().value());
    assertEquals(committed.commitTs(), after.versions().getFirst().commitTs());

    Reply<SnapshotReads.Answer> scan = cluster.await(done -> cluster.client.call(new NodeId(holder), RangeRequests.SCAN,
        new SnapshotReads.Scan(RANGE, 1, new KeySpan(Key.utf8("a"), Key.utf8("z")), now(), Direction.FORWARD, 10),
        TIMEOUT_NANOS, done));
    assertEquals(1, ((SnapshotReads.Versions) ((Reply.Ok<SnapshotReads.Answer>) scan).value()).versions().size());

    // Every replica applies the same slots: the same state.
    assertTrue(cluster.runUntil(() -> {
      String first1 = RangeSnapshots.fingerprint(cluster.servers[1].replica(RANGE).machine().machine());
      for (int i = 2; i <= 3; i++) {
        if (!first1.equals(RangeSnapshots.fingerprint(cluster.servers[i].replica(RANGE).machine().machine()))) {
          return false;
        }
      }
      return true;
    }, 5_000));
  }

  @Test
  void aFollowerRedirectsToTheLeaseholderAndAnUnknownRangeIsNotFound() {
    int holder = awaitLeaseholder();
    cluster.runFor(200);
    int follower = holder == 1 ? 2 : 1;
    SnapshotReads.Refused refused = assertInstanceOf(SnapshotReads.Refused.class, get(follower, "k", now()));
    assertEquals(SnapshotReads.Redirect.NOT_LEASEHOLDER, refused.redirect());
    assertEquals(new NodeId(holder), refused.leaseholderHint());

    ParticipantAnswer redirected = commit(follower, commitOf(3, now(), List.of(), "k", "v"));
    assertEquals(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER), redirected.reply());
    assertEquals(new NodeId(holder), redirected.leaseholderHint());

    Reply<ParticipantAnswer> unknownRange = cluster.await(done -> RangeRequests.call(cluster.client, new NodeId(holder),
        new CoordinatorRequest.Resolve(new RangeId(77), new TxnId(9, 4), dev.meridian.txn.types.TxnOutcome.ABORTED,
            null), TIMEOUT_NANOS, done));
    assertEquals(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.RANGE_NOT_FOUND),
        ((Reply.Ok<ParticipantAnswer>) unknownRange).value().reply());

    // A stale generation is refused before it reaches the core.
    CoordinatorRequest.CommitOnePhase old = new CoordinatorRequest.CommitOnePhase(RANGE, 0, new TxnId(9, 5), now(),
        List.of(), List.of(), List.of(Write.put(Key.utf8("k"), bytes("v"))));
    assertEquals(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION),
        commit(holder, old).reply());
  }

  @Test
  void aCommitWhoseLeaseIsLostWhileProposedIsAnsweredUnknownNeverRetryable() {
    int holder = awaitLeaseholder();
    cluster.runFor(200);
    LeaseholderHost host = cluster.servers[holder].replica(RANGE);
    cluster.isolateFromPeers(holder);
    ParticipantAnswer answer = commit(holder, commitOf(6, now(), List.of("k"), "k", "lost"));
    ParticipantReply.OutcomeUnknown unknown = assertInstanceOf(ParticipantReply.OutcomeUnknown.class, answer.reply(),
        "answered " + answer.reply());
    assertTrue(unknown.why().contains("lost"), unknown.why());
    assertFalse(host.serving());
    assertEquals(0, host.waitingRequests());

    // Healed, another replica leads (the old one has nothing newer); the range goes on committing.
    cluster.blockedLinks.clear();
    int next = awaitLeaseholder();
    ParticipantAnswer after = commit(next, commitOf(7, now(), List.of("k"), "k", "after"));
    assertInstanceOf(ParticipantReply.Committed.class, after.reply(), "answered " + after.reply());
  }

  @Test
  void aRestartedReplicaContinuesFromItsDurableAppliedSlot() {
    int holder = awaitLeaseholder();
    for (int t = 1; t <= 5; t++) {
      assertInstanceOf(ParticipantReply.Committed.class,
          commit(holder, commitOf(10 + t, now(), List.of(), "k" + t, "v" + t)).reply());
    }
    int follower = holder == 3 ? 2 : 3;
    assertTrue(cluster.runUntil(() -> cluster.servers[follower].replica(RANGE).machine().machine().appliedSlot()
        == cluster.servers[holder].replica(RANGE).machine().machine().appliedSlot(), 5_000));
    long applied = cluster.servers[follower].replica(RANGE).machine().machine().appliedSlot();
    assertTrue(applied >= 6, "applied " + applied);

    cluster.restart(follower);
    // Before any message arrives, the new process's machine reads the applied slot back from the store.
    assertEquals(applied, cluster.servers[follower].replica(RANGE).machine().appliedSlot().value());
    assertInstanceOf(ParticipantReply.Committed.class,
        commit(cluster.leaseholder(RANGE), commitOf(20, now(), List.of(), "k9", "v9")).reply());
    assertTrue(cluster.runUntil(() -> RangeSnapshots.fingerprint(cluster.servers[follower].replica(RANGE).machine().machine())
        .equals(RangeSnapshots.fingerprint(cluster.servers[cluster.leaseholder(RANGE)].replica(RANGE).machine().machine())),
        5_000));
    assertNotEquals(0, cluster.leaseholder(RANGE));
    assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
  }

  @Test
  void aTransferTargetStartsAboveTheClockBoundAndCommits() {
    int holder = awaitLeaseholder();
    Timestamp read = now();
    assertInstanceOf(SnapshotReads.Versions.class, get(holder, "k", read));
    int target = holder == 1 ? 2 : 1;
    long[] latestAtTransfer = new long[1];
    cluster.loop.execute(() -> {
      latestAtTransfer[0] = cluster.trueTime.now().latestMicros();
      cluster.drivers[holder].transferLeadership(RangeServer.groupOf(RANGE), new NodeId(target));
    });
    assertTrue(cluster.runUntil(() -> cluster.leaseholder(RANGE) == target, 10_000), "the lease moved to n" + target);
    LeaseholderHost moved = cluster.servers[target].replica(RANGE);
    // The old holder's reads may lie up to its now.latest: the target's floor is past it by the bound.
    assertTrue(moved.stats().orElseThrow().floor().micros() >= latestAtTransfer[0] + HostCluster.MAX_WIDTH_MICROS,
        "floor " + moved.stats().orElseThrow().floor() + " vs latest " + latestAtTransfer[0]);
    ParticipantAnswer answer = commit(target, commitOf(30, read, List.of("k"), "k", "moved"));
    ParticipantReply.Committed committed = assertInstanceOf(ParticipantReply.Committed.class, answer.reply(),
        "answered " + answer.reply());
    assertTrue(committed.commitTs().isAfter(moved.stats().orElseThrow().floor()));
  }
}
