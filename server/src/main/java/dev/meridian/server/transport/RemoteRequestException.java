package dev.meridian.server.transport;

import dev.meridian.runtime.NodeId;

/** The peer's request handler failed (threw, or returned a failed future); the message says how. */
public final class RemoteRequestException extends RuntimeException {
  private final NodeId peer;

  public RemoteRequestException(NodeId peer, String message) {
    super(peer + " failed the request: " + message);
    this.peer = peer;
  }

  public NodeId peer() {
    return peer;
  }
}
