package dev.meridian.server;

import dev.meridian.server.admin.ClusterJson;
import dev.meridian.server.admin.ClusterView;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code meridian status}: the cluster as one node's admin API sees it, in a terminal table.
 *
 * <ul>
 *   <li>{@code --host HOST:ADMIN_PORT} (default {@value #DEFAULT_HOST}): fetches {@code /api/cluster}
 *       ({@link ClusterView.Snapshot}) from that node and prints every node (region, zone, liveness,
 *       epoch, whether it serves, clock, epsilon, version; under it the reason when it is not live)
 *       and every range (span, leaseholder, replicas, closed-timestamp lag, and whether it is the
 *       cluster's or one node's own unreplicated local range); {@code --json} prints the answer
 *       itself, for scripts.
 *   <li>{@code --nodes HOST:ADMIN_PORT,...}: asks each node's {@code /health} in turn (for nodes that
 *       share no cluster view, e.g. {@code paxos-node} replicas), one line per node.
 * </ul>
 *
 * Exit 0 when every node is live and serving, 1 when any is not or cannot be reached, 64 on bad
 * arguments.
 */
public final class StatusCommand {

  static final String DEFAULT_HOST = "127.0.0.1:7072";
  static final String USAGE = "usage: meridian status [--host HOST:ADMIN_PORT] [--json]\n"
      + "       meridian status --nodes HOST:ADMIN_PORT[,HOST:ADMIN_PORT...]";

  /** Longer than a cluster view's own bound on its slowest peer ({@code PeerClusterView.SNAPSHOT_BOUND}). */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"((?:[^\"\\\\]|\\\\.)*)\"|-?\\d+)");

  private StatusCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    List<String> nodes = new ArrayList<>();
    String host = null;
    boolean json = false;
    try {
      for (Map.Entry<String, String> option : CommandLine.options(args, java.util.Set.of("--json")).entrySet()) {
        switch (option.getKey()) {
          case "--nodes" -> {
            for (String node : option.getValue().split(",")) {
              nodes.add(node.strip());
            }
          }
          case "--host" -> host = option.getValue().strip();
          case "--json" -> json = true;
          default -> throw new IllegalArgumentException("unknown option " + option.getKey());
        }
      }
      if (!nodes.isEmpty() && (host != null || json)) {
        throw new IllegalArgumentException("--nodes asks each node's /health; it takes neither --host nor --json");
      }
    } catch (IllegalArgumentException e) {
      err.println("meridian status: " + e.getMessage());
      err.println(USAGE);
      return 64;
    }
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      return nodes.isEmpty() ? cluster(http, host == null ? DEFAULT_HOST : host, json, out, err) : healthOfEach(http, nodes, out);
    }
  }

  /** {@code --host}: the cluster view of one node. */
  private static int cluster(HttpClient http, String host, boolean json, PrintStream out, PrintStream err)
      throws InterruptedException {
    String body;
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://" + host + "/api/cluster")).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        err.println("meridian status: " + host + " answered " + response.statusCode() + " to /api/cluster: "
            + response.body().strip());
        return 1;
      }
      body = response.body();
    } catch (IOException | IllegalArgumentException e) {
      err.println("meridian status: cannot reach the admin API at " + host + " ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + "); is a node running there? --host takes its admin address (--admin-port)");
      return 1;
    }
    ClusterView.Snapshot snapshot;
    try {
      snapshot = ClusterJson.readSnapshot(body);
    } catch (IOException e) {
      err.println("meridian status: " + host + "/api/cluster did not answer a cluster view: " + e.getMessage());
      return 1;
    }
    if (json) {
      out.print(body);
    } else {
      out.print(table(snapshot));
    }
    boolean allLive = snapshot.nodes().stream()
        .allMatch(n -> n.liveness() == ClusterView.Liveness.LIVE && Boolean.TRUE.equals(n.serving()));
    return allLive ? 0 : 1;
  }

  /** The terminal table of {@code snapshot}: nodes grouped by region, then ranges. */
  static String table(ClusterView.Snapshot snapshot) {
    StringBuilder out = new StringBuilder();
    out.append("cluster ").append(snapshot.clusterId()).append(" (as node ").append(snapshot.servedBy())
        .append(" sees it)\n\n");
    String nodeRow = "%-6s %-14s %-12s %-12s %5s %-8s %-18s %10s  %-16s %s%n";
    out.append(String.format(Locale.ROOT, nodeRow, "NODE", "REGION", "ZONE", "LIVENESS", "EPOCH", "SERVING", "CLOCK",
        "EPSILON", "VERSION", "SQL"));
    Map<Integer, ClusterView.Node> byId = new java.util.HashMap<>();
    snapshot.nodes().forEach(n -> byId.put(n.nodeId(), n));
    for (ClusterView.Region region : snapshot.regions()) {
      for (int id : region.nodeIds()) {
        ClusterView.Node n = byId.get(id);
        out.append(String.format(Locale.ROOT, nodeRow, n.nodeId(), n.region(), orDash(n.zone()), n.liveness().json(),
            n.epoch() == null ? "-" : n.epoch(), n.serving() == null ? "-" : n.serving() ? "yes" : "no", orDash(n.clock()),
            n.epsilonMicros() == null ? "-" : micros(n.epsilonMicros()), orDash(n.version()), orDash(n.sqlUrl())));
        if (n.reason() != null) {
          out.append("       ").append(n.reason()).append('\n');
        }
      }
    }
    out.append('\n');
    String rangeRow = "%-6s %-18s %-18s %-16s %-30s %-13s %s";
    out.append(String.format(Locale.ROOT, rangeRow, "RANGE", "START", "END", "LEASEHOLDER", "REPLICAS", "CLOSED_TS_LAG",
        "HELD")).append('\n');
    for (ClusterView.Range r : snapshot.ranges()) {
      String replicas = String.join(",", r.replicas().stream()
          .map(p -> "n" + p.nodeId() + "(" + p.region() + (p.role().equals("voter") ? "" : "," + p.role()) + ")")
          .toList());
      String leaseholder = r.leaseholder() == null ? "none"
          : "n" + r.leaseholder() + " (" + byId.get(r.leaseholder()).region() + ")";
      out.append(String.format(Locale.ROOT, rangeRow, r.rangeId(), r.startKey().isEmpty() ? "-inf" : r.startKey(),
          r.endKey().isEmpty() ? "+inf" : r.endKey(), leaseholder, replicas,
          r.closedTimestampLagMicros() == null ? "-" : micros(r.closedTimestampLagMicros()),
          r.localTo() == null ? "cluster" : "n" + r.localTo() + "'s own (not replicated)").stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }

  /** 1109 as {@code 1.109ms}, 250 as {@code 250us}. */
  static String micros(long micros) {
    return micros >= 1000 ? String.format(Locale.ROOT, "%.3fms", micros / 1000.0) : micros + "us";
  }

  /** {@code --nodes}: one line per node from its own {@code /health}. */
  private static int healthOfEach(HttpClient http, List<String> nodes, PrintStream out) throws InterruptedException {
    boolean allHealthy = true;
    out.println(String.format(Locale.ROOT, "%-22s %-6s %-12s %-12s %-18s %14s  %s", "ADMIN", "NODE", "REGION",
        "STATUS", "CLOCK", "EPSILON_US", "REASON"));
    for (String node : nodes) {
      try {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://" + node + "/health")).timeout(TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        Map<String, String> fields = fields(response.body());
        allHealthy &= response.statusCode() == 200;
        out.println(String.format(Locale.ROOT, "%-22s %-6s %-12s %-12s %-18s %14s  %s", node,
            fields.getOrDefault("nodeId", "?"), fields.getOrDefault("region", "?"),
            response.statusCode() == 200 ? "ok" : "down(" + response.statusCode() + ")",
            fields.getOrDefault("clock", "?"), fields.getOrDefault("epsilonMicros", "?"),
            // A node waiting for init has no clock verdict to give: its status says what it waits for.
            fields.getOrDefault("reason", response.statusCode() == 200 ? "" : fields.getOrDefault("status", ""))));
      } catch (IOException e) {
        allHealthy = false;
        out.println(String.format(Locale.ROOT, "%-22s %-6s %-12s %-12s %-18s %14s  %s", node, "?", "?", "unreachable", "?",
            "?", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
    }
    return allHealthy ? 0 : 1;
  }

  /** The flat string and number members of a health object (all {@code /health} holds). */
  static Map<String, String> fields(String json) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    Matcher matcher = FIELD.matcher(json);
    while (matcher.find()) {
      fields.put(matcher.group(1), matcher.group(3) != null ? matcher.group(3).replace("\\\"", "\"") : matcher.group(2));
    }
    return fields;
  }
}
