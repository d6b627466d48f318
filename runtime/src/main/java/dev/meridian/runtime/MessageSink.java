package dev.meridian.runtime;

/**
 * One-way delivery of a message to another node. Delivery is best effort: a message may be lost,
 * delayed, duplicated or reordered, and protocols must tolerate all four. Request/response is built
 * on top with request ids and timeouts: {@link dev.meridian.runtime.rpc.Rpc}, over a sink of
 * {@link dev.meridian.runtime.rpc.Envelope}s.
 *
 * @param <M> the message type of the protocol using this sink
 */
@FunctionalInterface
public interface MessageSink<M> {

  /** Hands {@code message} to the transport for {@code destination}; never blocks. */
  void send(NodeId destination, M message);
}
