package dev.meridian.txn.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLookups;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.gateway.Gateway;
import dev.meridian.txn.gateway.GatewayLimits;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.types.TxnOutcome;
import dev.meridian.txn.wire.ParticipantAnswer;
import dev.meridian.txn.wire.RangeRequests;
import dev.meridian.txn.wire.RpcRangeChannel;
import dev.meridian.txn.wire.SnapshotReads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A transaction prepared in range A whose coordinator (range B's decision record) never finishes,
 * on three nodes' Paxos drivers: each node's {@link StuckPrepares}, through its own gateway, leaves
 * it alone while it is young, then asks B; with no record, B records an abort once the transaction
 * expired and A's intents are resolved with it; with a commit recorded, A resolves to the commit and
 * the write becomes visible.
 */
class StuckPreparesTest {

  static final RangeId A = new RangeId(3);
  static final RangeId B = new RangeId(4);
  static final TxnId TXN = new TxnId(9, 1);
  static final long TIMEOUT_NANOS = 5_000_000_000L;
  static final long MAX_TXN_MICROS = 1_000_000;
  static final long STUCK_AFTER_MICROS = 300_000;

  private static final List<ReplicaDescriptor> REPLICAS = List.of(
      new ReplicaDescriptor(new NodeId(1), "r1", ReplicaRole.VOTER),
      new ReplicaDescriptor(new NodeId(2), "r2", ReplicaRole.VOTER),
      new ReplicaDescriptor(new NodeId(3), "r3", ReplicaRole.VOTER));
  private static final RangeDescriptor RANGE_A = new RangeDescriptor(A, new KeySpan(Key.utf8("a"), Key.utf8("m")), REPLICAS, 1);
  private static final RangeDescriptor RANGE_B = new RangeDescriptor(B, new KeySpan(Key.utf8("m"), Key.utf8("z")), REPLICAS, 1);
  private static final RangeDescriptor META = new RangeDescriptor(RangeId.META, new KeySpan(Key.EMPTY, Key.utf8("a")), REPLICAS, 0);

  private final HostCluster cluster = new HostCluster(3, List.of(RANGE_A, RANGE_B));
  private final List<StuckPrepares> recoveries = new ArrayList<>();

  private void startRecoveries() {
    CoordinatorLimits defaults = CoordinatorLimits.defaults();
    CoordinatorLimits limits = new CoordinatorLimits(defaults.maxReadSetBytes(), defaults.maxParticipants(),
        defaults.maxResolvesInFlight(), defaults.maxResolveAttempts(), MAX_TXN_MICROS);
    for (int i = 1; i <= 3; i++) {
      RangeCache cache = new RangeCache(META, DirectoryLimits.defaults());
      cache.insert(RANGE_A);
      cache.insert(RANGE_B);
      Gateway gateway = new Gateway(cache, new MetaLookups(cache, DirectoryLimits.defaults()),
          new RpcRangeChannel(cluster.endpoints[i], cluster.loop), cluster.loop, cluster.trueTime, GatewayLimits.defaults());
      StuckPrepares recovery = new StuckPrepares(cluster.servers[i], gateway, cluster.loop, cluster.trueTime, limits,
          STUCK_AFTER_MICROS, 50_000_000L);
      recoveries.add(recovery);
      cluster.loop.execute(recovery::start);
    }
  }

  private int leaseholder(RangeId range) {
    assertThat(cluster.runUntil(() -> cluster.leaseholder(range) != 0, 20_000)).as("a leaseholder of " + range).isTrue();
    return cluster.leaseholder(range);
  }

  private ParticipantReply call(RangeId range, CoordinatorRequest request) {
    NodeId to = new NodeId(leaseholder(range));
    Reply<ParticipantAnswer> reply = cluster.await(done -> RangeRequests.call(cluster.client, to, request, TIMEOUT_NANOS, done));
    assertThat(reply).isInstanceOf(Reply.Ok.class);
    return ((Reply.Ok<ParticipantAnswer>) reply).value().reply();
  }

  private Timestamp prepare() {
    Timestamp readTs = Timestamp.ofMicros(cluster.trueTime.now().latestMicros());
    ParticipantReply prepared = call(A, new CoordinatorRequest.Prepare(A, 1, TXN, readTs, List.of(), List.of(),
        List.of(Write.put(Key.utf8("b"), "v".getBytes(StandardCharsets.UTF_8))), B));
    assertThat(prepared).isInstanceOf(ParticipantReply.Prepared.class);
    return ((ParticipantReply.Prepared) prepared).prepareTs();
  }

  private boolean preparedInA() {
    return !cluster.servers[leaseholder(A)].replica(A).machine().machine().prepared().isEmpty();
  }

  private long resolvedByRecovery() {
    return recoveries.stream().mapToLong(StuckPrepares::resolved).sum();
  }

  @Test
  void anAbandonedPrepareIsAbortedOnceItExpired() {
    Timestamp prepareTs = prepare();
    startRecoveries();
    cluster.runFor(STUCK_AFTER_MICROS / 1000 / 2);
    assertThat(preparedInA()).as("left alone while young").isTrue();
    assertThat(cluster.runUntil(() -> !preparedInA(), 10_000)).as("resolved by recovery").isTrue();
    assertThat(cluster.trueTime.now().earliestMicros()).as("not before the transaction expired")
        .isGreaterThan(prepareTs.micros() + MAX_TXN_MICROS);
    assertThat(resolvedByRecovery()).isEqualTo(1);
    assertThat(call(B, new CoordinatorRequest.QueryDecision(B, TXN, prepareTs)))
        .isEqualTo(new ParticipantReply.Recorded(TxnOutcome.ABORTED, null));
    SnapshotReads.Answer read = readB();
    assertThat(read).isEqualTo(new SnapshotReads.Versions(List.of()));
  }

  @Test
  void aRecordedCommitIsResolvedAsACommit() {
    Timestamp prepareTs = prepare();
    assertThat(call(B, new CoordinatorRequest.RecordDecision(B, TXN, TxnOutcome.COMMITTED, prepareTs, List.of(A, B))))
        .isEqualTo(new ParticipantReply.Recorded(TxnOutcome.COMMITTED, prepareTs));
    startRecoveries();
    assertThat(cluster.runUntil(() -> !preparedInA(), 10_000)).as("resolved by recovery").isTrue();
    assertThat(resolvedByRecovery()).isEqualTo(1);
    SnapshotReads.Answer read = readB();
    assertThat(read).isInstanceOfSatisfying(SnapshotReads.Versions.class, versions -> {
      assertThat(versions.versions()).hasSize(1);
      assertThat(versions.versions().getFirst().commitTs()).isEqualTo(prepareTs);
    });
  }

  /** A strong read of key "b" (in range A) at its leaseholder. */
  private SnapshotReads.Answer readB() {
    NodeId to = new NodeId(leaseholder(A));
    Timestamp now = Timestamp.ofMicros(cluster.trueTime.now().latestMicros());
    Reply<SnapshotReads.Answer> reply = cluster.await(done -> cluster.client.call(to, RangeRequests.GET,
        new SnapshotReads.Get(A, 1, Key.utf8("b"), now), TIMEOUT_NANOS, done));
    assertThat(reply).isInstanceOf(Reply.Ok.class);
    return ((Reply.Ok<SnapshotReads.Answer>) reply).value();
  }
}
