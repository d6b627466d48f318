package dev.meridian.runtime.rpc;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.MessageSink;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One node's request/response endpoint, built on one-way {@link Envelope}s over a {@link
 * MessageSink} (DESIGN.md §11): request ids, deadlines, timeouts, retries of idempotent requests,
 * cancellation and bounds on the calling side; handlers per request type, deadline checks and
 * duplicate suppression on the serving side. It does no I/O and reads no clock of its own — the same
 * object runs over gRPC in {@code server} and over the simulated network in {@code sim}.
 *
 * <h2>Glossary</h2>
 *
 * <ul>
 *   <li><b>call</b>: what {@link #call} starts; it ends exactly once, with a {@link Reply} to its
 *       callback, or by {@link Cancellable#cancel} (then without one).
 *   <li><b>attempt</b>: one request envelope of a call, with its own request id and timeout. A call
 *       of a non-idempotent type has one attempt; an idempotent one up to {@link
 *       RetryPolicy#maxAttempts}, separated by jittered backoff, all inside the call's deadline.
 *   <li><b>budget</b>: the nanoseconds the caller still waits for an attempt, sent in the envelope;
 *       the server counts it from the arrival on its own scheduler.
 *   <li><b>handling</b>: a request given to its handler and not yet answered.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>Request ids are unique per endpoint (one node incarnation): a counter from a random start,
 *       so a restarted node's ids do not meet answers meant for its previous incarnation (except
 *       with probability ~ 2^-64 per id).
 *   <li>An attempt is in {@code pending} exactly while its call waits for its answer; an answer whose
 *       id is not there (a duplicate, or one after its timeout or cancel) is counted and dropped, so
 *       a call ends at most once.
 *   <li>{@code live} holds the calls that have not ended, those waiting out a backoff included; it
 *       never holds more than {@link RpcLimits#maxPendingCalls}.
 *   <li>A request is given to its handler at most once per id while the id is remembered (duplicate
 *       deliveries are dropped), only if its budget has not run out, and only while fewer than
 *       {@link RpcLimits#maxHandling} requests are in handling.
 *   <li>A rejection is sent only when the handler never ran (or said so itself): it is what lets a
 *       caller say "certainly not run".
 * </ol>
 *
 * <p>Not thread-safe: every method runs on {@code scheduler}'s loop, like any protocol core; the
 * counters are single-writer volatiles so that {@link #stats} may be read from any thread.
 */
public final class Rpc {

  private final NodeId self;
  private final MessageSink<Envelope> sink;
  private final Scheduler scheduler;
  private final RandomSource random;
  private final RpcLimits limits;

  private long nextRequestId;
  /** Attempts waiting for their answer, by request id. */
  private final Map<Long, Call<?, ?>> pending = new HashMap<>();
  private final Map<Integer, Served<?, ?>> handlers = new HashMap<>();
  private final Map<Integer, MessageHandler> messageHandlers = new HashMap<>();
  /** Request ids seen from peers, oldest first, with the time they may be forgotten. */
  private final LinkedHashMap<Seen, Long> remembered = new LinkedHashMap<>();
  /** Calls that have not ended, in start order: waiting for an answer or for a retry's backoff. */
  private final Set<Call<?, ?>> live = new LinkedHashSet<>();
  private boolean closed;

  private volatile int calls;
  private volatile int handling;
  private volatile long callsStarted;
  private volatile long callsSucceeded;
  private volatile long callsFailed;
  private volatile long callsCancelled;
  private volatile long attemptsTimedOut;
  private volatile long retries;
  private volatile long lateAnswers;
  private volatile long rejectedPendingLimit;
  private volatile long requestsHandled;
  private volatile long requestsExpired;
  private volatile long duplicateRequests;
  private volatile long rejectedOverload;
  private volatile long rejectedNoHandler;
  private volatile long answersDropped;
  private volatile long handlerFailures;
  private volatile long misaddressed;
  private volatile long forgottenEarly;

  private record Seen(NodeId from, long requestId) {}

  private record Served<Q, R>(RequestType<Q, R> type, RequestHandler<Q, R> handler) {}

  public Rpc(NodeId self, MessageSink<Envelope> sink, Scheduler scheduler, RandomSource random,
      RpcLimits limits) {
    this.self = Objects.requireNonNull(self, "self");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.random = random.fork();
    this.limits = Objects.requireNonNull(limits, "limits");
    this.nextRequestId = this.random.nextLong();
  }

  public NodeId self() {
    return self;
  }

  // ---------------------------------------------------------------------------------------------
  // Serving side

  /** Serves {@code type} with {@code handler}; one handler per type number. */
  public <Q, R> void register(RequestType<Q, R> type, RequestHandler<Q, R> handler) {
    requireFreeType(type.id());
    handlers.put(type.id(), new Served<>(type, handler));
  }

  /** Receives the one-way messages of envelope type {@code type}. */
  public void onMessage(int type, MessageHandler handler) {
    requireFreeType(type);
    messageHandlers.put(type, handler);
  }

  private void requireFreeType(int type) {
    if (handlers.containsKey(type) || messageHandlers.containsKey(type)) {
      throw new IllegalStateException("envelope type " + type + " is already handled on " + self);
    }
  }

  /** Sends a one-way message of envelope type {@code type}. */
  public void send(NodeId to, int type, byte[] payload) {
    sink.send(to, Envelope.message(self, to, type, payload));
  }

  /** An envelope that arrived now. */
  public void receive(Envelope envelope) {
    receive(envelope, scheduler.nowNanos());
  }

  /**
   * An envelope that arrived at {@code arrivedNanos} (on this endpoint's scheduler clock): a
   * transport that queues envelopes before this loop gets them passes the arrival, so that queueing
   * counts against a request's budget.
   */
  public void receive(Envelope envelope, long arrivedNanos) {
    if (closed) {
      return;
    }
    if (!envelope.to().equals(self)) {
      misaddressed++;
      return;
    }
    switch (envelope.kind()) {
      case MESSAGE -> deliverMessage(envelope);
      case REQUEST -> serve(envelope, arrivedNanos);
      case RESPONSE, REJECTED, FAILED -> answer(envelope);
    }
  }

  private void deliverMessage(Envelope envelope) {
    MessageHandler handler = messageHandlers.get(envelope.type());
    if (handler == null) {
      rejectedNoHandler++;
      return;
    }
    handler.onMessage(envelope.from(), envelope.payload());
  }

  private void serve(Envelope request, long arrivedNanos) {
    long now = scheduler.nowNanos();
    long deadline = saturatedAdd(arrivedNanos, request.budgetNanos());
    if (!remember(new Seen(request.from(), request.requestId()), deadline, now)) {
      duplicateRequests++;
      return;
    }
    if (now >= deadline) {
      // Nobody waits for it: answering would only add traffic, and the caller has already timed out.
      requestsExpired++;
      return;
    }
    Served<?, ?> served = handlers.get(request.type());
    if (served == null) {
      rejectedNoHandler++;
      sink.send(request.from(), Envelope.error(request, Envelope.Kind.REJECTED,
          "no handler for envelope type " + request.type() + " on " + self));
      return;
    }
    if (handling >= limits.maxHandling()) {
      rejectedOverload++;
      sink.send(request.from(), Envelope.error(request, Envelope.Kind.REJECTED, self + " is handling "
          + handling + " requests, its limit (RpcLimits.maxHandling); try again later"));
      return;
    }
    dispatch(served, request, deadline);
  }

  private <Q, R> void dispatch(Served<Q, R> served, Envelope request, long deadline) {
    Q decoded;
    try {
      decoded = served.type.requests().decode(request.payload());
    } catch (RuntimeException e) {
      sink.send(request.from(), Envelope.error(request, Envelope.Kind.REJECTED,
          "malformed " + served.type + " request: " + describe(e)));
      return;
    }
    Answering<R> responder = new Answering<>(served.type, request, deadline);
    handling++;
    requestsHandled++;
    try {
      served.handler.handle(decoded, responder);
    } catch (RuntimeException e) {
      if (!responder.answered) {
        responder.fail(describe(e));
      } else {
        handlerFailures++;
      }
    }
  }

  /** Records a request id; false if it was already remembered (a duplicate delivery). */
  private boolean remember(Seen seen, long deadline, long now) {
    Iterator<Map.Entry<Seen, Long>> oldest = remembered.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<Seen, Long> head = oldest.next();
      if (head.getValue() > now) {
        break;
      }
      oldest.remove();
    }
    if (remembered.containsKey(seen)) {
      return false;
    }
    if (remembered.size() >= limits.maxRemembered()) {
      Iterator<Seen> evict = remembered.keySet().iterator();
      evict.next();
      evict.remove();
      forgottenEarly++;
    }
    remembered.put(seen, saturatedAdd(deadline, limits.duplicateWindowNanos()));
    return true;
  }

  /** The responder of one request in handling. */
  private final class Answering<R> implements Responder<R> {
    private final RequestType<?, R> type;
    private final Envelope request;
    private final long deadline;
    private boolean answered;

    Answering(RequestType<?, R> type, Envelope request, long deadline) {
      this.type = type;
      this.request = request;
      this.deadline = deadline;
    }

    @Override
    public NodeId from() {
      return request.from();
    }

    @Override
    public long deadlineNanos() {
      return deadline;
    }

    @Override
    public boolean isExpired() {
      return scheduler.nowNanos() >= deadline;
    }

    @Override
    public void ok(R response) {
      byte[] bytes;
      try {
        bytes = type.responses().encode(response);
      } catch (RuntimeException e) {
        fail("response of " + type + " could not be encoded: " + describe(e));
        return;
      }
      finish(Envelope.Kind.RESPONSE, bytes);
    }

    @Override
    public void reject(String why) {
      finish(Envelope.Kind.REJECTED, null, why);
    }

    @Override
    public void fail(String why) {
      handlerFailures++;
      finish(Envelope.Kind.FAILED, null, why);
    }

    private void finish(Envelope.Kind kind, byte[] payload) {
      finish(kind, payload, null);
    }

    private void finish(Envelope.Kind kind, byte[] payload, String why) {
      Invariants.require(!answered, "request %s of %s answered twice", request, type);
      answered = true;
      handling--;
      if (closed) {
        return;
      }
      if (isExpired()) {
        answersDropped++;
        return;
      }
      sink.send(request.from(), payload != null ? Envelope.answer(request, kind, payload)
          : Envelope.error(request, kind, why));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Calling side

  /**
   * Sends {@code request} to {@code to} and hands the outcome to {@code onReply}, on this loop,
   * within {@code timeoutNanos} (plus at most one scheduler tick). A call that cannot start (the
   * pending limit, or a closed endpoint) ends at once, before this method returns.
   *
   * @return a handle; cancelling it ends the call without a reply (an answer that comes later is
   *     dropped), and returns false if the call had already ended
   */
  public <Q, R> Cancellable call(NodeId to, RequestType<Q, R> type, Q request, long timeoutNanos,
      Consumer<Reply<R>> onReply) {
    Objects.requireNonNull(onReply, "onReply");
    if (closed) {
      callsFailed++;
      onReply.accept(new Reply.Failed<>(new RpcError(RpcError.Kind.CLOSED, true,
          "the RPC endpoint of " + self + " is closed")));
      return () -> false;
    }
    if (live.size() >= limits.maxPendingCalls()) {
      rejectedPendingLimit++;
      callsFailed++;
      onReply.accept(new Reply.Failed<>(new RpcError(RpcError.Kind.PENDING_LIMIT, true, self + " has "
          + live.size() + " calls pending, its limit (RpcLimits.maxPendingCalls); nothing was sent")));
      return () -> false;
    }
    Call<Q, R> call = new Call<>(to, type, type.requests().encode(request),
        saturatedAdd(scheduler.nowNanos(), Math.max(0, timeoutNanos)), onReply);
    live.add(call);
    calls = live.size();
    callsStarted++;
    call.sendAttempt();
    return call;
  }

  private void answer(Envelope answer) {
    Call<?, ?> call = pending.get(answer.requestId());
    if (call == null || !call.to.equals(answer.from()) || call.type.id() != answer.type()) {
      lateAnswers++;
      return;
    }
    pending.remove(answer.requestId());
    call.onAnswer(answer);
  }

  /** One call, through its attempts. */
  private final class Call<Q, R> implements Cancellable {
    final NodeId to;
    final RequestType<Q, R> type;
    private final byte[] payload;
    private final long deadline;
    private final Consumer<Reply<R>> onReply;
    private int attempt;
    private long attemptId;
    private Cancellable timer;
    private boolean ended;
    /** Whether some attempt may have reached a handler (a timeout, or a failure answer). */
    private boolean mayHaveRun;

    Call(NodeId to, RequestType<Q, R> type, byte[] payload, long deadline, Consumer<Reply<R>> onReply) {
      this.to = to;
      this.type = type;
      this.payload = payload;
      this.deadline = deadline;
      this.onReply = onReply;
    }

    void sendAttempt() {
      if (closed) {
        close();
        return;
      }
      long remaining = deadline - scheduler.nowNanos();
      if (remaining <= 0) {
        end(RpcError.Kind.TIMEOUT, "no answer from " + to + " to " + type + " within its deadline");
        return;
      }
      attempt++;
      if (attempt > 1) {
        retries++;
      }
      long budget = Math.min(remaining, type.retry().attemptTimeoutNanos());
      long id = nextRequestId++;
      Invariants.require(!pending.containsKey(id), "request id %d reused while pending", id);
      attemptId = id;
      pending.put(id, this);
      timer = scheduler.schedule(budget, () -> onAttemptTimeout(id));
      sink.send(to, Envelope.request(self, to, type.id(), id, budget, payload));
    }

    private void onAttemptTimeout(long id) {
      if (ended || attemptId != id || pending.remove(id) == null) {
        return;
      }
      attemptsTimedOut++;
      mayHaveRun = true;
      retryOrEnd(RpcError.Kind.TIMEOUT, "no answer from " + to + " to " + type + " (attempt " + attempt
          + ") within its timeout");
    }

    void onAnswer(Envelope answer) {
      timer.cancel();
      switch (answer.kind()) {
        case RESPONSE -> {
          R value;
          try {
            value = type.responses().decode(answer.payload());
          } catch (RuntimeException e) {
            mayHaveRun = true;
            end(RpcError.Kind.MALFORMED_RESPONSE, "malformed " + type + " response from " + to + ": "
                + describe(e));
            return;
          }
          forget();
          callsSucceeded++;
          onReply.accept(new Reply.Ok<>(value));
        }
        case REJECTED -> retryOrEnd(RpcError.Kind.REJECTED, to + " rejected " + type + ": "
            + answer.errorText());
        default -> {
          mayHaveRun = true;
          end(RpcError.Kind.FAILED, to + " failed " + type + ": " + answer.errorText());
        }
      }
    }

    private void retryOrEnd(RpcError.Kind kind, String detail) {
      RetryPolicy policy = type.retry();
      if (!type.idempotent() || attempt >= policy.maxAttempts()) {
        end(kind, detail);
        return;
      }
      long backoff = policy.backoffNanos(attempt + 1, random);
      if (scheduler.nowNanos() + backoff >= deadline) {
        end(kind, detail + "; no time left for another attempt");
        return;
      }
      timer = scheduler.schedule(backoff, () -> {
        if (!ended) {
          sendAttempt();
        }
      });
    }

    private void end(RpcError.Kind kind, String detail) {
      if (kind == RpcError.Kind.TIMEOUT) {
        mayHaveRun = true;
      }
      forget();
      callsFailed++;
      onReply.accept(new Reply.Failed<>(new RpcError(kind, !mayHaveRun, detail)));
    }

    /** Ends the call without a reply (see {@link Rpc#call}). */
    @Override
    public boolean cancel() {
      if (ended) {
        return false;
      }
      forget();
      pending.remove(attemptId);
      timer.cancel();
      callsCancelled++;
      return true;
    }

    private void forget() {
      ended = true;
      live.remove(this);
      calls = live.size();
    }

    /** Ends the call because the endpoint closes; an attempt in flight may have run. */
    void close() {
      if (!ended) {
        if (timer != null) {
          timer.cancel();
        }
        if (pending.remove(attemptId) != null) {
          mayHaveRun = true;
        }
        end(RpcError.Kind.CLOSED, "the RPC endpoint of " + self + " closed");
      }
    }
  }

  /**
   * Ends every pending call with {@link RpcError.Kind#CLOSED} and stops serving: later envelopes are
   * ignored, later calls fail at once, answers of requests still in handling are not sent.
   */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    new ArrayList<>(live).forEach(Call::close);
    Invariants.require(pending.isEmpty(), "attempts pending after every call closed: %s", pending.keySet());
  }

  public RpcStats stats() {
    return new RpcStats(callsStarted, callsSucceeded, callsFailed, callsCancelled, attemptsTimedOut,
        retries, lateAnswers, rejectedPendingLimit, calls, requestsHandled, requestsExpired,
        duplicateRequests, rejectedOverload, rejectedNoHandler, answersDropped, handlerFailures,
        misaddressed, forgottenEarly, handling);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  static String describe(Throwable error) {
    String name = error.getClass().getSimpleName();
    return error.getMessage() == null ? name : name + ": " + error.getMessage();
  }
}
