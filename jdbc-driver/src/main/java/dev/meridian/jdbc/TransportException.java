package dev.meridian.jdbc;

import java.util.List;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;

/**
 * A failure of the HTTP transport to one host, as opposed to an error the server answered with.
 * It extends Avatica's client exception so that Avatica turns it into a {@code SQLException} that
 * keeps this SQLSTATE (08006 while a request was in flight, 08003 for a connection already broken).
 */
final class TransportException extends AvaticaClientRuntimeException {
  private static final long serialVersionUID = 1L;

  private final HostAndPort host;
  private final String detail;
  private final boolean handshake;

  TransportException(HostAndPort host, String detail, boolean handshake, String sqlState, String message) {
    super(message, -1, sqlState, AvaticaSeverity.ERROR, List.of(), null);
    this.host = host;
    this.detail = detail;
    this.handshake = handshake;
  }

  HostAndPort host() {
    return host;
  }

  /** Short description of what failed, without the advice: for the failover summary. */
  String detail() {
    return detail;
  }

  /** True if the failure happened before the server ever answered this connection. */
  boolean duringHandshake() {
    return handshake;
  }
}
