package dev.meridian.server.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.server.testing.LocalReplicationCluster;
import dev.meridian.server.testing.LocalReplicationCluster.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * M6's acceptance on real processes: three {@code paxos-node}s, every one a time master polling all
 * three every second. Their epsilon follows the sawtooth; a 1 s offset injected into one node's clock
 * fences it within a poll interval ({@code /health} 503, the others outvote it as a master and keep
 * serving and committing); removing the fault brings it back.
 */
class TrueTimeClusterTest {

  private static final Pattern HISTORY_POINT = Pattern.compile("\\[(\\d+),(\\d+),(true|false)]");
  private static final Pattern REJECTED_N3 =
      Pattern.compile("meridian_truetime_master_rejected_total\\{master=\"n3\"} (\\d+)");
  private static final long POLL_MILLIS = 1_000;

  @TempDir Path directory;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aNodeWithABadClockFencesItselfAndComesBack() throws Exception {
    try (LocalReplicationCluster cluster = LocalReplicationCluster.start(directory, 3,
        List.of("--groups", "1", "--time-master", "--time-masters", "1,2,3", "--time-poll", POLL_MILLIS + "ms",
            "--allow-fault-injection"))) {
      for (int id : cluster.nodeIds()) {
        awaitHealth(cluster, id, 200, Duration.ofSeconds(20));
      }
      int leader = cluster.awaitLeaders(Duration.ofSeconds(30)).get(1);
      assertEquals(200, cluster.propose(leader, 1, bytes("before")).status());

      // The sawtooth: epsilon grows between rounds and a round brings it down (the history's point
      // just after a round is below the one just before it).
      String metrics = cluster.call(1, "GET", "/metrics", new byte[0]).body();
      assertTrue(metrics.contains("meridian_truetime_epsilon_seconds "), metrics);
      assertTrue(metrics.contains("meridian_truetime_trusted 1"), metrics);
      long sawtoothDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      List<long[]> points;
      while (!dropSeen(points = history(cluster, 1)) && System.nanoTime() < sawtoothDeadline) {
        Thread.sleep(200);
      }
      assertTrue(dropSeen(points), "no sync lowered epsilon: " + points.stream().map(p -> p[1]).toList());

      // A 1 s offset on node 3: fenced at the end of the next round — within a poll interval plus the
      // round's own length (answers time out after half a poll) and some slack for a loaded machine.
      assertEquals(200, cluster.call(3, "POST", "/fault/clock?offset_ms=1000", new byte[0]).status());
      long injectedAt = System.nanoTime();
      String unhealthy = awaitHealth(cluster, 3, 503, Duration.ofSeconds(5));
      long fencedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - injectedAt);
      System.out.printf("node 3 fenced %d ms after a 1 s clock offset (poll %d ms): %s", fencedMillis, POLL_MILLIS,
          unhealthy);
      assertTrue(fencedMillis <= 2 * POLL_MILLIS, "fenced only after " + fencedMillis + " ms");
      assertTrue(unhealthy.contains("CLOCK_JUMP") || unhealthy.contains("WALL_CLOCK_OFFSET"), unhealthy);

      // The others keep serving: healthy, outvoting node 3 as a master, and committing.
      Thread.sleep(POLL_MILLIS + 200);
      for (int id : List.of(1, 2)) {
        assertEquals(200, cluster.call(id, "GET", "/health", new byte[0]).status(), "node " + id);
        Matcher rejected = REJECTED_N3.matcher(cluster.call(id, "GET", "/metrics", new byte[0]).body());
        assertTrue(rejected.find() && Long.parseLong(rejected.group(1)) > 0, "node " + id + " never outvoted n3");
      }
      assertTrue(cluster.call(3, "GET", "/health", new byte[0]).body().contains("WALL_CLOCK_OFFSET"),
          "a persisting offset keeps the node fenced for that reason");
      int servingLeader = cluster.awaitLeaders(Duration.ofSeconds(15)).get(1);
      assertTrue(servingLeader != 3, "the fenced node leads");
      assertEquals(200, cluster.propose(servingLeader, 1, bytes("while-fenced")).status());

      // Removing the fault: one more jump (back), then a clean round.
      assertEquals(200, cluster.call(3, "DELETE", "/fault/clock", new byte[0]).status());
      awaitHealth(cluster, 3, 200, Duration.ofSeconds(5));
    }
  }

  private static String awaitHealth(LocalReplicationCluster cluster, int id, int status, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Answer answer;
    do {
      answer = cluster.call(id, "GET", "/health", new byte[0]);
      if (answer.status() == status) {
        return answer.body();
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("node " + id + " health is not " + status + " after " + timeout + ": " + answer);
  }

  /** Points come in pairs per round, before and after it; whether one pair went down. */
  private static boolean dropSeen(List<long[]> points) {
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i)[1] < points.get(i - 1)[1] && points.get(i)[0] - points.get(i - 1)[0] < POLL_MILLIS / 2) {
        return true;
      }
    }
    return false;
  }

  private static List<long[]> history(LocalReplicationCluster cluster, int id) throws Exception {
    List<long[]> points = new ArrayList<>();
    Matcher m = HISTORY_POINT.matcher(cluster.call(id, "GET", "/truetime/history", new byte[0]).body());
    while (m.find()) {
      points.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
    }
    return points;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
