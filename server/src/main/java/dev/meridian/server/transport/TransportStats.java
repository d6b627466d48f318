package dev.meridian.server.transport;

import dev.meridian.runtime.rpc.RpcStats;

/**
 * A snapshot of a {@link NodeTransport}'s counters. Messages are envelopes of every kind (one-way
 * messages, requests and responses).
 *
 * @param messagesSent envelopes handed to gRPC
 * @param messagesReceived envelopes received and decoded
 * @param messagesDropped envelopes dropped: outbound queue full, unknown peer, or lost when a stream
 *     broke as they were written
 * @param reconnects streams established with a peer that had had a stream before
 * @param connectedPeers peers with an established stream now
 * @param streamsDialed streams this node dialed that completed the handshake
 * @param streamsAccepted streams this node accepted that completed the handshake
 * @param handshakesRefused hellos this node refused (wrong cluster, unknown or misordered node)
 * @param malformedFrames streams closed because the peer sent something that is not a frame
 * @param queuedMessages envelopes waiting in all outbound queues now
 * @param rpc the request/response endpoint's counters (requests sent and served)
 */
public record TransportStats(
    long messagesSent,
    long messagesReceived,
    long messagesDropped,
    long reconnects,
    int connectedPeers,
    long streamsDialed,
    long streamsAccepted,
    long handshakesRefused,
    long malformedFrames,
    long queuedMessages,
    RpcStats rpc) {

  /** Answers that matched no pending request (duplicates, or after a timeout or cancel). */
  public long lateResponses() {
    return rpc.lateAnswers();
  }

  /** Requests awaiting a response now. */
  public int pendingRequests() {
    return rpc.pendingCalls();
  }
}
