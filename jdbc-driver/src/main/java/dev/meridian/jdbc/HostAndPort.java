package dev.meridian.jdbc;

import java.util.Objects;

/**
 * One server address from a {@code jdbc:meridian://} URL. An IPv6 literal is kept without its
 * brackets; {@link #toString()} and {@link #httpUrl()} put them back.
 */
public record HostAndPort(String host, int port) {

  public HostAndPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range 1..65535: " + port);
    }
  }

  /** The Avatica HTTP endpoint of this server. */
  String httpUrl() {
    return "http://" + this + "/";
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
