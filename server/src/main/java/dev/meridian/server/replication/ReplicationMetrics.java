package dev.meridian.server.replication;

import static dev.meridian.server.admin.NodeMetrics.counter;
import static dev.meridian.server.admin.NodeMetrics.gauge;

import dev.meridian.paxos.driver.DriverCounters;
import dev.meridian.paxos.replica.Role;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.server.admin.NodeMetrics;
import dev.meridian.server.time.NodeClock;
import dev.meridian.server.transport.TransportStats;
import java.util.Map;

/** The {@code /metrics} text of a replication node (Prometheus text format 0.0.4). */
final class ReplicationMetrics {

  private ReplicationMetrics() {}

  static String render(DriverCounters driver, Map<GroupId, Status> groups, TransportStats transport,
      long malformedPayloads, NodeClock clock) {
    StringBuilder out = new StringBuilder();
    counter(out, "meridian_paxos_proposals_total", "Commands a leader here took for replication.", driver.proposals());
    counter(out, "meridian_paxos_proposals_refused_total", "Proposals refused because too many of their group were in flight.", driver.proposalsRefused());
    counter(out, "meridian_paxos_commands_applied_total", "Committed commands applied to state machines here.", driver.commandsApplied());
    counter(out, "meridian_paxos_persists_total", "Replica writes made durable (several share one synced write).", driver.persists());
    counter(out, "meridian_paxos_persists_busy_total", "Replica writes retried because the write queue was full.", driver.persistsRetriedBusy());
    counter(out, "meridian_paxos_messages_sent_total", "Paxos messages sent, heartbeats counted one by one.", driver.messagesSent());
    counter(out, "meridian_paxos_messages_received_total", "Paxos messages received.", driver.messagesReceived());
    counter(out, "meridian_paxos_messages_dropped_total", "Paxos messages for no hosted group, or after a stop.", driver.messagesDropped());
    counter(out, "meridian_paxos_heartbeat_batches_sent_total", "Coalesced heartbeat messages sent (one per node pair and loop turn).", driver.heartbeatBatchesSent());
    counter(out, "meridian_paxos_compactions_total", "Log compactions into snapshots.", driver.compactions());
    counter(out, "meridian_paxos_malformed_payloads_total", "Payloads from peers that did not decode.", malformedPayloads);
    gauge(out, "meridian_paxos_groups", "Paxos groups hosted here.", groups.size());
    gauge(out, "meridian_paxos_groups_leading", "Groups whose active leader is here.",
        groups.values().stream().filter(s -> s.role() == Role.LEADER && s.active()).count());
    clock.appendMetrics(out);
    NodeMetrics.renderTransport(out, transport);
    return out.toString();
  }
}
