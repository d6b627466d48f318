package dev.meridian.runtime.rpc;

import static dev.meridian.runtime.rpc.TestNetwork.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Envelope.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RPC layer on virtual time over a network that loses, duplicates and delays envelopes as each
 * test says. Every assertion is about what was sent, handled and replied, never about wall time.
 */
class RpcTest {

  static final Codec<String> TEXT = Codec.UTF8;

  static final RequestType<String, String> ECHO = RequestType.once(7, "echo", TEXT, TEXT);
  static final RetryPolicy THREE_TRIES = new RetryPolicy(3, 100 * MS, 20 * MS, 80 * MS);
  static final RequestType<String, String> READ = RequestType.idempotent(8, "read", TEXT, TEXT, THREE_TRIES);

  final TestNetwork net = new TestNetwork();
  final Rpc n1 = net.node(1);
  final Rpc n2 = net.node(2);
  final NodeId two = n2.self();
  final List<String> handled = new ArrayList<>();
  final List<Reply<String>> replies = new ArrayList<>();

  /** n2 answers echo and read at once with the request upper-cased, and notes what it handled. */
  void serveUpperCase() {
    n2.register(ECHO, (request, responder) -> {
      handled.add(request);
      responder.ok(request.toUpperCase());
    });
    n2.register(READ, (request, responder) -> {
      handled.add(request);
      responder.ok(request.toUpperCase());
    });
  }

  Cancellable call(RequestType<String, String> type, String request, long timeoutNanos) {
    return n1.call(two, type, request, timeoutNanos, replies::add);
  }

  RpcError onlyError() {
    assertThat(replies).hasSize(1);
    assertThat(replies.getFirst()).isInstanceOf(Reply.Failed.class);
    return ((Reply.Failed<String>) replies.getFirst()).error();
  }

  @Test
  void aRequestIsAnsweredOnce() {
    serveUpperCase();
    call(ECHO, "hello", 1_000 * MS);
    net.scheduler.runUntilIdle();

    assertThat(replies).containsExactly(new Reply.Ok<>("HELLO"));
    assertThat(net.sentKinds()).containsExactly(Kind.REQUEST, Kind.RESPONSE);
    Envelope request = net.sent.getFirst().envelope();
    assertThat(request.budgetNanos()).as("the whole deadline travels with the request").isEqualTo(1_000 * MS);
    assertThat(net.sent.get(1).envelope().requestId()).isEqualTo(request.requestId());
    assertThat(n1.stats().callsSucceeded()).isEqualTo(1);
    assertThat(n1.stats().pendingCalls()).isZero();
    assertThat(n2.stats().handling()).isZero();
  }

  @Test
  void duplicatedEnvelopesRunTheHandlerOnceAndEndTheCallOnce() {
    serveUpperCase();
    net.fate = envelope -> new long[] {MS, 3 * MS};
    call(ECHO, "twice", 1_000 * MS);
    net.scheduler.runUntilIdle();

    assertThat(handled).containsExactly("twice");
    assertThat(replies).containsExactly(new Reply.Ok<>("TWICE"));
    assertThat(n2.stats().duplicateRequests()).isEqualTo(1);
    assertThat(n1.stats().lateAnswers()).as("the second copy of the response").isEqualTo(1);
  }

