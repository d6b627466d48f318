package dev.meridian.jdbc;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every property the driver accepts, in the URL query or in the {@code Properties} given to
 * {@link Driver#connect}. Anything else is refused (SQLSTATE 08001), so a misspelt
 * {@code readStalenes} fails loudly instead of silently giving strong reads.
 *
 * <p>Properties marked {@link #passedToServer()} travel to the server in Avatica's
 * open-connection request and become session state there; the others configure this client.
 */
public enum ConnectionProperty {
  USER("user", null, true, "User name for the server session."),
  PASSWORD("password", null, true, "Password for the server session."),
  READ_STALENESS("readStaleness", null, true,
      "Default staleness of the session's read-only transactions, e.g. 10s, 500ms, 1m "
          + "(the same value as SET READ_STALENESS). Unset means strong reads."),
  CONNECT_TIMEOUT_MS("connectTimeoutMs", "5000", false,
      "Bound in milliseconds on one host's connection attempt (TCP connect plus the "
          + "open-connection handshake). A host that has not answered by then is skipped."),
  LOGIN_TIMEOUT_MS("loginTimeoutMs", "30000", false,
      "Budget in milliseconds for the whole connect across all hosts. Each attempt is charged "
          + "its full bound, so the connect never takes longer than this (plus small overhead)."),
  RESPONSE_TIMEOUT_MS("responseTimeoutMs", "180000", false,
      "Bound in milliseconds on waiting for the server's answer to one request once connected; "
          + "0 waits forever. When it fires the connection is broken (SQLSTATE 08006) and the "
          + "request's outcome is unknown.");

  private static final Pattern MILLIS = Pattern.compile("[0-9]{1,9}");

  private final String key;
  private final String defaultValue;
  private final boolean passedToServer;
  private final String description;

  ConnectionProperty(String key, String defaultValue, boolean passedToServer, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.passedToServer = passedToServer;
    this.description = description;
  }

  /** The name as written in URLs and {@code Properties}; matched case-sensitively. */
  public String key() {
    return key;
  }

  /** The value used when the property is not given, or null if it then stays unset. */
  public String defaultValue() {
    return defaultValue;
  }

  public boolean passedToServer() {
    return passedToServer;
  }

  public String description() {
    return description;
  }

  public static Optional<ConnectionProperty> forKey(String key) {
    return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst();
  }

  static String knownKeys() {
    return Arrays.stream(values()).map(ConnectionProperty::key).collect(Collectors.joining(", "));
  }

  static boolean isMillis(String value) {
    return MILLIS.matcher(value).matches();
  }
}
