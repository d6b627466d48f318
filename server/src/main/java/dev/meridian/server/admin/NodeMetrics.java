package dev.meridian.server.admin;

import dev.meridian.runtime.rpc.RpcStats;
import dev.meridian.server.transport.TransportStats;
import dev.meridian.sql.ddl.DataCleanup;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The node's counters, rendered in Prometheus text format by {@link #render}. Names and labels:
 * <ul>
 *   <li>{@code meridian_statements_total{kind}}: statements run, by kind (select, insert, upsert,
 *       update, delete, ddl, set, explain, show, cancel, other);
 *   <li>{@code meridian_statement_errors_total{sqlstate}}: statements that failed, by SQLSTATE;
 *   <li>{@code meridian_commits_total}, {@code meridian_rollbacks_total}: transactions that
 *       committed (explicit commits and autocommit writes) and that were rolled back;
 *   <li>{@code meridian_conflicts_total}: serialization failures (SQLSTATE 40001) reported to
 *       clients, i.e. aborts the client must retry;
 *   <li>{@code meridian_statement_duration_seconds}: histogram of execute latency (not fetches);
 *   <li>{@code meridian_commit_wait_seconds}: histogram of commit wait, per commit that wrote;
 *   <li>gauges from {@link Gauges}: sessions open, plan cache hits and misses, TrueTime epsilon
 *       ({@code meridian_truetime_epsilon_seconds}), uptime; {@code meridian_build_info{version}};
 *   <li>{@code meridian_drop_cleanup*}: the deletion of dropped tables' data (see {@link DataCleanup});
 *   <li>{@code meridian_transport_*}: the node-to-node transport's counters and gauges (see {@link
 *       TransportStats}), when the node runs one.
 * </ul>
 * Every label set is bounded: kinds are a fixed list, SQLSTATEs beyond {@value #MAX_SQLSTATES}
 * distinct ones are counted as {@code other}.
 *
 * <p>Names follow Prometheus' conventions: the base unit ends the name ({@code _seconds}, {@code
 * _bytes}; a duration is never in micros or millis, a value in another unit is converted when
 * rendered), counters end in {@code _total}, latencies are histograms (buckets in seconds), and a
 * gauge without a unit counts things ({@code _entries}, {@code _open}). NodeMetricsTest checks them.
 */
public final class NodeMetrics {

  static final int MAX_SQLSTATES = 64;

  /** Values read at render time from the parts of the node that own them. */
  public interface Gauges {
    long sessionsOpen();

    dev.meridian.sql.exec.SqlEngine.PlanCacheStats planCache();

    long epsilonMicros();

    long uptimeMillis();

    /** The deletion of dropped tables' and indexes' data, if the node runs SQL. */
    default Optional<DataCleanup> dataCleanup() {
      return Optional.empty();
    }

    /** The node-to-node transport's counters, if the node runs a transport. */
    default Optional<TransportStats> transport() {
      return Optional.empty();
    }
  }

  private final Map<String, LongAdder> statements = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder commits = new LongAdder();
  private final LongAdder rollbacks = new LongAdder();
  private final LongAdder conflicts = new LongAdder();
  private final LatencyHistogram statementLatency = new LatencyHistogram(LatencyHistogram.STATEMENT_BOUNDS_SECONDS);
  private final LatencyHistogram commitWait = new LatencyHistogram(LatencyHistogram.COMMIT_WAIT_BOUNDS_SECONDS);

  public void statement(String kind, long durationNanos) {
    statements.computeIfAbsent(kind, k -> new LongAdder()).increment();
    statementLatency.record(durationNanos);
  }

  /** One commit's wait from choosing its timestamp until {@code TT.after} of it held (DESIGN §6). */
  public void commitWait(long durationNanos) {
    commitWait.record(durationNanos);
  }

  public void error(String sqlState) {
    String label = sqlState == null || !sqlState.matches("[0-9A-Z]{5}") ? "other" : sqlState;
    if (!errors.containsKey(label) && errors.size() >= MAX_SQLSTATES) {
      label = "other";
    }
    errors.computeIfAbsent(label, k -> new LongAdder()).increment();
    if ("40001".equals(sqlState)) {
      conflicts.increment();
    }
  }

  public void commit() {
    commits.increment();
  }

  public void rollback() {
    rollbacks.increment();
  }

  public long commits() {
    return commits.sum();
  }

