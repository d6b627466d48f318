package dev.meridian.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.rpc.RpcStats;
import dev.meridian.server.time.ClockOptions;
import dev.meridian.server.time.NodeClock;
import dev.meridian.server.transport.TransportStats;
import dev.meridian.sql.exec.SqlEngine;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {

  /** Gauges with fixed values: each component is the interface method of the same name. */
  private record FixedGauges(long sessionsOpen, SqlEngine.PlanCacheStats planCache, long epsilonMicros,
      long uptimeMillis, Optional<TransportStats> transport) implements NodeMetrics.Gauges {}

  @Test
  void rendersPrometheusText() {
    NodeMetrics metrics = new NodeMetrics();
    metrics.statement("select", 3_000_000); // 3 ms
    metrics.statement("select", 2_000_000_000L); // 2 s
    metrics.statement("insert", 500_000);
    metrics.error("40001");
    metrics.error("not a state");
    metrics.commit();
    metrics.commitWait(2_000_000);
    String text = metrics.render(new FixedGauges(3, new SqlEngine.PlanCacheStats(5, 2, 1, 4, 2048), 1200, 61_000, Optional.empty()));
    assertThat(text).contains(
        "# TYPE meridian_statements_total counter\n",
        "meridian_statements_total{kind=\"select\"} 2\n",
        "meridian_statements_total{kind=\"insert\"} 1\n",
        "meridian_statement_errors_total{sqlstate=\"40001\"} 1\n",
        "meridian_statement_errors_total{sqlstate=\"other\"} 1\n",
        "meridian_conflicts_total 1\n",
        "meridian_commits_total 1\n",
        "meridian_statement_duration_seconds_bucket{le=\"0.0005\"} 1\n",
        "meridian_statement_duration_seconds_bucket{le=\"0.001\"} 1\n",
        "meridian_statement_duration_seconds_bucket{le=\"0.005\"} 2\n",
        "meridian_statement_duration_seconds_bucket{le=\"1\"} 2\n",
        "meridian_statement_duration_seconds_bucket{le=\"2.5\"} 3\n",
        "meridian_statement_duration_seconds_bucket{le=\"+Inf\"} 3\n",
        "meridian_statement_duration_seconds_count 3\n",
        "meridian_plan_cache_hits_total 5\n",
        "meridian_plan_cache_misses_total 2\n",
        "meridian_plan_cache_evictions_total 1\n",
        "meridian_plan_cache_entries 4\n",
        "meridian_plan_cache_capacity 2048\n",
        "# TYPE meridian_jvm_heap_used_bytes gauge\n",
        "# TYPE meridian_jvm_metaspace_used_bytes gauge\n",
        "meridian_sessions_open 3\n",
        "meridian_truetime_epsilon_seconds 0.0012\n",
        "# TYPE meridian_commit_wait_seconds histogram\n",
        "meridian_commit_wait_seconds_count 1\n",
        "meridian_build_info{version=\"" + BuildInfo.VERSION + "\"} 1\n",
        "meridian_uptime_seconds 61\n");
  }

  @Test
  void rendersTransportStatsWhenTheNodeHasATransport() {
    RpcStats rpc = new RpcStats(0, 0, 0, 0, 9, 0, 6, 0, 7, 0, 11, 0, 0, 0, 0, 0, 0, 0, 12);
    TransportStats stats = new TransportStats(10, 20, 3, 1, 2, 1, 1, 4, 5, 8, rpc);
    String text = new NodeMetrics().render(new FixedGauges(0, new SqlEngine.PlanCacheStats(0, 0, 0, 0, 0), 0, 0, Optional.of(stats)));
    assertThat(text).contains(
        "# TYPE meridian_transport_messages_sent_total counter\n",
        "meridian_transport_messages_sent_total 10\n",
        "meridian_transport_messages_received_total 20\n",
        "meridian_transport_messages_dropped_total 3\n",
        "meridian_transport_reconnects_total 1\n",
        "meridian_transport_handshakes_refused_total 4\n",
        "meridian_transport_malformed_frames_total 5\n",
        "meridian_transport_late_responses_total 6\n",
        "meridian_rpc_attempts_timed_out_total 9\n",
        "meridian_rpc_requests_expired_total 11\n",
        "meridian_rpc_requests_in_handling 12\n",
        "# TYPE meridian_transport_connected_peers gauge\n",
        "meridian_transport_connected_peers 2\n",
        "meridian_transport_pending_requests 7\n",
        "meridian_transport_queued_messages 8\n");
  }

  @Test
  void sqlStateLabelsAreBounded() {
    NodeMetrics metrics = new NodeMetrics();
    for (int i = 0; i < NodeMetrics.MAX_SQLSTATES + 10; i++) {
      metrics.error(String.format("%05d", i));
    }
    String text = metrics.render(new FixedGauges(0, new SqlEngine.PlanCacheStats(0, 0, 0, 0, 0), 0, 0, Optional.empty()));
    assertThat(text.lines().filter(line -> line.startsWith("meridian_statement_errors_total{")).count())
        .isLessThanOrEqualTo(NodeMetrics.MAX_SQLSTATES + 1);
  }

  /** Everything a SQL node's /metrics holds (transport and clock included) follows the conventions. */
  @Test
  void everyMetricFollowsPrometheusConventions() {
    assertThat(PrometheusConventions.violations(everyMetricOfASqlNode())).isEmpty();
  }

  /** A SQL node's whole /metrics text, with a transport and every labelled family non-empty. */
  static String everyMetricOfASqlNode() {
    NodeMetrics metrics = new NodeMetrics();
    metrics.statement("select", 3_000_000);
    metrics.error("40001");
    metrics.commitWait(1_500_000);
    RpcStats rpc = new RpcStats(0, 0, 0, 0, 9, 0, 6, 0, 7, 0, 11, 0, 0, 0, 0, 0, 0, 0, 12);
    TransportStats transport = new TransportStats(10, 20, 3, 1, 2, 1, 1, 4, 5, 8, rpc);
    StringBuilder text = new StringBuilder(metrics.render(
        new FixedGauges(1, new SqlEngine.PlanCacheStats(1, 1, 0, 1, 8), 1000, 5000, Optional.of(transport))));
    try (NodeClock clock = new NodeClock(1, new ClockOptions.Builder().build())) {
      clock.appendMetricsButEpsilon(text);
    }
    return text.toString();
  }

  /** The checker itself catches each kind of mistake it is for. */
  @Test
  void theConventionsCheckCatchesMistakes() {
    assertThat(PrometheusConventions.violations("""
        # HELP meridian_requests counter without _total
        # TYPE meridian_requests counter
        meridian_requests 1
        # HELP meridian_lag_micros a unit that is not a base unit
        # TYPE meridian_lag_micros gauge
        meridian_lag_micros 5
        # HELP meridian_wait_time a histogram without its unit
        # TYPE meridian_wait_time histogram
        meridian_wait_time_bucket{le="1"} 1
        meridian_wait_time_sum 0.5
        meridian_wait_time_count 1
        # TYPE meridian_no_help_total counter
        meridian_no_help_total 1
        meridian_untyped 3
        """)).containsExactlyInAnyOrder(
        "meridian_requests: a counter's name ends in _total",
        "meridian_lag_micros: not in a base unit (seconds, bytes)",
        "meridian_wait_time: a histogram's name ends in its base unit (_seconds, _bytes)",
        "meridian_no_help_total: no HELP",
        "meridian_untyped: sample before (or without) its TYPE",
        "meridian_wait_time: histogram without a {le=\"+Inf\"} bucket");
  }
}
