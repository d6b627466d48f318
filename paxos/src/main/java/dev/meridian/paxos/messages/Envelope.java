package dev.meridian.paxos.messages;

import dev.meridian.runtime.NodeId;

/**
 * A message with its sender and destination, as a replica hands it to its driver (in {@code
 * Ready}) and the driver to its network. An in-process value, not a wire format: between nodes a
 * Paxos message travels as the payload of the runtime's {@code dev.meridian.runtime.rpc.Envelope},
 * the one envelope of every module, which carries the addresses (server's {@code PaxosWire}); the
 * simulator hands these objects to its network as they are.
 */
public record Envelope(NodeId from, NodeId to, Message message) {

  public boolean isHeartbeat() {
    return message instanceof Message.Heartbeat || message instanceof Message.HeartbeatAck;
  }

  @Override
  public String toString() {
    return from + "->" + to + " " + message;
  }
}
