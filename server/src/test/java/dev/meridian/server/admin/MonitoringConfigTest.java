package dev.meridian.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/'s Grafana dashboard and Prometheus configurations name only metrics a node exports, and
 * scrape the admin port's {@code /metrics}: a renamed metric breaks this test, not a dashboard.
 */
class MonitoringConfigTest {

  static final Path DEPLOY = Path.of(System.getProperty("user.dir")).resolveSibling("deploy");
  private static final Pattern METRIC = Pattern.compile("\\bmeridian_[a-z_]+");
  private static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE (\\S+) ");

  @Test
  void theDashboardQueriesOnlyMetricsANodeExports() throws Exception {
    Set<String> exported = new TreeSet<>();
    Matcher family = FAMILY.matcher(NodeMetricsTest.everyMetricOfASqlNode());
    while (family.find()) {
      exported.add(family.group(1));
    }
    JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/meridian-dashboard.json").toFile());
    List<String> queried = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        Matcher metric = METRIC.matcher(target.get("expr").asText());
        while (metric.find()) {
          queried.add(metric.group().replaceFirst("_(bucket|sum|count)$", ""));
        }
      }
    }
    assertThat(queried).as("metrics the dashboard queries").isNotEmpty();
    assertThat(exported).containsAll(queried);
    // The console's main panels are on the dashboard.
    assertThat(queried).contains("meridian_commits_total", "meridian_conflicts_total",
        "meridian_statement_duration_seconds", "meridian_commit_wait_seconds", "meridian_truetime_epsilon_seconds");
    Set<String> titles = new TreeSet<>();
    dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
    assertThat(titles).contains("Transactions per second", "Aborts per second", "Statement latency", "Commit wait",
        "TrueTime epsilon");
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesTheAdminPortsMetrics() throws Exception {
    for (String file : List.of("prometheus/prometheus.yml", "prometheus/prometheus-compose.yml")) {
      Map<String, Object> config = new Yaml().load(Files.readString(DEPLOY.resolve(file)));
      List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
      assertThat(jobs).as(file).isNotEmpty();
      for (Map<String, Object> job : jobs) {
        assertThat((String) job.getOrDefault("metrics_path", "/metrics")).as(file).isEqualTo("/metrics");
        List<Map<String, Object>> statics = (List<Map<String, Object>>) job.getOrDefault("static_configs", List.of());
        List<String> targets = statics.stream().flatMap(s -> ((List<String>) s.get("targets")).stream())
            .collect(Collectors.toList());
        assertThat(targets).as(file + " targets").allMatch(t -> t.endsWith(":7072"));
      }
    }
  }
}
