package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jepsen runner end to end, as a tester runs it: {@code meridian jepsen} in its own JVM starts a
 * node process, runs a workload through the shaded driver while the nemesis kills and restarts the
 * node, heals, reads every key, checks the history and writes the report. The node must come out
 * valid (exit 0) — strict-serializable for list-append, linearizable per key for register, every
 * read of the accounts seeing the total for bank — with acknowledged operations on both sides of
 * the kill.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JepsenRunIT {

  @TempDir Path work;

  @Test
  void listAppendUnderKillAndRestartIsStrictSerializable() throws Exception {
    Path out = runValid("list-append", "25s", 11);
    assertThat(Files.readString(out.resolve("index.html"))).contains("id=\"latency-plot\"", "class=\"fault\"");
  }

  @Test
  void registerUnderKillAndRestartIsLinearizable() throws Exception {
    Path out = runValid("register", "30s", 12);
    String history = Files.readString(out.resolve("history.edn"), StandardCharsets.UTF_8);
    assertThat(history).as("compare-and-sets that took effect and ones that did not, reads of written registers")
        .containsPattern(":type :ok, :process \\d+, :f :cas, :value \\[\\d+ \\[")
        .containsPattern(":type :fail, :process \\d+, :f :cas")
        .containsPattern(":type :ok, :process \\d+, :f :read, :value \\[\\d+ \\d+\\]");
  }

  @Test
  void bankUnderKillAndRestartKeepsTheTotal() throws Exception {
    Path out = runValid("bank", "30s", 13);
    String history = Files.readString(out.resolve("history.edn"), StandardCharsets.UTF_8);
    assertThat(history).as("transfers and strong and stale reads that completed")
        .containsPattern(":type :ok, :process \\d+, :f :transfer, :value \\{:from \\d+, :to \\d+, :amount \\d+}")
        .containsPattern(":type :ok, :process \\d+, :f :read, :value \\{0 \\d+, .*:staleness \"strong\"")
        .containsPattern(":type :ok, :process \\d+, :f :read, :value \\{0 \\d+, .*:staleness \"1s\"");
  }

  /** Runs {@code workload} under the kill nemesis and checks the run came out valid; returns its output directory. */
  private Path runValid(String workload, String timeLimit, long seed) throws Exception {
    Path out = work.resolve("run");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String serverClasspath = NodeProcess.requiredProperty("meridian.e2e.serverClasspath");
    String runnerClasspath = NodeProcess.requiredProperty("meridian.e2e.jepsenJar") + ":"
        + NodeProcess.requiredProperty("meridian.e2e.driverJar") + ":" + serverClasspath;
    String nodeCommand = java + " --enable-native-access=ALL-UNNAMED -Xmx512m -cp " + serverClasspath
        + " dev.meridian.server.Main start";
    Process runner = new ProcessBuilder(List.of(java.toString(), "-Xmx512m", "-cp", runnerClasspath,
            "dev.meridian.jepsen.runner.JepsenCommand", "--workload", workload, "--nemesis", "kill",
            "--time-limit", timeLimit, "--rate", "40", "--concurrency", "4", "--seed", String.valueOf(seed),
            "--out", out.toString(), "--node-command", nodeCommand))
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("runner.out").toFile())
        .start();
    assertThat(runner.waitFor(200, TimeUnit.SECONDS)).as("the run ends").isTrue();
    String output = Files.readString(work.resolve("runner.out"), StandardCharsets.UTF_8);

    assertThat(runner.exitValue()).as(output).isZero();
    assertThat(output).contains("jepsen: valid true");
    String history = Files.readString(out.resolve("history.edn"), StandardCharsets.UTF_8);
    assertThat(history).contains(":process :nemesis, :f :kill", ":process :nemesis, :f :start");
    long killedAt = timeOf(history, ":f :kill");
    // Final reads (processes from 1,000,000 up) come after every fault; the clients' must straddle it.
    assertThat(history.lines().filter(l -> l.contains(":type :ok") && process(l) < 1_000_000).map(JepsenRunIT::time))
        .as("operations clients saw acknowledged before and after the kill")
        .anyMatch(t -> t < killedAt)
        .anyMatch(t -> t > killedAt);
    assertThat(Files.readString(out.resolve("results.json"))).contains("\"valid\":true");
    return out;
  }

  private static long timeOf(String history, String marker) {
    return history.lines().filter(l -> l.contains(marker)).map(JepsenRunIT::time).findFirst().orElseThrow();
  }

  private static long process(String line) {
    int at = line.indexOf(":process ") + ":process ".length();
    return Long.parseLong(line.substring(at, line.indexOf(',', at)));
  }

  private static long time(String line) {
    int at = line.indexOf(":time ") + ":time ".length();
    return Long.parseLong(line.substring(at, line.indexOf(',', at)));
  }
}
