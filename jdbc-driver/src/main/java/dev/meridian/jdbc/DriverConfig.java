package dev.meridian.jdbc;

import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The validated settings of one connect: the hosts, the client's timeouts, and the properties
 * passed to the server. Properties in the URL override those in the {@code Properties} argument
 * (so {@code DriverManager.getConnection(url, user, password)} cannot undo what the URL says);
 * unknown names and malformed values are SQLSTATE 08001.
 */
record DriverConfig(
    List<HostAndPort> hosts,
    long connectTimeoutMs,
    long loginTimeoutMs,
    long responseTimeoutMs,
    Map<ConnectionProperty, String> values) {

  DriverConfig {
    hosts = List.copyOf(hosts);
    values = Map.copyOf(values);
  }

  static DriverConfig from(MeridianUrl url, Properties info) throws SQLException {
    Map<ConnectionProperty, String> values = new EnumMap<>(ConnectionProperty.class);
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        values.put(known(name, "connection Properties"), info.getProperty(name));
      }
    }
    for (Map.Entry<String, String> e : url.properties().entrySet()) {
      values.put(known(e.getKey(), "URL"), e.getValue());
    }
    for (ConnectionProperty p : ConnectionProperty.values()) {
      if (!values.containsKey(p) && p.defaultValue() != null) {
        values.put(p, p.defaultValue());
      }
    }
    String staleness = values.get(ConnectionProperty.READ_STALENESS);
    if (staleness != null && Staleness.problem(staleness) != null) {
      throw SqlStates.unableToConnect("Bad connection property: " + Staleness.problem(staleness));
    }
    long connectTimeoutMs = millis(values, ConnectionProperty.CONNECT_TIMEOUT_MS, 1);
    long loginTimeoutMs = millis(values, ConnectionProperty.LOGIN_TIMEOUT_MS, 1);
    long responseTimeoutMs = millis(values, ConnectionProperty.RESPONSE_TIMEOUT_MS, 0);
    return new DriverConfig(url.hosts(), connectTimeoutMs, loginTimeoutMs, responseTimeoutMs, values);
  }

  /** The properties that go to the server in the open-connection request. */
  Properties serverProperties() {
    Properties server = new Properties();
    values.forEach((p, v) -> {
      if (p.passedToServer()) {
        server.setProperty(p.key(), v);
      }
    });
    return server;
  }

  private static ConnectionProperty known(String name, String source) throws SQLException {
    return ConnectionProperty.forKey(name).orElseThrow(() -> SqlStates.unableToConnect(
        "Unknown connection property '" + name + "' in the " + source + "; known properties are: "
            + ConnectionProperty.knownKeys()));
  }

  private static long millis(Map<ConnectionProperty, String> values, ConnectionProperty p, long min)
      throws SQLException {
    String v = values.get(p);
    if (!ConnectionProperty.isMillis(v) || Long.parseLong(v) < min) {
      throw SqlStates.unableToConnect("Bad connection property: " + p.key() + " '" + v
          + "' must be a whole number of milliseconds, at least " + min);
    }
    return Long.parseLong(v);
  }
}
