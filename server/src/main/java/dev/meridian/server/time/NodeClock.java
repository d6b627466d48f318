package dev.meridian.server.time;

import static dev.meridian.server.admin.NodeMetrics.counter;
import static dev.meridian.server.admin.NodeMetrics.gauge;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.runtime.real.SystemPhysicalClock;
import dev.meridian.server.admin.AdminServer;
import dev.meridian.server.admin.NodeMetrics;
import dev.meridian.server.admin.AdminServer.Response;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.FaultyPhysicalClock;
import dev.meridian.truetime.SyncedTrueTime;
import dev.meridian.truetime.TimeMasterReading;
import dev.meridian.truetime.TimeSample;
import dev.meridian.truetime.TrueTime;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A node's TrueTime as a service (DESIGN.md §4): the physical clock (the system clock behind a {@link
 * FaultyPhysicalClock}, so faults can be injected), the {@link SyncedTrueTime} core, the sync daemon
 * that polls the masters, the master side that answers peers, and the admin surface ({@code /health}
 * verdict, metrics, {@code /truetime}, {@code /truetime/history}, {@code /fault/clock}).
 *
 * <h2>The daemon</h2>
 *
 * One thread. A round asks every master at once — a peer over the node transport, up to {@link
 * #SAMPLES_PER_MASTER} times one after the other, this node itself by reading its own clock —
 * stamping each request's send and each answer's arrival on the monotonic clock (the arrival on the
 * transport's RPC loop, the moment the answer is matched to its request: a hop later than the frame's
 * arrival, which only lengthens the measured round trip and so widens, never narrows, the interval), waits for the answers up to the round's timeout,
 * and hands them to {@link SyncedTrueTime#onSyncRound}, which keeps each master's answer with the
 * shortest round trip (one slow trip on a loaded machine then does not widen the round). The next round
 * follows one poll period later, or {@link #FENCED_RETRY_MICROS} later while the clock is fenced, so
 * a node that started before its masters, or lost them, recovers without waiting out a 30 s poll.
 * Each round records the epsilon just before and just after it (the sawtooth's peak and trough) in
 * the history.
 */
public final class NodeClock implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeClock.class.getName());

  /** Poll period while fenced, at most. */
  static final long FENCED_RETRY_MICROS = 1_000_000;
  /** Longest wait for one master's answer: a slower answer says little about the time anyway. */
  static final long MAX_REQUEST_TIMEOUT_MICROS = 1_000_000;

  /** Sends a request to a peer and completes with its response (the node transport's {@code request}). */
  @FunctionalInterface
  public interface MasterLink {
    CompletableFuture<byte[]> request(NodeId to, byte[] payload, Duration timeout);
  }

  private final NodeId self;
  private final ClockOptions options;
  private final FaultyPhysicalClock physical = new FaultyPhysicalClock(SystemPhysicalClock.INSTANCE);
  private final SyncedTrueTime trueTime;
  private final DeclaredUncertainty declared;
  private final List<NodeId> masters;
  private final Duration requestTimeout;
  private final ClockHistory history = new ClockHistory();
  private final AtomicLong requestsServed = new AtomicLong();
  private final AtomicLong requestsRefused = new AtomicLong();
  private final ScheduledExecutorService daemon;
  private volatile MasterLink link;
  private volatile SyncedTrueTime.RoundOutcome lastOutcome;
  private volatile boolean closed;

  public NodeClock(int selfId, ClockOptions options) {
    this.self = new NodeId(selfId);
    this.options = options;
    this.declared = options.chronySource()
        ? new DeclaredUncertainty.Chrony()
        : DeclaredUncertainty.fixed(options.clockUncertaintyMicros());
    if (options.selfOnly()) {
      this.masters = List.of(self);
    } else {
      this.masters = options.masters().stream().map(NodeId::new).toList();
      if (masters.contains(self) && !options.timeMaster()) {
        throw new IllegalArgumentException("--time-masters lists this node (" + selfId + ") but it was not started"
            + " with --time-master");
      }
      if (masters.size() < 3) {
        LOG.warning("only " + masters.size() + " time masters: with fewer than three no lying master can be"
            + " outvoted, and losing one fences this node");
      }
    }
    this.trueTime = new SyncedTrueTime(physical, new SyncedTrueTime.Config(options.driftPpm(),
        options.maxEpsilonMicros(), options.pollMicros(), SyncedTrueTime.Config.defaults().clockJumpToleranceMicros()));
    this.requestTimeout = Duration.ofNanos(1_000 * Math.min(MAX_REQUEST_TIMEOUT_MICROS, options.pollMicros() / 2));
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("truetime-sync"));
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.daemon = executor;
  }

  /** The masters this node polls, by node id. */
  public List<NodeId> masters() {
    return masters;
  }

  public TrueTime trueTime() {
    return trueTime;
  }

  public SyncedTrueTime core() {
    return trueTime;
  }

  /**
   * Starts the daemon; its first round runs at once (see {@link #awaitTrusted} to wait for it).
   *
   * @param masterLink how to reach other masters; may be null when the node is its own only master
   */
  public void start(MasterLink masterLink) {
    if (!options.selfOnly() && masters.stream().anyMatch(m -> !m.equals(self))) {
      Objects.requireNonNull(masterLink, "time masters other than this node need a transport");
    }
    this.link = masterLink;
    daemon.execute(this::roundAndReschedule);
  }

  /** Waits until the clock is trusted, up to {@code timeout}; returns whether it is. */
  public boolean awaitTrusted(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!trueTime.state().trusted()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Master side

  /** The transport's request handler for time requests from peers. */
  public CompletableFuture<byte[]> onRequest(NodeId from, byte[] payload) {
    try {
      TimeWire.checkRequest(payload);
      return CompletableFuture.completedFuture(TimeWire.response(read()));
    } catch (IOException | RuntimeException e) {
      requestsRefused.incrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
  }

  /** This node's master reading: its wall clock and its declared uncertainty. */
  private TimeMasterReading read() throws IOException {
    if (!options.timeMaster() && !options.selfOnly()) {
      throw new IllegalStateException("node " + self.value() + " is not a time master (start it with --time-master)");
    }
    long uncertainty = declared.uncertaintyMicros();
    TimeMasterReading reading = new TimeMasterReading(physical.wallClockMicros(), uncertainty);
    requestsServed.incrementAndGet();
    return reading;
  }

  // ---------------------------------------------------------------------------------------------
  // The daemon

  private void roundAndReschedule() {
    if (closed) {
      return;
    }
    try {
      round();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "a TrueTime sync round failed; the clock stays as it was and fences itself"
          + " once its epsilon passes the maximum", e);
    }
    long delay = trueTime.state().trusted() ? options.pollMicros() : Math.min(options.pollMicros(), FENCED_RETRY_MICROS);
    try {
      daemon.schedule(this::roundAndReschedule, delay, TimeUnit.MICROSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      // Closing.
    }
  }

  /** Requests to each other master per round; the answer with the shortest round trip counts. */
  static final int SAMPLES_PER_MASTER = 3;

  private record Ask(NodeId master, CompletableFuture<List<TimeSample>> samples) {}

  private void round() {
    long deadline = System.nanoTime() + requestTimeout.toNanos() + 50_000_000L;
    List<Ask> asks = new ArrayList<>(masters.size());
    for (NodeId master : masters) {
      CompletableFuture<List<TimeSample>> samples = new CompletableFuture<>();
      if (master.equals(self)) {
        // A local read has no trip to filter.
        try {
          long send = physical.monotonicNanos();
          samples.complete(List.of(toSample(master, send, read())));
        } catch (IOException | RuntimeException e) {
          samples.completeExceptionally(e);
        }
      } else {
        askAgain(master, new ArrayList<>(), deadline, samples);
      }
      asks.add(new Ask(master, samples));
    }
    List<TimeSample> samples = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    for (Ask ask : asks) {
      try {
        samples.addAll(ask.samples().get(Math.max(0, deadline - System.nanoTime()) + 100_000_000L, TimeUnit.NANOSECONDS));
      } catch (ExecutionException | TimeoutException e) {
        ask.samples().cancel(false);
        unanswered.add(name(ask.master()));
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        failures.put(name(ask.master()), cause.getClass().getSimpleName() + ": " + cause.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    long wallMillis = physical.wallClockMicros() / 1_000;
    SyncedTrueTime.State before = trueTime.state();
    history.add(wallMillis, trueTime.currentEpsilonMicros(), before.trusted());
    SyncedTrueTime.RoundOutcome outcome = trueTime.onSyncRound(samples, unanswered);
    SyncedTrueTime.State after = trueTime.state();
    history.add(wallMillis, trueTime.currentEpsilonMicros(), after.trusted());
    report(lastOutcome, outcome, failures);
    lastOutcome = outcome;
  }

  /**
   * Asks {@code master} once more (one request at a time, so the samples do not queue behind each
   * other), until {@link #SAMPLES_PER_MASTER} answers or the round's deadline; completes {@code
   * done} with the answers, or exceptionally if there was none.
   */
  private void askAgain(NodeId master, List<TimeSample> got, long deadlineNanos,
      CompletableFuture<List<TimeSample>> done) {
    long left = deadlineNanos - System.nanoTime();
    if (got.size() >= SAMPLES_PER_MASTER || (left <= 0 && !got.isEmpty())) {
      done.complete(got);
      return;
    }
    long send = physical.monotonicNanos();
    Duration timeout = Duration.ofNanos(Math.max(1_000_000L, Math.min(requestTimeout.toNanos(), left)));
    link.request(master, TimeWire.request(), timeout)
        .thenApply(body -> toSample(master, send, TimeWire.decodeResponse(body)))
        .whenComplete((sample, error) -> {
          if (error != null) {
            if (got.isEmpty()) {
              done.completeExceptionally(error);
            } else {
              done.complete(got);
            }
            return;
          }
          got.add(sample);
          askAgain(master, got, deadlineNanos, done);
        });
  }

  private TimeSample toSample(NodeId master, long sendMonoNanos, TimeMasterReading reading) {
    return new TimeSample(name(master), sendMonoNanos, physical.monotonicNanos(), reading.wallMicros(),
        reading.uncertaintyMicros());
  }

  private static String name(NodeId node) {
    return node.toString();
  }

  /** Logs what changed: the fence, and which masters were rejected or silent. */
  private void report(SyncedTrueTime.RoundOutcome previous, SyncedTrueTime.RoundOutcome now, Map<String, String> failures) {
    ClockUnavailableException.Reason before = previous == null ? ClockUnavailableException.Reason.NOT_SYNCED
        : previous.fence();
    if (before != now.fence()) {
      if (now.fence() == null) {
        LOG.info("TrueTime trusted again: synced with epsilon " + now.syncEpsilonMicros() + " µs");
      } else {
        LOG.warning("TrueTime fenced (" + now.fence() + "): " + now.detail()
            + (failures.isEmpty() ? "" : "; unanswered: " + failures));
      }
    }
    if (!now.rejected().isEmpty() && (previous == null || !previous.rejected().equals(now.rejected()))) {
      LOG.warning("time masters outvoted as wrong: " + String.join(", ", now.rejected()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Admin surface

  /** Whether the clock is trusted now, and if not why. */
  public SyncedTrueTime.State state() {
    return trueTime.state();
  }

  /**
   * The {@code /health} answer: 200 while the clock is trusted, 503 with the reason when it is
   * fenced; {@code nodeFields} are the node's own JSON members (without braces).
   */
  public Response health(String nodeFields) {
    SyncedTrueTime.State state = trueTime.state();
    String clock = state.trusted() ? "trusted" : state.reason().name();
    String json = String.format(Locale.ROOT, "{\"status\":\"%s\",%s,\"clock\":\"%s\",\"epsilonMicros\":%d%s}\n",
        state.trusted() ? "ok" : "unavailable", nodeFields, clock, trueTime.currentEpsilonMicros(),
        state.trusted() ? "" : ",\"reason\":\"" + dev.meridian.server.admin.Json.escape(state.detail()) + "\"");
    return Response.json(state.trusted() ? 200 : 503, json);
  }

  /** Appends the TrueTime metrics (Prometheus text format). */
  public void appendMetrics(StringBuilder out) {
    NodeMetrics.gaugeSeconds(out, "meridian_truetime_epsilon_seconds",
        "Current TrueTime uncertainty bound (half the interval).", epsilonMicros());
    appendMetricsButEpsilon(out);
  }

  /** The epsilon the metric and the console show: the sawtooth's current value, fenced or not. */
  public long epsilonMicros() {
    return trueTime.currentEpsilonMicros();
  }

  /** {@link #appendMetrics} without the epsilon gauge, for nodes whose own metrics carry it. */
  public void appendMetricsButEpsilon(StringBuilder out) {
    SyncedTrueTime.State state = trueTime.state();
    SyncedTrueTime.Stats stats = trueTime.stats();
    gauge(out, "meridian_truetime_trusted", "1 while this node trusts its clock, 0 while it is fenced.",
        state.trusted() ? 1 : 0);
    counter(out, "meridian_truetime_sync_rounds_total", "Sync rounds run (every master polled once).", stats.rounds());
    counter(out, "meridian_truetime_sync_failures_total", "Sync rounds in which no majority of masters agreed.",
        stats.roundsWithoutMajority());
    labelled(out, "meridian_truetime_master_rejected_total",
        "Answers of a master outvoted as wrong (its interval missed the majority's), by master.", "master",
        stats.rejectedByMaster());
    labelled(out, "meridian_truetime_master_unanswered_total",
        "Time requests a master did not answer in time (or refused), by master.", "master",
        stats.unansweredByMaster());
    Map<String, Long> fences = new LinkedHashMap<>();
    stats.fencesByReason().forEach((reason, count) -> fences.put(reason.name(), count));
    labelled(out, "meridian_truetime_fences_total", "Times this node fenced its clock, by reason.", "reason", fences);
    counter(out, "meridian_truetime_requests_served_total", "Time requests this node answered as a master.",
        requestsServed.get());
    counter(out, "meridian_truetime_requests_refused_total", "Time requests this node refused.",
        requestsRefused.get());
  }

  private static void labelled(StringBuilder out, String name, String help, String label, Map<String, Long> values) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    values.forEach((key, value) ->
        out.append(name).append('{').append(label).append("=\"").append(key).append("\"} ").append(value).append('\n'));
  }

  /** Adds {@code /truetime}, {@code /truetime/history} and {@code /fault/clock}. */
  public void registerRoutes(AdminServer admin) {
    admin.route("/truetime/history", (method, uri, body) -> Response.json(200, history.toJson()));
    admin.route("/truetime", (method, uri, body) -> Response.text(200, statusText()));
    admin.route("/fault/clock", this::handleFault);
  }

  private String statusText() {
    SyncedTrueTime.State state = trueTime.state();
    SyncedTrueTime.RoundOutcome last = lastOutcome;
    StringBuilder out = new StringBuilder();
    out.append("clock=").append(state.trusted() ? "trusted" : state.reason().name())
        .append(" epsilon-micros=").append(trueTime.currentEpsilonMicros())
        .append(" masters=").append(masters.stream().map(NodeClock::name).toList())
        .append(" poll-micros=").append(options.pollMicros())
        .append(" max-epsilon-micros=").append(options.maxEpsilonMicros())
        .append(" time-master=").append(options.timeMaster() || options.selfOnly())
        .append(" faults=offset:").append(physical.offsetMicros()).append("us,drift:").append(physical.driftPpm())
        .append("ppm\n");
    if (!state.trusted()) {
      out.append("reason: ").append(state.detail()).append('\n');
    }
    if (last != null && !last.rejected().isEmpty()) {
      out.append("rejected in the last round: ").append(String.join(", ", last.rejected())).append('\n');
    }
    return out.toString();
  }

  private Response handleFault(String method, URI uri, byte[] body) {
    if (!options.allowFaultInjection()) {
      return Response.text(403, "clock faults are off: start the node with --allow-fault-injection\n");
    }
    switch (method) {
      case "DELETE" -> physical.clearFaults();
      case "POST" -> {
        Map<String, String> query = query(uri);
        if (query.isEmpty()) {
          throw new IllegalArgumentException("give offset_ms, drift_ppm or step_ms");
        }
        for (Map.Entry<String, String> parameter : query.entrySet()) {
          long value = Long.parseLong(parameter.getValue());
          switch (parameter.getKey()) {
            case "offset_ms" -> physical.setOffsetMicros(Math.multiplyExact(value, 1_000L));
            case "drift_ppm" -> physical.setDriftPpm(value);
            case "step_ms" -> physical.stepMicros(Math.multiplyExact(value, 1_000L));
            default -> throw new IllegalArgumentException("unknown clock fault " + parameter.getKey()
                + "; use offset_ms, drift_ppm or step_ms");
          }
        }
      }
      case "GET" -> {
        // Just the current faults.
      }
      default -> throw new IllegalArgumentException("use POST to add a fault, DELETE to remove them");
    }
    LOG.warning("clock faults now: offset " + physical.offsetMicros() + " µs, drift " + physical.driftPpm() + " ppm");
    return Response.text(200, String.format(Locale.ROOT, "offset-micros=%d drift-ppm=%d%n", physical.offsetMicros(),
        physical.driftPpm()));
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    daemon.shutdownNow();
    try {
      daemon.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
