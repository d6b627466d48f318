package dev.meridian.server.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.paxos.driver.DriverCounters;
import dev.meridian.runtime.rpc.RpcStats;
import dev.meridian.server.admin.PrometheusConventions;
import dev.meridian.server.time.ClockOptions;
import dev.meridian.server.time.NodeClock;
import dev.meridian.server.transport.TransportStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A replication node's {@code /metrics} follows Prometheus' conventions too. */
class ReplicationMetricsTest {

  @Test
  void everyMetricFollowsPrometheusConventions() {
    RpcStats rpc = new RpcStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    TransportStats transport = new TransportStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, rpc);
    try (NodeClock clock = new NodeClock(1, new ClockOptions.Builder().build())) {
      String text = ReplicationMetrics.render(new DriverCounters(), Map.of(), transport, 0, clock);
      assertThat(text).contains("# TYPE meridian_truetime_epsilon_seconds gauge\n", "meridian_paxos_proposals_total 0\n");
      assertThat(PrometheusConventions.violations(text)).isEmpty();
    }
  }
}
