package dev.meridian.jdbc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code jdbc:meridian://host:port[,host:port…][/][?property=value&…]}.
 *
 * <p>Grammar: a host is a name, an IPv4 address or a bracketed IPv6 literal ({@code [::1]:7000});
 * the port is required (1..65535). Property values may be percent-encoded ({@code %26} for
 * {@code &}); {@code +} is kept as a plus, not turned into a space, so passwords survive. Every
 * problem is reported as SQLSTATE 08001 with a message naming the offending part.
 */
public final class MeridianUrlParser {

  /** What every Meridian URL starts with; {@link Driver#acceptsURL} checks only this. */
  public static final String PREFIX = "jdbc:meridian:";

  private static final String AUTHORITY_PREFIX = PREFIX + "//";

  private MeridianUrlParser() {}

  /** True if this URL is meant for this driver (it may still be malformed). */
  public static boolean isMeridianUrl(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  public static MeridianUrl parse(String url) throws SQLException {
    if (url == null) {
      throw SqlStates.unableToConnect("JDBC URL is null; expected jdbc:meridian://host:port");
    }
    if (!url.startsWith(AUTHORITY_PREFIX)) {
      throw error(url, "it must start with " + AUTHORITY_PREFIX + " followed by host:port");
    }
    String rest = url.substring(AUTHORITY_PREFIX.length());
    int query = rest.indexOf('?');
    String hostPart = query < 0 ? rest : rest.substring(0, query);
    String queryPart = query < 0 ? null : rest.substring(query + 1);
    if (hostPart.endsWith("/")) {
      hostPart = hostPart.substring(0, hostPart.length() - 1);
    }
    if (hostPart.indexOf('/') >= 0) {
      throw error(url, "a path is not allowed after the host list ('" + hostPart + "'); "
          + "Meridian URLs name no database");
    }
    return new MeridianUrl(parseHosts(url, hostPart), parseProperties(url, queryPart));
  }

  private static List<HostAndPort> parseHosts(String url, String hostPart) throws SQLException {
    if (hostPart.isEmpty()) {
      throw error(url, "missing host: expected host:port after " + AUTHORITY_PREFIX);
    }
    List<HostAndPort> hosts = new ArrayList<>();
    String[] entries = hostPart.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      hosts.add(parseHost(url, entries[i], i + 1));
    }
    return hosts;
  }

  private static HostAndPort parseHost(String url, String entry, int position)
      throws SQLException {
    String where = "host #" + position;
    if (entry.isEmpty()) {
      throw error(url, "missing host: " + where + " is empty (stray comma?)");
    }
    String host;
    String afterHost;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        throw error(url, where + " '" + entry + "' opens an IPv6 literal with '[' but never closes it");
      }
      host = entry.substring(1, close);
      afterHost = entry.substring(close + 1);
    } else {
      int colon = entry.indexOf(':');
      host = colon < 0 ? entry : entry.substring(0, colon);
      afterHost = colon < 0 ? "" : entry.substring(colon);
      if (host.chars().anyMatch(c -> !isHostChar(c))) {
        throw error(url, where + " '" + host + "' is not a valid host name or address");
      }
    }
    if (host.isEmpty()) {
      throw error(url, "missing host: " + where + " '" + entry + "' has a port but no host");
    }
    if (afterHost.isEmpty()) {
      throw error(url, "missing port: " + where + " '" + entry + "' must be written host:port");
    }
    if (afterHost.charAt(0) != ':') {
      throw error(url, where + " '" + entry + "': expected ':' and a port after the host");
    }
    String port = afterHost.substring(1);
    return new HostAndPort(host, parsePort(url, where, entry, port));
  }

  private static int parsePort(String url, String where, String entry, String port)
      throws SQLException {
    String problem = "bad port '" + port + "' for " + where + " '" + entry
        + "': must be a number from 1 to 65535";
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw error(url, problem);
    }
    int value = Integer.parseInt(port);
    if (value < 1 || value > 65535) {
      throw error(url, problem);
    }
    return value;
  }

  private static boolean isHostChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_';
  }

  private static Map<String, String> parseProperties(String url, String query)
      throws SQLException {
    Map<String, String> properties = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return properties;
    }
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        throw error(url, "empty property between '&' separators");
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw error(url, "property '" + pair + "' must be written name=value");
      }
      String name = decode(url, pair.substring(0, eq));
      String value = decode(url, pair.substring(eq + 1));
      if (properties.putIfAbsent(name, value) != null) {
        throw error(url, "property '" + name + "' is given twice");
      }
    }
    return properties;
  }

  private static String decode(String url, String text) throws SQLException {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (i + 2 >= text.length()
          || Character.digit(text.charAt(i + 1), 16) < 0
          || Character.digit(text.charAt(i + 2), 16) < 0) {
        throw error(url, "bad percent-escape in '" + text + "': '%' must be followed by two hex digits");
      }
      bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static SQLException error(String url, String problem) {
    return SqlStates.unableToConnect("Malformed Meridian JDBC URL '" + redact(url) + "': " + problem);
  }

  /** The URL with any password value replaced, so it can go into an exception message. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }
}
