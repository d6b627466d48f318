package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a connection to the first host that answers, following a {@link ConnectRetryPolicy}.
 * If none does, the SQLException (SQLSTATE 08001) names every host tried with its error, and
 * every host left untried.
 */
final class FailoverConnector {

  /** Opens a session on one host within a time bound. */
  interface HostConnector {
    Connection connect(HostAndPort host, long timeoutMs) throws SQLException;
  }

  private final ConnectRetryPolicy policy;
  private final HostConnector connector;

  FailoverConnector(ConnectRetryPolicy policy, HostConnector connector) {
    this.policy = policy;
    this.connector = connector;
  }

  Connection connect(List<HostAndPort> hosts) throws SQLException {
    List<ConnectRetryPolicy.Attempt> attempts = policy.plan(hosts);
    List<String> failures = new ArrayList<>();
    List<Exception> causes = new ArrayList<>();
    for (ConnectRetryPolicy.Attempt attempt : attempts) {
      try {
        return connector.connect(attempt.host(), attempt.timeoutMs());
      } catch (SQLException | RuntimeException e) {
        TransportException transport = transportCause(e);
        if (transport == null || !policy.failsOver(transport)) {
          throw e;
        }
        failures.add(attempt.host() + " (" + transport.detail() + ")");
        causes.add(e);
      }
    }
    StringBuilder message = new StringBuilder("Could not connect to any Meridian host; tried ")
        .append(failures.size()).append(" of ").append(hosts.size()).append(": ")
        .append(String.join("; ", failures));
    if (attempts.size() < hosts.size()) {
      message.append("; not tried, loginTimeoutMs used up: ")
          .append(hosts.subList(attempts.size(), hosts.size()).stream()
              .map(HostAndPort::toString).reduce((a, b) -> a + ", " + b).orElseThrow());
    }
    message.append(". Check that the servers are up and reachable, or list more hosts.");
    SQLException error = SqlStates.unableToConnect(message.toString(), causes.isEmpty() ? null : causes.get(0));
    causes.stream().skip(1).forEach(error::addSuppressed);
    throw error;
  }

  private static TransportException transportCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TransportException transport) {
        return transport;
      }
    }
    return null;
  }
}
