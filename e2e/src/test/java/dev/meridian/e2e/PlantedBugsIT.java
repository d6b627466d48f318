package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's teeth (M10): a node started with a planted bug ({@code --plant-bug}, test-only) must
 * be caught. JepsenRunIT is the control: the same runner on a correct node finds nothing.
 *
 * <p>Only {@code skip-read-validation} is checked against the runner here. {@code skip-commit-wait}
 * cannot be seen on one node: read and commit timestamps both come from the one node's {@code
 * TT.now().latest}, which never goes backwards, and an acknowledgement comes after an fdatasync, so
 * every later transaction reads above the commit whatever the uncertainty. {@code ack-before-durable}
 * loses a commit only if SIGKILL lands while the commit waits in the group-commit queue (the page
 * cache survives a process kill), a window of about one fdatasync, and an append no read ever saw is
 * invisible to the list-append checker. Both are in the jepsen README.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PlantedBugsIT {

  @TempDir Path work;

  @Test
  void plantBugIsRefusedWithoutAllowFaultInjection() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process node = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp",
            NodeProcess.requiredProperty("meridian.e2e.serverClasspath"), "dev.meridian.server.Main", "start",
            "--data-dir", work.resolve("refused").toString(), "--plant-bug", "skip-read-validation")
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("refused.out").toFile())
        .start();
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(work.resolve("refused.out"), StandardCharsets.UTF_8);
    assertThat(node.exitValue()).as(output).isEqualTo(64);
    assertThat(output).contains("--plant-bug", "--allow-fault-injection");
  }

  @Test
  void plantedBugsAreLoggedAndShownInHealth() throws Exception {
    Path data = work.resolve("health");
    try (NodeProcess node = NodeProcess.start(data, "--allow-fault-injection", "--plant-bug",
        "ack-before-durable,skip-read-validation")) {
      HttpResponse<String> health = node.get("health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"plantedBugs\":[\"skip-read-validation\",\"ack-before-durable\"]");
      assertThat(Files.readString(data.resolve("meridian-0.log"), StandardCharsets.UTF_8))
          .contains("SEVERE", "PLANTED BUGS skip-read-validation,ack-before-durable");
    }
    try (NodeProcess correct = NodeProcess.start(work.resolve("correct"))) {
      assertThat(correct.get("health").body()).contains("\"plantedBugs\":[]");
    }
  }

  /**
   * Without read validation two appends to one key can both read the same list and both write it,
   * the second overwriting the first: reads then disagree about the order of appends
   * (incompatible-order) and the inferred write order has cycles (G0) — lost updates, as seen from
   * list-append (its appends read the row inside the transaction, not as a recorded read).
   */
  @Test
  void skipReadValidationIsCaughtAsLostUpdates() throws Exception {
    JepsenRunner.Run run = JepsenRunner.run(work, "skip-read-validation",
        List.of("--allow-fault-injection", "--plant-bug", "skip-read-validation"),
        "--workload", "list-append", "--nemesis", "none", "--time-limit", "20s", "--rate", "100",
        "--concurrency", "8", "--seed", "1");
    System.out.println("skip-read-validation: caught in one 20 s run, " + run.seconds() + " s with start and check");
    assertThat(run.exitValue()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("jepsen: valid false", "jepsen: anomalies");
    String results = run.results();
    assertThat(results).contains("\"valid\":false").containsAnyOf("\"incompatible-order\"", "\"lost-update\"");
  }
}
