package dev.meridian.server.transport;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.RpcError;

/**
 * The peer refused the request or its handler failed (threw, or returned a failed future); the
 * message says how, and {@link #certainlyNotRun} whether the request may have run.
 */
public final class RemoteRequestException extends RuntimeException {
  private final NodeId peer;
  private final RpcError error;

  public RemoteRequestException(NodeId peer, RpcError error) {
    super(peer + " failed the request: " + error.detail());
    this.peer = peer;
    this.error = error;
  }

  public NodeId peer() {
    return peer;
  }

  /** True when the peer refused the request before running it (no handler, expired, overloaded). */
  public boolean certainlyNotRun() {
    return error.certainlyNotRun();
  }

  public RpcError error() {
    return error;
  }
}