  /** What the console and {@code meridian status} show of this node's work since it started. */
  public ClusterView.NodeStats stats() {
    long errorsTotal = errors.values().stream().mapToLong(LongAdder::sum).sum();
    long statementsTotal = statements.values().stream().mapToLong(LongAdder::sum).sum();
    return new ClusterView.NodeStats(statementsTotal, commits.sum(), rollbacks.sum(), conflicts.sum(), errorsTotal,
        statementLatency.snapshot(), commitWait.snapshot());
  }

  /** The metrics in Prometheus text exposition format 0.0.4. */
  public String render(Gauges gauges) {
    StringBuilder out = new StringBuilder(4096);
    header(out, "meridian_statements_total", "counter", "Statements executed, by kind.");
    new java.util.TreeMap<>(statements).forEach((kind, count) ->
        out.append("meridian_statements_total{kind=\"").append(kind).append("\"} ").append(count.sum()).append('\n'));
    header(out, "meridian_statement_errors_total", "counter", "Statements that failed, by SQLSTATE.");
    new java.util.TreeMap<>(errors).forEach((state, count) ->
        out.append("meridian_statement_errors_total{sqlstate=\"").append(state).append("\"} ")
            .append(count.sum()).append('\n'));
    counter(out, "meridian_commits_total", "Transactions committed (explicit commits and autocommit writes).", commits.sum());
    counter(out, "meridian_rollbacks_total", "Transactions rolled back by the client.", rollbacks.sum());
    counter(out, "meridian_conflicts_total", "Serialization failures (SQLSTATE 40001) returned to clients.", conflicts.sum());

    statementLatency.snapshot().render(out, "meridian_statement_duration_seconds",
        "Time to execute a statement (first frame included, later fetches not).");
    commitWait.snapshot().render(out, "meridian_commit_wait_seconds",
        "Time from choosing a commit timestamp until TrueTime says it has passed (commit wait), per commit that wrote.");

    dev.meridian.sql.exec.SqlEngine.PlanCacheStats planCache = gauges.planCache();
    counter(out, "meridian_plan_cache_hits_total", "Statements that found a compiled plan in the cache.", planCache.hits());
    counter(out, "meridian_plan_cache_misses_total", "Statements that had to be planned.", planCache.misses());
    counter(out, "meridian_plan_cache_evictions_total", "Compiled plans dropped from the full cache (least recently used).",
        planCache.evictions());
    gauge(out, "meridian_plan_cache_entries", "Compiled plans in the cache.", planCache.entries());
    gauge(out, "meridian_plan_cache_capacity", "Compiled plans the cache keeps at most.", planCache.capacity());
    counter(out, "meridian_row_type_cache_evictions_total",
        "Row types the planner dropped from its full caches (at most " + dev.meridian.sql.plan.MeridianTypeFactory.ROW_TYPES_KEPT
            + " per planner).", dev.meridian.sql.plan.MeridianTypeFactory.rowTypeEvictions());
    renderJvmMemory(out);
    gauge(out, "meridian_sessions_open", "SQL sessions (client connections) open.", gauges.sessionsOpen());
    gaugeSeconds(out, "meridian_truetime_epsilon_seconds", "Current TrueTime uncertainty bound (half the interval).",
        gauges.epsilonMicros());
    gauge(out, "meridian_uptime_seconds", "Seconds since the node started.", gauges.uptimeMillis() / 1000);
    header(out, "meridian_build_info", "gauge", "Always 1; the build's version is its label.");
    out.append("meridian_build_info{version=\"").append(BuildInfo.VERSION).append("\"} 1\n");
    gauges.dataCleanup().ifPresent(cleanup -> renderCleanup(out, cleanup));
    gauges.transport().ifPresent(transport -> renderTransport(out, transport));
    return out.toString();
  }

