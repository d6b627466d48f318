package dev.meridian.runtime.rpc;

import dev.meridian.runtime.NodeId;

/** Receives the one-way messages of one envelope type, on the endpoint's scheduler. */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(NodeId from, byte[] payload);
}
