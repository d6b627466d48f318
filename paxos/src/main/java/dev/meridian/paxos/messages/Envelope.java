package dev.meridian.paxos.messages;

import dev.meridian.runtime.NodeId;

/** A message with its sender and destination, as a replica hands it to its driver. */
public record Envelope(NodeId from, NodeId to, Message message) {

  public boolean isHeartbeat() {
    return message instanceof Message.Heartbeat || message instanceof Message.HeartbeatAck;
  }

  @Override
  public String toString() {
    return from + "->" + to + " " + message;
  }
}
