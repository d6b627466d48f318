package dev.meridian.server;

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
 * {@code meridian status --nodes HOST:PORT,...}: one line per node from its admin {@code /health} —
 * whether it serves, its clock state (trusted, or why it is fenced) and its TrueTime epsilon. Exit 0
 * when every node is healthy, 1 when any is not or cannot be reached, 64 on bad arguments.
 */
public final class StatusCommand {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"((?:[^\"\\\\]|\\\\.)*)\"|-?\\d+)");

  private StatusCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    List<String> nodes = new ArrayList<>();
    try {
      for (Map.Entry<String, String> option : CommandLine.options(args).entrySet()) {
        if (!option.getKey().equals("--nodes")) {
          throw new IllegalArgumentException("unknown option " + option.getKey());
        }
        for (String node : option.getValue().split(",")) {
          nodes.add(node.strip());
        }
      }
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("--nodes is required");
      }
    } catch (IllegalArgumentException e) {
      err.println("meridian status: " + e.getMessage());
      err.println("usage: meridian status --nodes HOST:ADMIN_PORT[,HOST:ADMIN_PORT...]");
      return 64;
    }
    boolean allHealthy = true;
    out.println(String.format(Locale.ROOT, "%-22s %-6s %-12s %-12s %-18s %14s  %s", "ADMIN", "NODE", "REGION",
        "STATUS", "CLOCK", "EPSILON_US", "REASON"));
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
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
