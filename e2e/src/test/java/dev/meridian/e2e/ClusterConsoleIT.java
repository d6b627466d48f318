package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console and {@code meridian status} of a formed cluster, through real processes on
 * 127.0.0.1: three nodes in three regions started with {@code --join} and formed with {@code
 * meridian init}; headless Chromium on node 1's console must show all three live, each under its
 * region with its own epsilon (fetched from that node's {@code /api/node}), and the directory's
 * ranges, each replicated on all three. Node 3 is then killed with SIGKILL: the page must mark it not
 * live within the liveness timeout plus one bounded fetch and one poll, and then dead (the cluster's
 * verdict, with the reason); {@code meridian status --host} must say the same. Screenshots of both
 * states are kept ({@code console-3node.png} and {@code console-3node-dead.png} in {@code
 * target/e2e}, or where {@code -Dmeridian.console.screenshot3} says).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterConsoleIT {

  /** ClusterCore's default: a peer unheard this long is declared dead. */
  private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(3);

  /**
   * How soon after the kill the page must show node 3 not live: the liveness timeout, one bounded
   * fetch of its {@code /api/node} (PeerClusterView.SNAPSHOT_BOUND, 2.5 s), two of the page's 250 ms
   * polls, and slack for a loaded two-core machine. A connection refused shows it unreachable at
   * once; this bounds the case where the fetch hangs and only the cluster's verdict tells.
   */
  private static final Duration NOT_LIVE_BOUND = LIVENESS_TIMEOUT.plusMillis(2_500 + 500).plusSeconds(4);

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** {@code 1=live 2=live 3=dead}: every node row of the page, by id. */
  private static final String NODE_ROWS = "[...document.querySelectorAll('tr[data-node]')]"
      + ".map(r => r.dataset.node + '=' + r.dataset.liveness).join(' ')";

  private static final String[] REGIONS = {"us-east", "eu-west", "ap-south"};
  /** {@code meridian status}'s replicas of every range: the bootstrap voters, in all three regions. */
  private static final String ALL_REPLICAS = "n1\\(us-east\\),n2\\(eu-west\\),n3\\(ap-south\\)";

  @TempDir Path work;
  /** A writer still running after a failed assertion ends when its node is killed. */
  @RegisterExtension final StartedNodes started = new StartedNodes();

  @Test
  void consoleAndStatusShowEveryNodeOfTheClusterAndAKilledOneAsDead() throws Exception {
    int[] ports = ClusterFormationIT.freePorts(3);
    String join = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    NodeProcess[] nodes = new NodeProcess[3];
    for (int i = 0; i < 3; i++) {
      nodes[i] = started.track(NodeProcess.startWaiting(work.resolve("n" + (i + 1)), "--node-id",
          String.valueOf(i + 1), "--region", REGIONS[i], "--zone", REGIONS[i] + "-1a", "--port",
          String.valueOf(ports[i]), "--join", join));
    }
    ClusterFormationIT.Init init = ClusterFormationIT.init(ports[0]);
    assertThat(init.exitCode()).as(init.output()).isZero();
    for (NodeProcess node : nodes) {
      node.awaitServing();
    }
    // Something for the charts: nodes 1 and 2 commit to the cluster's table while the page polls.
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong writes = new AtomicLong();
    List<Connection> connections = new ArrayList<>();
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Connection c = Jdbc.connect(nodes[i]);
      connections.add(c);
      if (i == 0) {
        Jdbc.exec(c, "CREATE TABLE hits (id BIGINT PRIMARY KEY, n INT)");
      }
      writers.add(Thread.ofPlatform().name("cluster-console-writer-" + (i + 1))
          .start(() -> ConsoleIT.write(c, writing, writes)));
    }

    Path screenshot = Path.of(System.getProperty("meridian.console.screenshot3",
        Path.of(NodeProcess.requiredProperty("meridian.e2e.workDir"), "console-3node.png").toString()));
    Files.createDirectories(screenshot.toAbsolutePath().getParent());
    try (HeadlessChromium chromium = HeadlessChromium.open(nodes[0].adminUrl() + "?interval=250",
        work.resolve("chromium-profile"), 1400, 1180)) {
      awaitRows(chromium, rows -> rows.equals(Map.of("1", "live", "2", "live", "3", "live")));
      String nodesText = chromium.evaluateString("document.getElementById('nodes-body').textContent");
      for (String region : REGIONS) {
        // The separator is a middle dot, which evaluateString hands back JSON-escaped.
        assertThat(nodesText).containsPattern("region " + region + " \\S+ 1 node");
      }
      assertThat(chromium.evaluateString("document.getElementById('nodes-summary').textContent"))
          .matches("3 of 3 live \\S+ 3 regions");
      for (int id = 1; id <= 3; id++) {
        // Each row holds that node's own facts (zone, clock, epsilon, SQL address), not node 1's.
        String row = chromium.evaluateString("document.querySelector('tr[data-node=\"" + id + "\"]').textContent");
        assertThat(row).contains(REGIONS[id - 1] + "-1a", "live", "trusted", nodes[id - 1].jdbcUrl())
            .containsPattern("trusted\\d+(\\.\\d+)? \\S*s"); // its epsilon, after its clock
      }
      // The directory: meta, system, the tables range before hits, hits' own range (split off at its
      // prefix and at its end by CREATE TABLE) and the rest, each on all three nodes.
      for (int range = 1; range <= 5; range++) {
        assertThat(chromium.evaluateString("document.querySelector('tr[data-range=\"" + range + "\"]').textContent"))
            .contains("cluster", "n1 (us-east), n2 (eu-west), n3 (ap-south)");
      }
      assertThat(chromium.evaluateString("document.getElementById('ranges-summary').textContent"))
          .matches("5 ranges \\S+ [1-5] with a leaseholder");
      ConsoleIT.awaitPanels(chromium, p -> ConsoleIT.allHaveData(p) && ConsoleIT.points(p, "epsilon") >= 20);
      Files.write(screenshot, chromium.screenshotPng());
      writing.set(false);
      for (Thread writer : writers) {
        writer.join(TimeUnit.SECONDS.toMillis(30));
      }
      for (Connection c : connections) {
        c.close();
      }
      assertThat(writes.get()).as("writes while the page polled").isPositive();

      String admin1 = nodes[0].adminUrl().replaceFirst("^http://", "").replaceFirst("/$", "");
      ConsoleIT.Result live = ConsoleIT.status(work, "--host", admin1);
      assertThat(live.exitCode()).as(live.output()).isZero();
      for (int id = 1; id <= 3; id++) {
        assertThat(live.output())
            .containsPattern("(?m)^" + id + " +" + REGIONS[id - 1] + " +" + REGIONS[id - 1] + "-1a +live +1 +yes +trusted"
                + " +[0-9.]+(ms|us) ")
            .containsPattern("(?m)^" + id + " +\\S+ +\\S+ +(n\\d \\(\\S+\\)|none) +" + ALL_REPLICAS + " +- +cluster$");
      }

      long killedAt = System.nanoTime();
      nodes[2].kill();
      Map<String, String> notLive = awaitRows(chromium, rows -> rows.size() == 3 && !"live".equals(rows.get("3")));
      Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
      assertThat(took).as("node 3 shown " + notLive.get("3") + " after").isLessThan(NOT_LIVE_BOUND);
      System.out.println("ClusterConsoleIT: node 3 shown " + notLive.get("3") + " " + took.toMillis() + " ms after SIGKILL");
      assertThat(notLive.get("3")).isIn("unreachable", "dead");
      assertThat(notLive).containsEntry("1", "live").containsEntry("2", "live");
      // Then the cluster's own verdict, with its reason under the row and in the banner.
      awaitRows(chromium, rows -> "dead".equals(rows.get("3")));
      assertThat(chromium.evaluateString("document.querySelector('tr[data-reason=\"3\"]').textContent"))
          .contains("declared dead by node 1's liveness", "/api/node at " + nodes[2].adminUrl());
      assertThat(chromium.evaluateString("document.getElementById('banner').textContent"))
          .startsWith("not live: node 3 (dead: declared dead");
      assertThat(chromium.evaluateString("document.getElementById('nodes-summary').textContent"))
          .matches("2 of 3 live \\S+ 3 regions");
      Files.write(screenshot.resolveSibling(screenshot.getFileName().toString().replace(".png", "-dead.png")),
          chromium.screenshotPng());

      ConsoleIT.Result dead = ConsoleIT.status(work, "--host", admin1);
      assertThat(dead.exitCode()).as(dead.output()).isEqualTo(1);
      assertThat(dead.output())
          .containsPattern("(?m)^3 +ap-south +ap-south-1a +dead +1 +- +- +- ")
          .containsPattern("(?m)^ +declared dead by node 1's liveness")
          .containsPattern("(?m)^1 +us-east +us-east-1a +live +1 +yes ")
          .containsPattern("(?m)^2 +eu-west +eu-west-1a +live +1 +yes ")
          .containsPattern("(?m)^5 +\\S+ +\\+inf +(n\\d \\(\\S+\\)|none) +" + ALL_REPLICAS + " +- +cluster$");
      ConsoleIT.Result json = ConsoleIT.status(work, "--host", admin1, "--json");
      assertThat(json.output()).contains("\"servedBy\":1", "\"liveness\":\"dead\"", "\"rangeId\":4",
          "{\"name\":\"ap-south\",\"nodeIds\":[3]}");
    }
    for (int i = 0; i < 2; i++) {
      assertThat(nodes[i].stop()).as("exit on SIGTERM").isIn(0, 143);
    }
  }

  /** Polls the page's node rows ({@code node id -> liveness}) until {@code done} holds. */
  private static Map<String, String> awaitRows(HeadlessChromium chromium, Predicate<Map<String, String>> done)
      throws Exception {
    return ConsoleIT.awaitPage(chromium, NODE_ROWS, DEADLINE, done, "the console's node rows (id=liveness)");
  }
}
