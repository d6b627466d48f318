package dev.meridian.server.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a {@code /metrics} text against Prometheus' naming conventions and the text format, so
 * that a new metric in the wrong shape fails a test rather than a dashboard:
 * <ul>
 *   <li>every sample's family has one {@code # HELP} and one {@code # TYPE}, before its samples;
 *   <li>names and label names are valid, all names start with {@code meridian_};
 *   <li>counters end in {@code _total}, and nothing else does;
 *   <li>units are base units: no name carries {@code micros}, {@code millis}, {@code nanos}, {@code
 *       _ms}, {@code _us}, {@code minutes} or {@code kb/mb}; histograms end in {@code _seconds} or
 *       {@code _bytes} and have {@code _bucket{le}} (ending at {@code +Inf}), {@code _sum}, {@code
 *       _count}; no summaries (they cannot be aggregated across nodes).
 * </ul>
 */
public final class PrometheusConventions {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern NON_BASE_UNIT =
      Pattern.compile("(micros|millis|nanos|_ms(_|$)|_us(_|$)|_ns(_|$)|minutes|hours|_kb(_|$)|_mb(_|$)|kilobytes|megabytes)");

  private PrometheusConventions() {}

  /** What is wrong with {@code text}, one line per problem; empty when it follows the conventions. */
  public static List<String> violations(String text) {
    List<String> problems = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    Set<String> helps = new HashSet<>();
    Map<String, Boolean> histogramInf = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String name = line.substring(7).split(" ", 2)[0];
        if (!helps.add(name)) {
          problems.add(name + ": HELP given twice");
        }
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        String name = parts[0];
        String type = parts.length > 1 ? parts[1] : "";
        if (types.put(name, type) != null) {
          problems.add(name + ": TYPE given twice");
        }
        checkFamily(name, type, problems);
        if (type.equals("histogram")) {
          histogramInf.put(name, false);
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        problems.add("not a sample line: " + line);
        continue;
      }
      String name = sample.group(1);
      String family = family(name, types);
      if (family == null) {
        problems.add(name + ": sample before (or without) its TYPE");
        continue;
      }
      if (!helps.contains(family)) {
        problems.add(family + ": no HELP");
      }
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        int end = 0;
        while (label.find()) {
          end = label.end();
          if (label.group(1).startsWith("__")) {
            problems.add(name + ": label " + label.group(1) + " uses the reserved prefix");
          }
          if (name.endsWith("_bucket") && label.group(1).equals("le") && label.group(2).equals("+Inf")) {
            histogramInf.put(family, true);
          }
        }
        if (end == 0) {
          problems.add(name + ": malformed labels " + sample.group(3));
        }
      }
      String value = sample.group(4);
      if (!value.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|NaN|[+-]Inf")) {
        problems.add(name + ": value " + value + " is not a number");
      }
    }
    histogramInf.forEach((family, sawInf) -> {
      if (!sawInf) {
        problems.add(family + ": histogram without a {le=\"+Inf\"} bucket");
      }
    });
    return problems;
  }

  private static void checkFamily(String name, String type, List<String> problems) {
    if (!NAME.matcher(name).matches()) {
      problems.add(name + ": not a valid metric name");
    }
    if (!name.startsWith("meridian_")) {
      problems.add(name + ": does not start with meridian_");
    }
    if (NON_BASE_UNIT.matcher(name).find()) {
      problems.add(name + ": not in a base unit (seconds, bytes)");
    }
    switch (type) {
      case "counter" -> {
        if (!name.endsWith("_total")) {
          problems.add(name + ": a counter's name ends in _total");
        }
      }
      case "gauge" -> {
        if (name.endsWith("_total")) {
          problems.add(name + ": only counters end in _total");
        }
      }
      case "histogram" -> {
        if (!name.endsWith("_seconds") && !name.endsWith("_bytes")) {
          problems.add(name + ": a histogram's name ends in its base unit (_seconds, _bytes)");
        }
      }
      default -> problems.add(name + ": type " + type + " (counters, gauges and histograms only)");
    }
  }

  /** The family a sample belongs to: its own name, or a histogram's for _bucket, _sum and _count. */
  private static String family(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if ("histogram".equals(types.get(base))) {
          return base;
        }
      }
    }
    return null;
  }
}
