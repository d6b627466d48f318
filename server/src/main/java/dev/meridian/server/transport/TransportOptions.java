package dev.meridian.server.transport;

import dev.meridian.runtime.rpc.Envelope;
import java.time.Duration;

/**
 * Limits and timings of a {@link NodeTransport}. Every queue the transport keeps is bounded by these
 * numbers, per peer: {@code maxQueuedMessages} and {@code maxQueuedBytes} bound the outbound queue,
 * {@code maxPendingRequests} the requests awaiting an answer (for the whole node).
 *
 * @param maxQueuedMessages envelopes an outbound queue may hold before {@code send} drops
 * @param maxQueuedBytes bytes (envelope headers included) an outbound queue may hold before it drops
 * @param maxMessageBytes largest payload {@code send} and {@code request} accept
 * @param maxBatchBytes a frame takes queued envelopes until it would pass this size (a single
 *     larger envelope still goes alone)
 * @param reconnectBackoffMin delay before the first redial after a stream broke
 * @param reconnectBackoffMax the doubling delay between failed dials stops growing here
 * @param handshakeTimeout a stream whose hello has not arrived by then is closed
 * @param maxPendingRequests requests awaiting a response, over all peers, before {@code request}
 *     fails at once
 */
public record TransportOptions(
    int maxQueuedMessages,
    long maxQueuedBytes,
    int maxMessageBytes,
    int maxBatchBytes,
    Duration reconnectBackoffMin,
    Duration reconnectBackoffMax,
    Duration handshakeTimeout,
    int maxPendingRequests) {

  public TransportOptions {
    require(maxQueuedMessages > 0, "maxQueuedMessages must be positive");
    require(maxMessageBytes > 0, "maxMessageBytes must be positive");
    require(maxQueuedBytes >= maxMessageBytes + Envelope.HEADER_BYTES,
        "maxQueuedBytes must hold at least one message of maxMessageBytes");
    require(maxBatchBytes > 0, "maxBatchBytes must be positive");
    require(reconnectBackoffMin.toMillis() > 0, "reconnectBackoffMin must be at least 1 ms");
    require(reconnectBackoffMax.compareTo(reconnectBackoffMin) >= 0,
        "reconnectBackoffMax must not be below reconnectBackoffMin");
    require(handshakeTimeout.toMillis() > 0, "handshakeTimeout must be at least 1 ms");
    require(maxPendingRequests > 0, "maxPendingRequests must be positive");
  }

  /** 10,000 messages or 64 MiB per peer, 4 MiB messages, 256 KiB batches, redial 50 ms to 5 s. */
  public static TransportOptions defaults() {
    return new TransportOptions(10_000, 64L << 20, 4 << 20, 256 << 10, Duration.ofMillis(50),
        Duration.ofSeconds(5), Duration.ofSeconds(5), 100_000);
  }

  public TransportOptions withQueueBounds(int messages, long bytes) {
    return new TransportOptions(messages, bytes, maxMessageBytes, maxBatchBytes, reconnectBackoffMin,
        reconnectBackoffMax, handshakeTimeout, maxPendingRequests);
  }

  public TransportOptions withMaxMessageBytes(int bytes) {
    return new TransportOptions(maxQueuedMessages, maxQueuedBytes, bytes, maxBatchBytes,
        reconnectBackoffMin, reconnectBackoffMax, handshakeTimeout, maxPendingRequests);
  }

  public TransportOptions withReconnectBackoff(Duration min, Duration max) {
    return new TransportOptions(maxQueuedMessages, maxQueuedBytes, maxMessageBytes, maxBatchBytes, min,
        max, handshakeTimeout, maxPendingRequests);
  }

  /** The largest frame a peer may send us: a full batch plus one maximal message, with slack. */
  /** The largest inbound gRPC message a server carrying the transport's service must accept. */
  public int maxInboundFrameBytes() {
    return (int) Math.min(Integer.MAX_VALUE,
        (long) maxBatchBytes + maxMessageBytes + Envelope.HEADER_BYTES + 1024);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