  /**
   * Appends the JVM's heap and metaspace use. The heap is bounded by --max-heap; metaspace holds
   * the classes generated for compiled plans, bounded through the plan caches' sizes.
   */
  private static void renderJvmMemory(StringBuilder out) {
    java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    gauge(out, "meridian_jvm_heap_used_bytes", "Heap in use (live and not yet collected).", heap.getUsed());
    gauge(out, "meridian_jvm_heap_committed_bytes", "Heap the JVM holds from the OS.", heap.getCommitted());
    gauge(out, "meridian_jvm_heap_max_bytes", "The heap's limit (--max-heap).", heap.getMax());
    long metaspace = 0;
    for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        metaspace = pool.getUsage().getUsed();
      }
    }
    gauge(out, "meridian_jvm_metaspace_used_bytes", "Metaspace in use: loaded classes, generated plans' included.",
        metaspace);
  }

  private static void renderCleanup(StringBuilder out, DataCleanup cleanup) {
    gauge(out, "meridian_drop_cleanups_pending", "Dropped tables and indexes whose data is still being deleted"
        + " (as of the cleanup's last pass).", cleanup.pending());
    counter(out, "meridian_drop_cleanup_keys_deleted_total", "Keys of dropped tables and indexes deleted.",
        cleanup.keysDeleted());
    counter(out, "meridian_drop_cleanup_bytes_deleted_total", "Bytes (keys and values) of dropped tables and"
        + " indexes deleted.", cleanup.bytesDeleted());
    counter(out, "meridian_drop_cleanup_chunks_total", "Chunk transactions of the dropped-data cleanup committed.",
        cleanup.chunks());
  }

  /** Appends the transport's counters and gauges. */
  public static void renderTransport(StringBuilder out, TransportStats t) {
    counter(out, "meridian_transport_messages_sent_total", "Envelopes handed to gRPC for peers.", t.messagesSent());
    counter(out, "meridian_transport_messages_received_total", "Envelopes received from peers.", t.messagesReceived());
    counter(out, "meridian_transport_messages_dropped_total", "Envelopes dropped: outbound queue full, unknown peer, or lost with a broken stream.", t.messagesDropped());
    counter(out, "meridian_transport_reconnects_total", "Streams re-established with a peer.", t.reconnects());
    counter(out, "meridian_transport_handshakes_refused_total", "Peer hellos refused (wrong cluster, unknown or misordered node).", t.handshakesRefused());
    counter(out, "meridian_transport_malformed_frames_total", "Streams closed because a peer sent a malformed frame.", t.malformedFrames());
    counter(out, "meridian_transport_late_responses_total", "Responses that matched no pending request.", t.lateResponses());
    gauge(out, "meridian_transport_connected_peers", "Peers with an established stream.", t.connectedPeers());
    gauge(out, "meridian_transport_pending_requests", "Requests awaiting a response.", t.pendingRequests());
    gauge(out, "meridian_transport_queued_messages", "Envelopes waiting in outbound queues.", t.queuedMessages());
    RpcStats rpc = t.rpc();
    counter(out, "meridian_rpc_attempts_timed_out_total", "Request attempts that got no answer within their timeout.", rpc.attemptsTimedOut());
    counter(out, "meridian_rpc_calls_failed_total", "Requests that ended with an error (timeouts included).", rpc.callsFailed());
    counter(out, "meridian_rpc_pending_limit_rejections_total", "Requests refused here because too many were pending.", rpc.rejectedPendingLimit());
    counter(out, "meridian_rpc_requests_handled_total", "Requests from peers given to a handler.", rpc.requestsHandled());
    counter(out, "meridian_rpc_requests_expired_total", "Requests from peers dropped unhandled: their deadline passed before handling.", rpc.requestsExpired());
    counter(out, "meridian_rpc_duplicate_requests_total", "Repeated deliveries of a request, dropped.", rpc.duplicateRequests());
    counter(out, "meridian_rpc_overload_rejections_total", "Requests from peers rejected because too many were in handling.", rpc.rejectedOverload());
    counter(out, "meridian_rpc_answers_dropped_total", "Answers given after their request's deadline, not sent.", rpc.answersDropped());
    gauge(out, "meridian_rpc_requests_in_handling", "Requests from peers being handled now.", rpc.handling());
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Appends one Prometheus counter with its HELP and TYPE lines. */
  public static void counter(StringBuilder out, String name, String help, long value) {
    header(out, name, "counter", help);
    out.append(name).append(' ').append(value).append('\n');
  }

  /** Appends one Prometheus gauge in seconds, the base unit, from a value in microseconds. */
  public static void gaugeSeconds(StringBuilder out, String name, String help, long micros) {
    header(out, name, "gauge", help);
    out.append(name).append(' ').append(micros / 1e6).append('\n');
  }

  /** Appends one Prometheus gauge with its HELP and TYPE lines. */
  public static void gauge(StringBuilder out, String name, String help, long value) {
    header(out, name, "gauge", help);
    out.append(name).append(' ').append(value).append('\n');
  }
}
