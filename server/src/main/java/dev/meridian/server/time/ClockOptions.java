package dev.meridian.server.time;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TrueTime options every node command takes (DESIGN.md §4).
 *
 * <ul>
 *   <li>{@code --time-master}: answer time requests from peers with this node's clock and declared
 *       uncertainty.
 *   <li>{@code --time-source fixed|chrony} and {@code --clock-uncertainty DURATION} (default 1ms):
 *       where a master's declared uncertainty comes from — stated, or read from chronyd.
 *   <li>{@code --time-masters ID,...}: the masters this node polls (node ids of its peers, itself
 *       included if it is one). Without it the node is its own only master: its TrueTime is its own
 *       clock within the declared uncertainty, which is what a single node can honestly claim (and
 *       today's behaviour), through the same daemon, fencing, metrics and faults as a cluster.
 *   <li>{@code --time-poll DURATION}: how often the masters are polled; default 30s with masters
 *       elsewhere (Spanner's), 1s when the node is its own only master (a local read costs nothing,
 *       and the sawtooth then peaks at 1.2 ms above the declared uncertainty, not 7 ms).
 *   <li>{@code --max-epsilon DURATION} (default 20ms), {@code --drift-ppm N} (default 200).
 *   <li>{@code --allow-fault-injection}: enables {@code /fault/clock} on the admin port.
 * </ul>
 */
public record ClockOptions(
    boolean timeMaster,
    boolean chronySource,
    long clockUncertaintyMicros,
    List<Integer> masters,
    long pollMicros,
    long maxEpsilonMicros,
    long driftPpm,
    boolean allowFaultInjection) {

  /** Flags that take no value. */
  public static final Set<String> SWITCHES = Set.of("--time-master", "--allow-fault-injection");

  public static final String USAGE = "[--time-master] [--time-masters ID,...] [--time-source fixed|chrony] "
      + "[--clock-uncertainty 1ms] [--time-poll 30s] [--max-epsilon 20ms] [--drift-ppm 200] "
      + "[--allow-fault-injection]";

  static final long DEFAULT_POLL_MICROS = 30_000_000;
  static final long SELF_ONLY_POLL_MICROS = 1_000_000;

  public ClockOptions {
    masters = List.copyOf(masters);
    if (clockUncertaintyMicros < 0 || pollMicros <= 0 || maxEpsilonMicros <= 0 || driftPpm < 0 || driftPpm >= 500_000) {
      throw new IllegalArgumentException("--clock-uncertainty must be >= 0, --time-poll and --max-epsilon "
          + "positive, --drift-ppm in [0, 500000)");
    }
  }

  /** The node is its own only master: no --time-masters given. */
  public boolean selfOnly() {
    return masters.isEmpty();
  }

  /** Collects the clock flags of a command line; {@link #accept} the ones it knows. */
  public static final class Builder {
    private boolean timeMaster;
    private boolean chrony;
    private long uncertaintyMicros = 1_000;
    private final List<Integer> masters = new ArrayList<>();
    private Long pollMicros;
    private long maxEpsilonMicros = 20_000;
    private long driftPpm = 200;
    private boolean faults;

    /** Takes {@code flag} if it is a clock flag and returns true; false for other flags. */
    public boolean accept(String flag, String value) {
      switch (flag) {
        case "--time-master" -> timeMaster = true;
        case "--allow-fault-injection" -> faults = true;
        case "--time-source" -> chrony = switch (value) {
          case "chrony" -> true;
          case "fixed" -> false;
          default -> throw new IllegalArgumentException("--time-source is fixed or chrony, not " + value);
        };
        case "--clock-uncertainty" -> uncertaintyMicros = durationMicros(flag, value);
        case "--time-masters" -> {
          masters.clear();
          for (String id : value.split(",")) {
            masters.add(Integer.parseInt(id.strip()));
          }
        }
        case "--time-poll" -> pollMicros = durationMicros(flag, value);
        case "--max-epsilon" -> maxEpsilonMicros = durationMicros(flag, value);
        case "--drift-ppm" -> driftPpm = Long.parseLong(value);
        default -> {
          return false;
        }
      }
      return true;
    }

    public ClockOptions build() {
      long poll = pollMicros != null ? pollMicros : masters.isEmpty() ? SELF_ONLY_POLL_MICROS : DEFAULT_POLL_MICROS;
      return new ClockOptions(timeMaster, chrony, uncertaintyMicros, masters, poll, maxEpsilonMicros, driftPpm, faults);
    }
  }

  /** {@code 250us}, {@code 20ms}, {@code 1s}, {@code 2m}; a bare number is milliseconds. */
  public static long durationMicros(String flag, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    long scale;
    String number;
    if (v.endsWith("us") || v.endsWith("µs")) {
      scale = 1;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("ms")) {
      scale = 1_000;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      scale = 1_000_000;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      scale = 60_000_000;
      number = v.substring(0, v.length() - 1);
    } else {
      scale = 1_000;
      number = v;
    }
    try {
      double amount = Double.parseDouble(number);
      if (amount < 0 || !Double.isFinite(amount)) {
        throw new NumberFormatException();
      }
      return Math.round(amount * scale);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " wants a duration such as 500us, 20ms or 30s, not " + value);
    }
  }
}
