package dev.meridian.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The {@code --flag value} options of the node commands. */
public final class CommandLine {

  private CommandLine() {}

  /**
   * The options of {@code args} in order, flag to value (a repeated flag keeps its last value).
   *
   * @throws IllegalArgumentException if a flag has no value
   */
  public static Map<String, String> options(String[] args) {
    return options(args, Set.of());
  }

  /**
   * As {@link #options(String[])}, except that the flags in {@code switches} take no value (they
   * map to {@code "true"}).
   */
  public static Map<String, String> options(String[] args, Set<String> switches) {
    Map<String, String> options = new LinkedHashMap<>();
    int i = 0;
    while (i < args.length) {
      if (switches.contains(args[i])) {
        options.put(args[i], "true");
        i++;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + args[i]);
      }
      options.put(args[i], args[i + 1]);
      i += 2;
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
