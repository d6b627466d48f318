package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jepsen runner end to end, as a tester runs it: {@code meridian jepsen} in its own JVM starts a
 * node process, runs a workload through the shaded driver while the nemesis kills and restarts the
 * node, heals, reads again, checks the history and writes the report. A correct node comes out valid
 * (exit 0) for every workload, with acknowledged operations before the kill and after the restart.
 *
 * <p>After the restart the check counts every acknowledged operation, the final reads included: on
 * a loaded machine a restarted node can take longer to answer its first statements than the
 * nemesis's quiet period, and the final reads are still client transactions served by the restarted
 * node, checked with the rest.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JepsenRunIT {

  @TempDir Path work;

  @Test
  void listAppendUnderKillAndRestartIsStrictSerializable() throws Exception {
    JepsenRunner.Run run = runValid("list-append", "25s", 11);
    assertThat(Files.readString(run.out().resolve("index.html"))).contains("id=\"latency-plot\"", "class=\"fault\"");
  }

  @Test
  void registerUnderKillAndRestartIsLinearizable() throws Exception {
    String history = runValid("register", "30s", 12).history();
    assertThat(history).as("compare-and-sets that took effect and ones that did not, reads of written registers")
        .containsPattern(":type :ok, :process \\d+, :f :cas, :value \\[\\d+ \\[")
        .containsPattern(":type :fail, :process \\d+, :f :cas")
        .containsPattern(":type :ok, :process \\d+, :f :read, :value \\[\\d+ \\d+\\]");
  }

  @Test
  void bankUnderKillAndRestartKeepsTheTotal() throws Exception {
    String history = runValid("bank", "30s", 13).history();
    assertThat(history).as("transfers and strong and stale reads that completed")
        .containsPattern(":type :ok, :process \\d+, :f :transfer, :value \\{:from \\d+, :to \\d+, :amount \\d+}")
        .containsPattern(":type :ok, :process \\d+, :f :read, :value \\{0 \\d+, .*:staleness \"strong\"")
        .containsPattern(":type :ok, :process \\d+, :f :read, :value \\{0 \\d+, .*:staleness \"1s\"");
  }

  /**
   * M6's clock faults through the node's /fault/clock: the node fences itself when its clock jumps
   * (40001 until a sync round passes), and no offset, step or drift may cost the bank its total.
   */
  @Test
  void bankUnderClockFaultsKeepsTheTotal() throws Exception {
    JepsenRunner.Run run = JepsenRunner.run(work, "bank-clock", List.of(), "--workload", "bank", "--nemesis", "clock",
        "--time-limit", "25s", "--rate", "40", "--concurrency", "4", "--seed", "21");
    assertThat(run.exitValue()).as(run.output()).isZero();
    assertThat(run.output()).contains("jepsen: valid true");
    assertThat(run.history()).as("clock faults injected and removed, reads completed")
        .containsPattern(":process :nemesis, :f :clock, :value \"n1 (offset_ms|step_ms|drift_ppm)=-?\\d+\"")
        .contains(":process :nemesis, :f :clock-reset")
        .containsPattern(":type :ok, :process \\d+, :f :read");
    reportRendersInABrowser(run);
  }

  /**
   * The report as a tester opens it: offline, in Chromium. The verdict is shown, the latency plot
   * has a point per completed operation, the throughput plot its ok/fail/info lines, and the faults
   * are shaded on both plots.
   */
  private void reportRendersInABrowser(JepsenRunner.Run run) throws Exception {
    String url = run.out().resolve("index.html").toUri().toString();
    try (HeadlessChromium chromium = HeadlessChromium.open(url, work.resolve("report-profile"), 1280, 1600)) {
      // Chromium may answer before it has loaded the file.
      ConsoleIT.awaitPage(chromium, "'state=' + document.readyState + ' verdict=' + !!document.getElementById('verdict')",
          Duration.ofSeconds(60), page -> "complete".equals(page.get("state")) && "true".equals(page.get("verdict")),
          "the report's load state");
      String[] seen = chromium.evaluateString("[document.getElementById('verdict').textContent,"
          + " document.querySelectorAll('#latency-plot circle').length,"
          + " document.querySelectorAll('#throughput-plot polyline').length,"
          + " document.querySelectorAll('#latency-plot rect.fault').length,"
          + " document.querySelectorAll('#throughput-plot rect.fault').length,"
          + " Math.round(document.getElementById('latency-plot').getBoundingClientRect().width)].join('|')")
          .split("\\|");
      long completed = run.history().lines().filter(l -> l.contains(":type :ok") || l.contains(":type :fail")
          || l.contains(":type :info, :process") && !l.contains(":process :nemesis")).count();
      assertThat(seen[0]).as("verdict").isEqualTo("valid: true");
      assertThat(Long.parseLong(seen[1])).as("latency points, one per completion").isEqualTo(completed);
      assertThat(Integer.parseInt(seen[2])).as("throughput lines").isEqualTo(3);
      assertThat(Integer.parseInt(seen[3])).as("fault bands on the latency plot").isPositive();
      assertThat(seen[4]).as("the same bands on the throughput plot").isEqualTo(seen[3]);
      assertThat(Integer.parseInt(seen[5])).as("rendered width of the latency plot, px").isPositive();
    }
  }

  /** Runs {@code workload} under the kill nemesis and checks the run came out valid. */
  private JepsenRunner.Run runValid(String workload, String timeLimit, long seed) throws Exception {
    JepsenRunner.Run run = JepsenRunner.run(work, workload, List.of(), "--workload", workload, "--nemesis", "kill",
        "--time-limit", timeLimit, "--rate", "40", "--concurrency", "4", "--seed", String.valueOf(seed));
    assertThat(run.exitValue()).as(run.output()).isZero();
    assertThat(run.output()).contains("jepsen: valid true");
    String history = run.history();
    assertThat(history).contains(":process :nemesis, :f :kill", ":process :nemesis, :f :start");
    long killedAt = timeOf(history, ":f :kill");
    long restartedAt = timeOf(history, ":f :start");
    List<Long> acknowledged = history.lines().filter(l -> l.contains(":type :ok")).map(JepsenRunIT::time).toList();
    assertThat(acknowledged).as("acknowledged operations before the kill and after the restart")
        .anyMatch(t -> t < killedAt)
        .anyMatch(t -> t > restartedAt);
    assertThat(run.results()).contains("\"valid\":true");
    return run;
  }

  private static long timeOf(String history, String marker) {
    return history.lines().filter(l -> l.contains(marker)).map(JepsenRunIT::time).findFirst().orElseThrow();
  }

  private static long time(String line) {
    int at = line.indexOf(":time ") + ":time ".length();
    return Long.parseLong(line.substring(at, line.indexOf(',', at)));
  }
}