  @Test
  void aResponseAfterTheTimeoutIsIgnored() {
    serveUpperCase();
    net.fate = envelope -> new long[] {envelope.kind() == Kind.RESPONSE ? 50 * MS : MS};
    call(ECHO, "slow", 10 * MS);
    net.scheduler.runUntilIdle();

    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.TIMEOUT);
    assertThat(error.certainlyNotRun()).as("the handler did run").isFalse();
    assertThat(handled).containsExactly("slow");
    assertThat(n1.stats().lateAnswers()).isEqualTo(1);
    assertThat(n1.stats().pendingCalls()).isZero();
  }

  @Test
  void aRequestThatWaitedOutItsBudgetInTheInboxIsNotHandled() {
    serveUpperCase();
    net.inboxLag = envelope -> envelope.kind() == Kind.REQUEST ? 20 * MS : 0L;
    call(ECHO, "too late", 10 * MS);
    net.scheduler.runUntilIdle();

    assertThat(handled).isEmpty();
    assertThat(n2.stats().requestsExpired()).isEqualTo(1);
    assertThat(net.sentKinds()).as("nobody waits for an answer").containsExactly(Kind.REQUEST);
    assertThat(onlyError().kind()).isEqualTo(RpcError.Kind.TIMEOUT);
  }

  @Test
  void aHandlerSeesTheCallersDeadlineAndAnAnswerAfterItIsNotSent() {
    List<Responder<String>> held = new ArrayList<>();
    n2.register(ECHO, (request, responder) -> held.add(responder));
    call(ECHO, "later", 10 * MS);
    net.scheduler.advanceNanos(2 * MS);

    Responder<String> responder = held.getFirst();
    assertThat(responder.deadlineNanos() - (net.scheduler.nowNanos() - net.now()))
        .as("arrival at 1 ms plus the 10 ms budget").isEqualTo(11 * MS);
    assertThat(responder.isExpired()).isFalse();
    net.scheduler.advanceNanos(10 * MS);
    assertThat(responder.isExpired()).isTrue();
    responder.ok("done");
    net.scheduler.runUntilIdle();

    assertThat(n2.stats().answersDropped()).isEqualTo(1);
    assertThat(net.sentKinds()).containsExactly(Kind.REQUEST);
    assertThat(onlyError().kind()).isEqualTo(RpcError.Kind.TIMEOUT);
    assertThatThrownBy(() -> responder.ok("again")).isInstanceOf(Invariants.InvariantViolation.class);
  }

  @Test
  void aNonIdempotentRequestIsNotRetried() {
    serveUpperCase();
    net.fate = envelope -> new long[0];
    call(ECHO, "lost", 500 * MS);
    net.scheduler.runUntilIdle();

    assertThat(net.sentKinds()).containsExactly(Kind.REQUEST);
    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.TIMEOUT);
    assertThat(error.certainlyNotRun()).isFalse();
    assertThat(n1.stats().retries()).isZero();
  }

  @Test
  void anIdempotentRequestIsRetriedAfterAJitteredBackoff() {
    serveUpperCase();
    int[] requests = {0};
    net.fate = envelope -> envelope.kind() == Kind.REQUEST && requests[0]++ == 0 ? new long[0] : new long[] {MS};
    call(READ, "key", 1_000 * MS);
    net.scheduler.runUntilIdle();

    assertThat(replies).containsExactly(new Reply.Ok<>("KEY"));
    assertThat(handled).containsExactly("key");
    List<TestNetwork.Sent> sentRequests = net.sent.stream().filter(s -> s.envelope().kind() == Kind.REQUEST).toList();
    assertThat(sentRequests).hasSize(2);
    assertThat(sentRequests.get(1).envelope().requestId())
        .as("an attempt has an id of its own").isNotEqualTo(sentRequests.get(0).envelope().requestId());
    long attemptTimeout = THREE_TRIES.attemptTimeoutNanos();
    assertThat(sentRequests.get(0).envelope().budgetNanos()).isEqualTo(attemptTimeout);
    assertThat(sentRequests.get(1).atNanos()).as("timeout, then a backoff in [10, 20] ms")
        .isBetween(attemptTimeout + 10 * MS, attemptTimeout + 20 * MS);
    assertThat(n1.stats().retries()).isEqualTo(1);
    assertThat(n1.stats().attemptsTimedOut()).isEqualTo(1);
  }

  @Test
  void retriesStopAtMaxAttemptsAndTheOutcomeStaysUnknown() {
    serveUpperCase();
    net.fate = envelope -> new long[0];
    call(READ, "key", 10_000 * MS);
    net.scheduler.runUntilIdle();

    assertThat(net.sentKinds()).containsExactly(Kind.REQUEST, Kind.REQUEST, Kind.REQUEST);
    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.TIMEOUT);
    assertThat(error.certainlyNotRun()).isFalse();
  }

  @Test
  void retriesNeverPassTheCallsDeadline() {
    serveUpperCase();
    net.fate = envelope -> new long[0];
    call(READ, "key", 150 * MS);
    net.scheduler.runUntilIdle();

    List<TestNetwork.Sent> sentRequests = net.sent;
    assertThat(sentRequests).hasSize(2);
    assertThat(sentRequests.get(1).envelope().budgetNanos())
        .as("the second attempt gets what is left of the call's 150 ms")
        .isEqualTo(150 * MS - sentRequests.get(1).atNanos());
    assertThat(net.now()).isEqualTo(150 * MS);
    assertThat(onlyError().kind()).isEqualTo(RpcError.Kind.TIMEOUT);
  }

  @Test
  void aRejectionSaysTheRequestCertainlyDidNotRun() {
    call(ECHO, "anyone?", 1_000 * MS);
    net.scheduler.runUntilIdle();

    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.REJECTED);
    assertThat(error.certainlyNotRun()).isTrue();
    assertThat(error.detail()).contains("no handler for envelope type 7");
    assertThat(n2.stats().rejectedNoHandler()).isEqualTo(1);
  }

  @Test
  void aRejectionAfterATimedOutAttemptLeavesTheOutcomeUnknown() {
    List<Responder<String>> held = new ArrayList<>();
    n2.register(READ, (request, responder) -> {
      held.add(responder);
      if (held.size() > 1) {
        responder.reject("not the leaseholder");
      }
    });
    call(READ, "key", 10_000 * MS);
    net.scheduler.runUntilIdle();

    assertThat(held).hasSize(3);
    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.REJECTED);
    assertThat(error.certainlyNotRun()).as("the first attempt reached its handler and timed out").isFalse();
  }

  @Test
  void aFailingHandlerMayHaveRun() {
    n2.register(ECHO, (request, responder) -> {
      throw new IllegalStateException("disk on fire");
    });
    call(ECHO, "x", 1_000 * MS);
    net.scheduler.runUntilIdle();

    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.FAILED);
    assertThat(error.certainlyNotRun()).isFalse();
    assertThat(error.detail()).contains("IllegalStateException: disk on fire");
    assertThat(n2.stats().handlerFailures()).isEqualTo(1);
    assertThat(n2.stats().handling()).isZero();
  }

  @Test
  void theNumberOfPendingCallsIsBounded() {
    Rpc bounded = net.node(3, new RpcLimits(2, 10, 100, 0), 3);
    List<Responder<String>> held = new ArrayList<>();
    n2.register(ECHO, (request, responder) -> held.add(responder));
    bounded.call(two, ECHO, "a", 1_000 * MS, replies::add);
    bounded.call(two, ECHO, "b", 1_000 * MS, replies::add);
    bounded.call(two, ECHO, "c", 1_000 * MS, replies::add);

    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.PENDING_LIMIT);
    assertThat(error.certainlyNotRun()).isTrue();
    assertThat(bounded.stats().rejectedPendingLimit()).isEqualTo(1);
    assertThat(bounded.stats().pendingCalls()).isEqualTo(2);

    net.scheduler.advanceNanos(2 * MS);
    held.getFirst().ok("A");
    net.scheduler.advanceNanos(2 * MS);
    assertThat(replies).last().isEqualTo(new Reply.Ok<>("A"));
    bounded.call(two, ECHO, "d", 1_000 * MS, replies::add);
    assertThat(bounded.stats().pendingCalls()).as("room again after one ended").isEqualTo(2);
  }

  @Test
  void theNumberOfRequestsInHandlingIsBounded() {
    Rpc server = net.node(3, new RpcLimits(10, 1, 100, 0), 3);
    server.register(ECHO, (request, responder) -> handled.add(request));
    n1.call(server.self(), ECHO, "first", 1_000 * MS, replies::add);
    n1.call(server.self(), ECHO, "second", 1_000 * MS, replies::add);
    net.scheduler.advanceNanos(5 * MS);

    assertThat(handled).containsExactly("first");
    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.REJECTED);
    assertThat(error.certainlyNotRun()).isTrue();
    assertThat(server.stats().rejectedOverload()).isEqualTo(1);
  }

  @Test
  void aCancelledCallEndsWithoutAReplyAndItsAnswerIsDropped() {
    serveUpperCase();
    Cancellable handle = call(ECHO, "never mind", 1_000 * MS);
    assertThat(handle.cancel()).isTrue();
    assertThat(handle.cancel()).isFalse();
    net.scheduler.runUntilIdle();

    assertThat(replies).isEmpty();
    assertThat(n1.stats().callsCancelled()).isEqualTo(1);
    assertThat(n1.stats().lateAnswers()).isEqualTo(1);
    assertThat(n1.stats().pendingCalls()).isZero();
  }

  @Test
  void cancellingDuringABackoffStopsTheRetry() {
    serveUpperCase();
    net.fate = envelope -> new long[0];
    Cancellable handle = call(READ, "key", 10_000 * MS);
    net.scheduler.advanceNanos(THREE_TRIES.attemptTimeoutNanos() + MS);
    assertThat(handle.cancel()).isTrue();
    net.scheduler.runUntilIdle();

    assertThat(net.sentKinds()).containsExactly(Kind.REQUEST);
    assertThat(replies).isEmpty();
  }

  @Test
  void aCallEndsAtOnceWhenItsAnswerArrivesAndItsTimerDoesNotFireLater() {
    serveUpperCase();
    call(ECHO, "x", 1_000 * MS);
    net.scheduler.advanceNanos(5 * MS);
    assertThat(replies).hasSize(1);
    net.scheduler.runUntilIdle();
    assertThat(replies).hasSize(1);
    assertThat(n1.stats().attemptsTimedOut()).isZero();
  }

  @Test
  void closingEndsPendingCallsAndLaterCallsFailAtOnce() {
    n2.register(ECHO, (request, responder) -> { });
    call(ECHO, "x", 1_000 * MS);
    net.scheduler.advanceNanos(5 * MS);
    n1.close();
    RpcError error = onlyError();
    assertThat(error.kind()).isEqualTo(RpcError.Kind.CLOSED);
    assertThat(error.certainlyNotRun()).isFalse();

    replies.clear();
    call(ECHO, "y", 1_000 * MS);
    assertThat(onlyError().certainlyNotRun()).isTrue();
    assertThat(n1.stats().pendingCalls()).isZero();
  }

  @Test
  void oneWayMessagesGoToTheirTypesHandler() {
    List<String> got = new ArrayList<>();
    n2.onMessage(3, (from, payload) -> got.add(from + ":" + new String(payload, StandardCharsets.UTF_8)));
    n1.send(two, 3, "hi".getBytes(StandardCharsets.UTF_8));
    n1.send(two, 4, "nobody".getBytes(StandardCharsets.UTF_8));
    net.scheduler.runUntilIdle();

    assertThat(got).containsExactly("n1:hi");
    assertThat(n2.stats().rejectedNoHandler()).isEqualTo(1);
    assertThatThrownBy(() -> n2.register(RequestType.once(3, "clash", TEXT, TEXT), (q, r) -> { }))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anEnvelopeForAnotherNodeIsDropped() {
    serveUpperCase();
    n2.receive(Envelope.request(n1.self(), new NodeId(9), ECHO.id(), 1, MS, new byte[0]));
    assertThat(handled).isEmpty();
    assertThat(n2.stats().misaddressed()).isEqualTo(1);
  }

  @Test
  void aNonIdempotentTypeCannotHaveARetryPolicy() {
    assertThatThrownBy(() -> new RequestType<>(1, "commit", TEXT, TEXT, false, THREE_TRIES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not idempotent");
  }
}
