package dev.meridian.txn.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualClock;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.runtime.rpc.Envelope;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.runtime.rpc.RpcLimits;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.gateway.ChannelAnswer;
import dev.meridian.txn.gateway.RangeChannel;
import dev.meridian.txn.leaseholder.Refusal;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.types.TxnOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcRangeChannel} between two real {@link Rpc} endpoints on one virtual-time loop: the
 * server side answers with scripted wire answers (as {@code RangeServer} would), and the test checks
 * each lands on the {@link ChannelAnswer} the gateway's in-process model gives — above all that an
 * error that may have run is never {@link ChannelAnswer.NotDelivered}, and that a {@code
 * CommitOnePhase} is delivered at most once.
 */
class RpcRangeChannelTest {

  private static final NodeId GATEWAY = new NodeId(1);
  private static final NodeId SERVER = new NodeId(2);
  private static final NodeId HINT = new NodeId(3);
  private static final RangeId RANGE = new RangeId(4);
  private static final TxnId TXN = new TxnId(1, 7);
  private static final Timestamp TS = Timestamp.ofMicros(1_700_000_000_000_000L);
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final RangeDescriptor DESCRIPTOR = new RangeDescriptor(RANGE, new KeySpan(Key.utf8("a"), Key.utf8("m")),
      List.of(new ReplicaDescriptor(SERVER, "eu", ReplicaRole.VOTER), new ReplicaDescriptor(HINT, "us", ReplicaRole.VOTER)), 3);
  private static final RangeChannel.Target TARGET = new RangeChannel.Target(DESCRIPTOR, SERVER);

  private final ManualScheduler loop = new ManualScheduler(new ManualClock(1_700_000_000_000_000L));
  /** Requests of these envelope types reaching the server are lost. */
  private final List<Integer> dropRequests = new ArrayList<>();
  /** Answers of these envelope types reaching the gateway are lost. */
  private final List<Integer> dropAnswers = new ArrayList<>();
  private final List<String> served = new ArrayList<>();
  private final Rpc gateway = new Rpc(GATEWAY, this::deliver, loop, RandomSource.seeded(1), RpcLimits.defaults());
  private final Rpc server = new Rpc(SERVER, this::deliver, loop, RandomSource.seeded(2), RpcLimits.defaults());
  private final RpcRangeChannel channel = new RpcRangeChannel(gateway, loop);
  private ParticipantAnswer nextAnswer;
  private SnapshotReads.Answer nextRead;

  private void deliver(NodeId to, Envelope envelope) {
    boolean toServer = to.equals(SERVER);
    if ((toServer ? dropRequests : dropAnswers).contains(envelope.type())) {
      return;
    }
    Rpc target = toServer ? server : to.equals(GATEWAY) ? gateway : null;
    if (target != null) {
      loop.schedule(100_000, () -> target.receive(envelope));
    }
  }

  private void serveAll() {
    server.register(RangeRequests.COMMIT_ONE_PHASE, (c, r) -> answer("commit " + c.txn(), r::ok));
    server.register(RangeRequests.PREPARE, (p, r) -> answer("prepare " + p.txn(), r::ok));
    server.register(RangeRequests.RECORD_DECISION, (d, r) -> answer("record " + d.txn(), r::ok));
    server.register(RangeRequests.RESOLVE, (d, r) -> answer("resolve " + d.txn(), r::ok));
    server.register(RangeRequests.QUERY_DECISION, (d, r) -> answer("query " + d.txn(), r::ok));
    server.register(RangeRequests.GET, (g, r) -> {
      served.add("get " + g.range() + " g" + g.generation() + " " + g.key());
      r.ok(nextRead);
    });
    server.register(RangeRequests.SCAN, (s, r) -> {
      served.add("scan " + s.range() + " g" + s.generation() + " max " + s.limit());
      r.ok(nextRead);
    });
  }

  private void answer(String what, Consumer<ParticipantAnswer> ok) {
    served.add(what);
    ok.accept(nextAnswer);
  }

  private ChannelAnswer<ParticipantReply> send(CoordinatorRequest request) {
    List<ChannelAnswer<ParticipantReply>> answers = new ArrayList<>();
    channel.send(TARGET, request, TIMEOUT_NANOS, answers::add);
    assertThat(answers).as("done called inside the call").isEmpty();
    loop.advanceNanos(2 * TIMEOUT_NANOS);
    assertThat(answers).as("answers to one call").hasSize(1);
    return answers.getFirst();
  }

  private ChannelAnswer<Optional<Version>> get() {
    List<ChannelAnswer<Optional<Version>>> answers = new ArrayList<>();
    channel.get(TARGET, Key.utf8("b"), TS, TIMEOUT_NANOS, answers::add);
    assertThat(answers).as("done called inside the call").isEmpty();
    loop.advanceNanos(2 * TIMEOUT_NANOS);
    assertThat(answers).as("answers to one call").hasSize(1);
    return answers.getFirst();
  }

