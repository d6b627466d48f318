package dev.meridian.server.transport;

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
 * @param lateResponses responses that matched no pending request (timed out, or unknown)
 * @param pendingRequests requests awaiting a response now
 * @param queuedMessages envelopes waiting in all outbound queues now
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
    long lateResponses,
    int pendingRequests,
    long queuedMessages) {}
