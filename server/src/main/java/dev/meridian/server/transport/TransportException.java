package dev.meridian.server.transport;

/**
 * The transport could not carry a request: its outbound queue was full, the peer is unknown, too
 * many requests are pending, or the transport is closed. The request was not delivered.
 */
public class TransportException extends RuntimeException {
  public TransportException(String message) {
    super(message);
  }
}