  private static CoordinatorRequest.Prepare prepare() {
    return new CoordinatorRequest.Prepare(RANGE, 3, TXN, TS, List.of(), List.of(), List.of(put("b")), new RangeId(2));
  }

  private static CoordinatorRequest.CommitOnePhase commit() {
    return new CoordinatorRequest.CommitOnePhase(RANGE, 3, TXN, TS, List.of(), List.of(), List.of(put("b")));
  }

  private static Write put(String key) {
    return Write.put(Key.utf8(key), "v".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void answersAreRepliedFromTheNodeAsked() {
    serveAll();
    nextAnswer = ParticipantAnswer.of(new ParticipantReply.Prepared(TS));
    assertThat(send(prepare())).isEqualTo(new ChannelAnswer.Replied<>(SERVER, new ParticipantReply.Prepared(TS)));
    nextAnswer = ParticipantAnswer.of(new ParticipantReply.Recorded(TxnOutcome.COMMITTED, TS));
    assertThat(send(new CoordinatorRequest.RecordDecision(RANGE, TXN, TxnOutcome.COMMITTED, TS, List.of(RANGE))))
        .isEqualTo(new ChannelAnswer.Replied<>(SERVER, new ParticipantReply.Recorded(TxnOutcome.COMMITTED, TS)));
    // A conflict and an unknown outcome are answers, not routing: the coordinator decides.
    nextAnswer = ParticipantAnswer.of(new ParticipantReply.OutcomeUnknown("leader lost"));
    assertThat(send(commit())).isEqualTo(new ChannelAnswer.Replied<>(SERVER, new ParticipantReply.OutcomeUnknown("leader lost")));
    nextAnswer = ParticipantAnswer.of(new ParticipantReply.Resolved());
    assertThat(send(new CoordinatorRequest.Resolve(RANGE, TXN, TxnOutcome.ABORTED, null)))
        .isEqualTo(new ChannelAnswer.Replied<>(SERVER, new ParticipantReply.Resolved()));
    assertThat(served).containsExactly("prepare " + TXN, "record " + TXN, "commit " + TXN, "resolve " + TXN);
  }

  @Test
  void redirectsBecomeRoutingErrorsKeepingTheHint() {
    serveAll();
    nextAnswer = new ParticipantAnswer(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER), HINT);
    assertThat(send(prepare())).isEqualTo(new ChannelAnswer.Misrouted<>(new RoutingError.NotLeaseholder(RANGE, 3, HINT)));
    nextAnswer = ParticipantAnswer.of(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION));
    assertThat(send(prepare()))
        .isEqualTo(new ChannelAnswer.Misrouted<>(new RoutingError.StaleGeneration(RANGE, 3, List.of())));
    nextAnswer = ParticipantAnswer.of(new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.RANGE_NOT_FOUND));
    assertThat(send(new CoordinatorRequest.QueryDecision(RANGE, TXN, TS)))
        .isEqualTo(new ChannelAnswer.Misrouted<>(new RoutingError.RangeNotFound(RANGE, 3)));
  }

  @Test
  void readsCarryTheTargetsRangeAndGenerationAndMapRefusals() {
    serveAll();
    Version version = new Version(Key.utf8("b"), TS, "v".getBytes(StandardCharsets.UTF_8));
    nextRead = new SnapshotReads.Versions(List.of(version));
    ChannelAnswer.Replied<Optional<Version>> found = (ChannelAnswer.Replied<Optional<Version>>) get();
    assertThat(found.from()).isEqualTo(SERVER);
    assertThat(found.value()).get().satisfies(v -> assertSameVersion(v, version));
    nextRead = new SnapshotReads.Versions(List.of());
    assertThat(get()).isEqualTo(new ChannelAnswer.Replied<>(SERVER, Optional.empty()));
    nextRead = new SnapshotReads.Refused(SnapshotReads.Redirect.NOT_LEASEHOLDER, HINT, "not here");
    assertThat(get()).isEqualTo(new ChannelAnswer.Misrouted<>(new RoutingError.NotLeaseholder(RANGE, 3, HINT)));
    nextRead = new SnapshotReads.Refused(SnapshotReads.Redirect.STALE_DESCRIPTOR, null, "split");
    assertThat(get()).isEqualTo(new ChannelAnswer.Misrouted<>(new RoutingError.StaleGeneration(RANGE, 3, List.of())));
    nextRead = new SnapshotReads.Refused(SnapshotReads.Redirect.RANGE_NOT_FOUND, null, "gone");
    assertThat(get()).isEqualTo(new ChannelAnswer.Misrouted<>(new RoutingError.RangeNotFound(RANGE, 3)));
    nextRead = new SnapshotReads.Refused(SnapshotReads.Redirect.RETRY_LATER, null, "lease ending");
    assertThat(get()).isEqualTo(new ChannelAnswer.Refused<>(
        new Refusal(Refusal.Kind.RETRY_LATER, "lease ending", null, null, null)));
    nextRead = new SnapshotReads.Refused(SnapshotReads.Redirect.TOO_OLD, null, "below gc");
    assertThat(get()).isEqualTo(new ChannelAnswer.Refused<>(new Refusal(Refusal.Kind.TOO_OLD, "below gc", null, null, null)));

    List<ChannelAnswer<List<Version>>> scanned = new ArrayList<>();
    nextRead = new SnapshotReads.Versions(List.of(version));
    channel.scan(TARGET, new KeySpan(Key.utf8("a"), Key.utf8("c")), TS, Direction.FORWARD, 10, TIMEOUT_NANOS, scanned::add);
    loop.advanceNanos(2 * TIMEOUT_NANOS);
    assertThat(scanned).singleElement().isInstanceOfSatisfying(ChannelAnswer.Replied.class, rows -> {
      assertThat(rows.from()).isEqualTo(SERVER);
      assertThat((List<?>) rows.value()).singleElement().satisfies(v -> assertSameVersion((Version) v, version));
    });
    assertThat(served).first().isEqualTo("get " + RANGE + " g3 " + Key.utf8("b"));
    assertThat(served).last().isEqualTo("scan " + RANGE + " g3 max 10");
  }

  private static void assertSameVersion(Version actual, Version expected) {
    assertThat(actual.key()).isEqualTo(expected.key());
    assertThat(actual.commitTs()).isEqualTo(expected.commitTs());
    assertThat(actual.value()).isEqualTo(expected.value());
  }

  @Test
  void aLostOnePhaseCommitAnswerIsTimedOutAndTheCommitIsServedOnce() {
    serveAll();
    nextAnswer = ParticipantAnswer.of(new ParticipantReply.Committed(TS));
    dropAnswers.add(RangeRequests.COMMIT_ONE_PHASE.id());
    assertThat(send(commit())).isEqualTo(new ChannelAnswer.TimedOut<>());
    assertThat(served).as("a one-phase commit is never resent").containsExactly("commit " + TXN);
  }

  @Test
  void aLostRequestIsTimedOutNotUndelivered() {
    serveAll();
    dropRequests.add(RangeRequests.COMMIT_ONE_PHASE.id());
    dropRequests.add(RangeRequests.PREPARE.id());
    // Nothing reached the server, but the gateway cannot know that: the outcome is unknown.
    assertThat(send(commit())).isEqualTo(new ChannelAnswer.TimedOut<>());
    assertThat(send(prepare())).isEqualTo(new ChannelAnswer.TimedOut<>());
    assertThat(served).isEmpty();
  }

  @Test
  void aFailedHandlerMayHaveRunSoItIsTimedOut() {
    server.register(RangeRequests.PREPARE, (p, r) -> {
      served.add("prepare " + p.txn());
      r.fail("storage error after proposing");
    });
    assertThat(send(prepare())).isEqualTo(new ChannelAnswer.TimedOut<>());
  }

  @Test
  void aRejectionAfterAnAttemptThatMayHaveRunIsStillUnknown() {
    // The first prepare attempt's answer is lost; the retried attempts find no handler and are
    // rejected unrun. The call as a whole may have run.
    List<Integer> attempts = new ArrayList<>();
    server.register(RangeRequests.PREPARE, (p, r) -> {
      attempts.add(1);
      if (attempts.size() == 1) {
        dropAnswers.add(RangeRequests.PREPARE.id());
        r.ok(ParticipantAnswer.of(new ParticipantReply.Prepared(TS)));
        dropAnswers.clear();
        return;
      }
      r.reject("overloaded");
    });
    assertThat(send(prepare())).isEqualTo(new ChannelAnswer.TimedOut<>());
    assertThat(attempts.size()).as("prepare attempts (the RPC layer resends idempotent kinds)").isGreaterThan(1);
  }

  @Test
  void onlyACertainlyUnrunRequestIsNotDelivered() {
    // No handler for the type on the server: rejected before it ran.
    assertThat(send(prepare())).isInstanceOf(ChannelAnswer.NotDelivered.class);
    assertThat(send(commit())).isInstanceOf(ChannelAnswer.NotDelivered.class);
    // A closed endpoint sends nothing; the answer still comes after the call returns.
    gateway.close();
    assertThat(send(commit())).isInstanceOf(ChannelAnswer.NotDelivered.class);
    assertThat(get()).isInstanceOf(ChannelAnswer.NotDelivered.class);
  }
}
