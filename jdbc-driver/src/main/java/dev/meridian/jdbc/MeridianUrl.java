package dev.meridian.jdbc;

import java.util.List;
import java.util.Map;

/**
 * A parsed {@code jdbc:meridian://host:port[,host:port…][?property=value&…]}: the hosts in the
 * order written, and the properties given in the URL (names as written, values percent-decoded).
 * Property names are not checked here; {@link DriverConfig} does that.
 */
public record MeridianUrl(List<HostAndPort> hosts, Map<String, String> properties) {

  public MeridianUrl {
    hosts = List.copyOf(hosts);
    properties = Map.copyOf(properties);
  }
}
