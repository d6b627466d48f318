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
 * node process, runs list-append through the shaded driver while the nemesis kills and restarts the
 * node, heals, reads every key, checks the history and writes the report. The node must come out
 * strict-serializable (exit 0), with acknowledged transactions on both sides of the fault.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JepsenRunIT {

  @TempDir Path work;

  @Test
  void listAppendUnderKillAndRestartIsStrictSerializable() throws Exception {
    JepsenRunner.Run run = JepsenRunner.run(work, "run", List.of(), "--workload", "list-append", "--nemesis", "kill",
        "--time-limit", "25s", "--rate", "40", "--concurrency", "4", "--seed", "11");
    String output = run.output();
    Path out = run.out();

    assertThat(run.exitValue()).as(output).isZero();
    assertThat(output).contains("jepsen: valid true");
    String history = Files.readString(out.resolve("history.edn"), StandardCharsets.UTF_8);
    assertThat(history).contains(":process :nemesis, :f :kill", ":process :nemesis, :f :start");
    long killedAt = timeOf(history, ":f :kill");
    assertThat(history.lines().filter(l -> l.contains(":type :ok")).map(JepsenRunIT::time))
        .as("acknowledged transactions before and after the kill")
        .anyMatch(t -> t < killedAt)
        .anyMatch(t -> t > killedAt);
    assertThat(Files.readString(out.resolve("results.json"))).contains("\"valid\":true");
    assertThat(Files.readString(out.resolve("index.html"))).contains("id=\"latency-plot\"", "class=\"fault\"");
  }

  private static long timeOf(String history, String marker) {
    return history.lines().filter(l -> l.contains(marker)).map(JepsenRunIT::time).findFirst().orElseThrow();
  }

  private static long time(String line) {
    int at = line.indexOf(":time ") + ":time ".length();
    return Long.parseLong(line.substring(at, line.indexOf(',', at)));
  }
}
