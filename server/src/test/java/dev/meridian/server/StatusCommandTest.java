package dev.meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.server.admin.ClusterView;
import dev.meridian.server.admin.LatencyHistogram;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code meridian status}'s table and its arguments (ConsoleIT runs it against a real node). */
class StatusCommandTest {

  @Test
  void tableListsEveryNodeByRegionAndEachRangesLeaseholder() {
    ClusterView.NodeStats stats = new ClusterView.NodeStats(0, 0, 0, 0, 0,
        new LatencyHistogram(LatencyHistogram.STATEMENT_BOUNDS_SECONDS).snapshot(),
        new LatencyHistogram(LatencyHistogram.COMMIT_WAIT_BOUNDS_SECONDS).snapshot());
    ClusterView.Snapshot snapshot = new ClusterView.Snapshot(1, "c-9", 2, List.of(
        new ClusterView.Node(2, "us-east", "", ClusterView.Liveness.LIVE, true, "trusted", 1250L, "0.2", "jdbc:meridian://b:7070",
            "http://b:7072/", 1000L, null, stats, 4L),
        new ClusterView.Node(1, "eu-west", "eu-west-1a", ClusterView.Liveness.LIVE, false, "EPSILON_TOO_LARGE", 25_000L, "0.2",
            "jdbc:meridian://a:7070", "http://a:7072/", 1000L, "epsilon 25 ms above 20 ms", stats, 1L),
        ClusterView.Node.unreachable(3, "ap-south", "", "http://c:7072/", "connection refused")),
        List.of(new ClusterView.Range(7, "", "", List.of(new ClusterView.Replica(1, "eu-west", "voter"),
            new ClusterView.Replica(3, "ap-south", "learner")), 1, 3_000L, null),
            new ClusterView.Range(1, "", "", List.of(new ClusterView.Replica(3, "ap-south", "voter")), null, null, 3)));
    String table = StatusCommand.table(snapshot);
    assertThat(table).startsWith("cluster c-9 (as node 2 sees it)\n");
    List<String> lines = table.lines().toList();
    // Regions in name order: ap-south, eu-west, us-east.
    assertThat(lines.get(3)).matches("3 +ap-south +- +unreachable +- +- +- +- +- +-");
    assertThat(lines.get(4)).matches("       connection refused");
    assertThat(lines.get(5)).matches("1 +eu-west +eu-west-1a +live +1 +no +EPSILON_TOO_LARGE +25\\.000ms +0\\.2 +jdbc:meridian://a:7070");
    assertThat(lines.get(7)).matches("2 +us-east +- +live +4 +yes +trusted +1\\.250ms +0\\.2 +jdbc:meridian://b:7070");
    assertThat(table).containsPattern("(?m)^7 +-inf +\\+inf +n1 \\(eu-west\\) +n1\\(eu-west\\),n3\\(ap-south,learner\\) +3\\.000ms +cluster$");
    assertThat(table).containsPattern("(?m)^1 +-inf +\\+inf +none +n3\\(ap-south\\) +- +n3's own \\(not replicated\\)$");
  }

  @Test
  void badArgumentsExit64WithTheUsage() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = StatusCommand.run(new String[] {"--nodes", "a:1", "--json"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(64);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--nodes asks each node's /health", "usage: meridian status");
  }
}
