package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.CheckResult;
import dev.meridian.jepsen.checker.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The run's report in its output directory: {@code results.json} for scripts, and {@code
 * index.html}, one self-contained page (inline SVG and CSS, no scripts or external resources, so it
 * opens offline) with the verdict, the anomalies as the checker explained them, latency over time and
 * throughput, each with the nemesis's faults as shaded bands, and links to the history and the node
 * logs.
 */
final class Report {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 260;
  private static final int MARGIN = 45;

  /** Counts and latency percentiles of the client operations. */
  record Summary(long ok, long fail, long info, double p50Millis, double p99Millis, double durationSeconds) {}

  private Report() {}

  static Summary summarize(List<HistoryLog.Completion> completions, long durationNanos) {
    long ok = 0;
    long fail = 0;
    long info = 0;
    List<Long> okLatencies = new ArrayList<>();
    for (HistoryLog.Completion c : completions) {
      switch (c.type()) {
        case Outcomes.OK -> {
          ok++;
          okLatencies.add(c.latencyNanos());
        }
        case Outcomes.FAIL -> fail++;
        default -> info++;
      }
    }
    long[] sorted = okLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Summary(ok, fail, info, percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99),
        durationNanos / 1e9);
  }

  private static double percentileMillis(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  static void write(Path dir, RunOptions options, String valid, CheckResult verdict, String verdictNote,
      Summary summary,
      List<HistoryLog.Completion> completions, List<HistoryLog.NemesisEvent> faults, List<LocalNode> nodes)
      throws IOException {
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("valid", jsonValid(valid));
    if (verdictNote != null) {
      results.put("note", verdictNote);
    }
    results.put("workload", options.workload().cliName());
    results.put("nemesis", options.nemeses().stream().map(RunOptions.NemesisKind::cliName).toList());
    results.put("nodes", options.nodes());
    results.put("seed", options.seed());
    results.put("time-limit-seconds", options.timeLimit().toSeconds());
    results.put("rate", options.ratePerSecond());
    results.put("concurrency", options.concurrency());
    results.put("ok", summary.ok());
    results.put("fail", summary.fail());
    results.put("info", summary.info());
    results.put("latency-p50-ms", round(summary.p50Millis()));
    results.put("latency-p99-ms", round(summary.p99Millis()));
    results.put("faults", faults.stream().map(f -> f.f() + " " + f.value() + " at "
        + String.format(Locale.ROOT, "%.1f", f.timeNanos() / 1e9) + "s").toList());
    results.put("check", verdict.toJsonMap());
    Files.writeString(dir.resolve("results.json"), Json.write(results) + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("index.html"), html(options, valid, verdict, verdictNote, summary, completions, faults,
        nodes, dir), StandardCharsets.UTF_8);
  }

  private static double round(double millis) {
    return Math.round(millis * 100) / 100.0;
  }

  private static Object jsonValid(String valid) {
    return switch (valid) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> "unknown";
    };
  }

  private static String html(RunOptions options, String valid, CheckResult verdict, String verdictNote, Summary summary,
      List<HistoryLog.Completion> completions, List<HistoryLog.NemesisEvent> faults, List<LocalNode> nodes,
      Path dir) {
    String color = valid.equals("true") ? "#1a7f37" : valid.equals("false") ? "#cf222e" : "#9a6700";
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Meridian jepsen: ").append(escape(options.workload().cliName())).append("</title>")
        .append("<style>body{font-family:sans-serif;margin:2em;max-width:960px}")
        .append("table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}")
        .append(".verdict{font-size:1.6em;font-weight:bold}pre{background:#f6f8fa;padding:1em;overflow:auto}")
        .append("svg{background:#fff;border:1px solid #d0d7de}</style></head><body>\n");
    page.append("<h1>Meridian jepsen run</h1>\n<p class=\"verdict\" id=\"verdict\" style=\"color:").append(color)
        .append("\">valid: ").append(escape(valid)).append("</p>\n");
    if (verdictNote != null) {
      page.append("<p>").append(escape(verdictNote)).append("</p>\n");
    }
    page.append("<table>")
        .append(row("workload", options.workload().cliName()))
        .append(row("nemesis", options.nemeses().isEmpty() ? "none"
            : String.join(",", options.nemeses().stream().map(RunOptions.NemesisKind::cliName).toList())))
        .append(row("nodes", String.valueOf(options.nodes())))
        .append(row("seed", String.valueOf(options.seed())))
        .append(row("operations", summary.ok() + " ok, " + summary.fail() + " fail, " + summary.info() + " info"))
        .append(row("latency of ok", String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms",
            summary.p50Millis(), summary.p99Millis())))
        .append(row("duration", String.format(Locale.ROOT, "%.1f s", summary.durationSeconds())))
        .append("</table>\n");
    page.append("<h2>Anomalies</h2>\n");
    if (verdict.anomalyTypes().isEmpty()) {
      page.append("<p id=\"anomalies\">none found</p>\n");
    } else {
      page.append("<p id=\"anomalies\">").append(escape(String.join(", ", verdict.anomalyTypes())))
          .append("</p>\n<pre>").append(escape(Json.write(verdict.anomalies()))).append("</pre>\n");
    }
    double seconds = Math.max(1, summary.durationSeconds());
    page.append("<h2>Latency</h2>\n").append(latencyPlot(completions, faults, seconds));
    page.append("<h2>Throughput</h2>\n").append(throughputPlot(completions, faults, seconds));
    page.append("<p class=\"legend\">").append(legendEntry(Outcomes.OK, "ok")).append(' ')
        .append(legendEntry(Outcomes.FAIL, "fail (certainly not applied)")).append(' ')
        .append(legendEntry(Outcomes.INFO, "info (outcome unknown)"))
        .append(" Shaded: faults (").append(escape(faultList(faults))).append(").</p>\n");
    page.append("<h2>Files</h2>\n<ul><li><a href=\"history.edn\">history.edn</a> (Elle format)</li>")
        .append("<li><a href=\"results.json\">results.json</a></li>");
    for (LocalNode node : nodes) {
      String relative = dir.relativize(node.logFile()).toString();
      page.append("<li><a href=\"").append(escape(relative)).append("\">").append(escape(node.name()))
          .append(" log</a></li>");
    }
    page.append("</ul>\n</body></html>\n");
    return page.toString();
  }

  private static String faultList(List<HistoryLog.NemesisEvent> faults) {
    List<String> parts = new ArrayList<>();
    for (HistoryLog.NemesisEvent f : faults) {
      parts.add(f.f() + " " + f.value() + String.format(Locale.ROOT, " %.1fs", f.timeNanos() / 1e9));
    }
    return parts.isEmpty() ? "none" : String.join("; ", parts);
  }

  private static String latencyPlot(List<HistoryLog.Completion> completions, List<HistoryLog.NemesisEvent> faults,
      double seconds) {
    double maxMillis = 1;
    for (HistoryLog.Completion c : completions) {
      maxMillis = Math.max(maxMillis, c.latencyNanos() / 1e6);
    }
    StringBuilder svg = svgStart("latency-plot", "latency (ms, log scale) over time (s)");
    bands(svg, faults, seconds);
    double logMax = Math.log10(Math.max(10, maxMillis));
    for (HistoryLog.Completion c : completions) {
      double x = x(c.timeNanos() / 1e9, seconds);
      double millis = Math.max(0.1, c.latencyNanos() / 1e6);
      double y = HEIGHT - MARGIN - (Math.log10(millis) + 1) / (logMax + 1) * (HEIGHT - 2 * MARGIN);
      svg.append(String.format(Locale.ROOT, "<circle class=\"op-%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\"/>",
          c.type(), x, y, typeColor(c.type())));
    }
    axes(svg, seconds, String.format(Locale.ROOT, "%.0f ms", Math.pow(10, logMax)));
    return svg.append("</svg>\n").toString();
  }

  private static String throughputPlot(List<HistoryLog.Completion> completions,
      List<HistoryLog.NemesisEvent> faults, double seconds) {
    int buckets = (int) Math.ceil(seconds);
    Map<String, int[]> perSecond = new LinkedHashMap<>();
    for (String type : List.of(Outcomes.OK, Outcomes.FAIL, Outcomes.INFO)) {
      perSecond.put(type, new int[buckets]);
    }
    for (HistoryLog.Completion c : completions) {
      int bucket = (int) Math.min(buckets - 1, c.timeNanos() / 1_000_000_000L);
      perSecond.get(c.type())[bucket]++;
    }
    int max = 1;
    for (int[] counts : perSecond.values()) {
      max = Math.max(max, Arrays.stream(counts).max().orElse(0));
    }
    StringBuilder svg = svgStart("throughput-plot", "completions per second over time (s)");
    bands(svg, faults, seconds);
    for (Map.Entry<String, int[]> series : perSecond.entrySet()) {
      StringBuilder points = new StringBuilder();
      int[] counts = series.getValue();
      for (int i = 0; i < counts.length; i++) {
        double y = HEIGHT - MARGIN - (double) counts[i] / max * (HEIGHT - 2 * MARGIN);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i + 0.5, seconds), y));
      }
      svg.append("<polyline class=\"series-").append(series.getKey()).append("\" fill=\"none\" stroke=\"")
          .append(typeColor(series.getKey())).append("\" stroke-width=\"1.5\" points=\"")
          .append(points.toString().strip()).append("\"/>");
    }
    axes(svg, seconds, max + "/s");
    return svg.append("</svg>\n").toString();
  }

  private static StringBuilder svgStart(String id, String title) {
    StringBuilder svg = new StringBuilder();
    svg.append("<svg id=\"").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\"><title>").append(escape(title)).append("</title>");
    return svg;
  }

  /** The nemesis events that start a fault; every other one ends it. */
  private static final Set<String> FAULT_BEGINS = Set.of("kill", "pause", "clock");

  /** Shaded rectangles from each fault's start to its end (or the plot's end, if it never healed). */
  private static void bands(StringBuilder svg, List<HistoryLog.NemesisEvent> faults, double seconds) {
    Double start = null;
    for (HistoryLog.NemesisEvent event : faults) {
      boolean begins = FAULT_BEGINS.contains(event.f());
      if (begins && start == null) {
        start = event.timeNanos() / 1e9;
      } else if (!begins && start != null) {
        band(svg, start, event.timeNanos() / 1e9, seconds);
        start = null;
      }
    }
    if (start != null) {
      band(svg, start, seconds, seconds);
    }
  }

  private static void band(StringBuilder svg, double from, double to, double seconds) {
    svg.append(String.format(Locale.ROOT,
        "<rect class=\"fault\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#d29922\" fill-opacity=\"0.18\"/>",
        x(from, seconds), MARGIN, Math.max(1, x(to, seconds) - x(from, seconds)), HEIGHT - 2 * MARGIN));
  }

  private static void axes(StringBuilder svg, double seconds, String topLabel) {
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>"
            + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#57606a\"/>"
            + "<text x=\"%d\" y=\"%d\" font-size=\"11\">0</text><text x=\"%d\" y=\"%d\" font-size=\"11\">%.0fs</text>"
            + "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>",
        MARGIN, HEIGHT - MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN,
        MARGIN, MARGIN, MARGIN, HEIGHT - MARGIN,
        MARGIN, HEIGHT - MARGIN + 14, WIDTH - MARGIN - 20, HEIGHT - MARGIN + 14, seconds,
        MARGIN - 6, escape(topLabel)));
  }

  private static double x(double atSeconds, double seconds) {
    return MARGIN + Math.min(1, atSeconds / seconds) * (WIDTH - 2 * MARGIN);
  }

  private static String legendEntry(String type, String label) {
    return "<span style=\"color:" + typeColor(type) + "\">&#9679;</span> " + escape(label);
  }

  private static String typeColor(String type) {
    return switch (type) {
      case Outcomes.OK -> "#1a7f37";
      case Outcomes.FAIL -> "#cf222e";
      default -> "#9a6700";
    };
  }

  private static String row(String name, String value) {
    return "<tr><th>" + escape(name) + "</th><td>" + escape(value) + "</td></tr>";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
