package dev.meridian.paxos.messages;

import dev.meridian.runtime.NodeId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heartbeats and heartbeat acks of many groups between one pair of nodes, sent as one transport
 * message (DESIGN.md §5: heartbeats between two nodes are coalesced across groups). The receiving
 * driver unpacks it and steps each message into its group's replica.
 */
public record HeartbeatBatch(NodeId from, NodeId to, List<Message> messages) {

  public HeartbeatBatch {
    messages = List.copyOf(messages);
  }

  /**
   * Groups the heartbeat envelopes among {@code envelopes} (collected from the Readys of every replica
   * on one node) by destination; other envelopes are left out and must be sent as they are.
   */
  public static List<HeartbeatBatch> coalesce(List<Envelope> envelopes) {
    Map<List<NodeId>, List<Message>> byPair = new LinkedHashMap<>();
    for (Envelope envelope : envelopes) {
      if (envelope.isHeartbeat()) {
        byPair
            .computeIfAbsent(List.of(envelope.from(), envelope.to()), k -> new ArrayList<>())
            .add(envelope.message());
      }
    }
    List<HeartbeatBatch> batches = new ArrayList<>();
    byPair.forEach((pair, messages) -> batches.add(new HeartbeatBatch(pair.get(0), pair.get(1), messages)));
    return batches;
  }

  /** The envelopes this batch stands for, in order. */
  public List<Envelope> unpack() {
    return messages.stream().map(m -> new Envelope(from, to, m)).toList();
  }
}
