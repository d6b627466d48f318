package dev.meridian.jepsen.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code meridian jepsen} was asked to do.
 *
 * @param nodes how many node processes to start on 127.0.0.1
 * @param nodeCommand the command that starts one node, before its own flags ({@code bin/meridian
 *     start} by default)
 * @param nodeHeap the bounded heap of each node, passed as {@code --max-heap} (bin/meridian's flag);
 *     null to pass none (a {@code --node-command} that sets its own {@code -Xmx})
 */
public record RunOptions(
    int nodes,
    WorkloadName workload,
    Set<NemesisKind> nemeses,
    Duration timeLimit,
    double ratePerSecond,
    int concurrency,
    long seed,
    Path out,
    List<String> nodeCommand,
    String nodeHeap) {

  public enum WorkloadName {
    LIST_APPEND, RW_REGISTER, BANK, REGISTER;

    String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public enum NemesisKind {
    KILL, PAUSE, CLOCK;

    String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Nodes on one machine: each is a JVM with its own heap, so a handful. */
  static final int MAX_NODES = 7;

  static final String USAGE = "usage: meridian jepsen [--nodes 1] --workload list-append|rw-register|bank|register"
      + " [--nemesis kill,pause,clock|none] [--time-limit 60s] [--rate 100] [--concurrency 10] [--seed S]"
      + " [--out DIR] [--node-command CMD] [--node-heap 512m]";

  public RunOptions {
    nemeses = nemeses.isEmpty() ? EnumSet.noneOf(NemesisKind.class) : EnumSet.copyOf(nemeses);
    nodeCommand = List.copyOf(nodeCommand);
  }

  /**
   * Parses the command line. {@code defaultNodeCommand} is what starts a node when {@code
   * --node-command} is absent.
   *
   * @throws IllegalArgumentException naming the bad flag
   */
  static RunOptions parse(String[] args, List<String> defaultNodeCommand, long defaultSeed) {
    int nodes = 1;
    WorkloadName workload = null;
    Set<NemesisKind> nemeses = EnumSet.noneOf(NemesisKind.class);
    Duration timeLimit = Duration.ofSeconds(60);
    double rate = 100;
    int concurrency = 10;
    long seed = defaultSeed;
    Path out = null;
    List<String> nodeCommand = defaultNodeCommand;
    String heap = null;
    for (int i = 0; i < args.length; i += 2) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[i + 1];
      switch (flag) {
        case "--nodes" -> nodes = Integer.parseInt(value);
        case "--workload" -> workload = workload(value);
        case "--nemesis" -> nemeses = nemeses(value);
        case "--time-limit" -> timeLimit = duration(flag, value);
        case "--rate" -> rate = Double.parseDouble(value);
        case "--concurrency" -> concurrency = Integer.parseInt(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--out" -> out = Path.of(value);
        case "--node-command" -> nodeCommand = List.of(value.trim().split("\\s+"));
        case "--node-heap" -> heap = value;
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (workload == null) {
      throw new IllegalArgumentException("--workload is required");
    }
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException("--nodes takes 1 to " + MAX_NODES + " (several form one cluster), not "
          + nodes);
    }
    if (rate <= 0 || concurrency < 1 || timeLimit.isNegative() || timeLimit.isZero()) {
      throw new IllegalArgumentException("--rate, --concurrency and --time-limit must be positive");
    }
    if (nodeCommand.isEmpty()) {
      throw new IllegalArgumentException("no command to start nodes: set MERIDIAN_HOME or give --node-command");
    }
    if (heap == null && nodeCommand.equals(defaultNodeCommand)) {
      heap = "512m";
    }
    if (out == null) {
      out = Path.of("jepsen-" + workload.cliName() + "-" + seed);
    }
    return new RunOptions(nodes, workload, nemeses, timeLimit, rate, concurrency, seed, out, nodeCommand, heap);
  }

  private static WorkloadName workload(String value) {
    for (WorkloadName name : WorkloadName.values()) {
      if (name.cliName().equals(value)) {
        return name;
      }
    }
    throw new IllegalArgumentException("--workload must be list-append, rw-register, bank or register, not " + value);
  }

  private static Set<NemesisKind> nemeses(String value) {
    Set<NemesisKind> kinds = EnumSet.noneOf(NemesisKind.class);
    if (value.equals("none")) {
      return kinds;
    }
    List<String> unknown = new ArrayList<>();
    for (String part : value.split(",")) {
      NemesisKind match = null;
      for (NemesisKind kind : NemesisKind.values()) {
        if (kind.cliName().equals(part.trim())) {
          match = kind;
        }
      }
      if (match == null) {
        unknown.add(part);
      } else {
        kinds.add(match);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("--nemesis takes kill, pause, clock or none; not " + String.join(",", unknown)
          + " (partition and membership faults need a cluster, M5 and M8)");
    }
    return kinds;
  }

  static Duration duration(String flag, String value) {
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
      }
      if (value.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(flag + " takes a whole number and ms, s or m (e.g. 60s), not " + value);
  }
}
