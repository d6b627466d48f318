package dev.meridian.runtime.rpc;

/**
 * Serves one {@link RequestType} on a node, on the endpoint's scheduler. It may answer at once or
 * later (after a Paxos commit, after a read off the loop) through {@code responder}. A handler that
 * throws a runtime exception fails the request ({@link Envelope.Kind#FAILED}: it may have run).
 */
@FunctionalInterface
public interface RequestHandler<Q, R> {
  void handle(Q request, Responder<R> responder);
}
