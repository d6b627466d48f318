package dev.meridian.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code --flag value} options of the node commands. */
public final class CommandLine {

  private CommandLine() {}

  /**
   * The options of {@code args} in order, flag to value (a repeated flag keeps its last value).
   *
   * @throws IllegalArgumentException if a flag has no value
   */
  public static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  /** A TCP port, 0 meaning any free one. */
  public static int port(String flag, String value) {
    int port = Integer.parseInt(value);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(flag + " must be 0 (any free port) to 65535, not " + value);
    }
    return port;
  }

  public static int positive(String flag, String value) {
    int n = Integer.parseInt(value);
    if (n <= 0) {
      throw new IllegalArgumentException(flag + " must be positive, not " + value);
    }
    return n;
  }
}
