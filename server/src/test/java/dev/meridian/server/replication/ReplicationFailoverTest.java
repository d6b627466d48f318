package dev.meridian.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.server.testing.LocalReplicationCluster;
import dev.meridian.server.testing.LocalReplicationCluster.GroupStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real {@code paxos-node} processes on loopback replicate one group (M4's acceptance): SIGKILL
 * the leader and a survivor takes over and commits; the killed node restarts and catches up —
 * through a snapshot, because the survivors compact their logs while it is down — until its state
 * machine matches theirs command for command. How fast the take-over is, is measured by {@code
 * bin/meridian bench-failover} (a wall-clock bound is a benchmark, never a test assertion); here
 * only that it happens, within the test's time-out.
 */
class ReplicationFailoverTest {

  private static final long LEASE_MILLIS = 2_000;

  @TempDir Path directory;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void leaderKilledIsReplacedAndCatchesUpAfterRestart() throws Exception {
    try (LocalReplicationCluster cluster = LocalReplicationCluster.start(directory, 3,
        List.of("--groups", "1", "--lease-ms", String.valueOf(LEASE_MILLIS), "--compact-every", "20"))) {
      int leader = cluster.awaitLeaders(Duration.ofSeconds(60)).get(1);
      for (int i = 0; i < 30; i++) {
        assertEquals(200, cluster.propose(leader, 1, command("before-" + i)).status());
      }

      cluster.kill(leader);
      int newLeader = cluster.proposeUntilCommitted(leader, 1, command("first-after-kill"), Duration.ofSeconds(60));

      for (int i = 0; i < 50; i++) {
        assertEquals(200, cluster.propose(newLeader, 1, command("while-down-" + i)).status());
      }
      cluster.restart(leader);
      GroupStatus reference = cluster.awaitCaughtUp(leader, newLeader, 1, Duration.ofSeconds(60));
      assertEquals(81, reference.commands(), "every acknowledged command applied once");
      for (int id : cluster.nodeIds()) {
        GroupStatus status = cluster.status(id).getFirst();
        assertEquals(reference.fingerprint(), status.fingerprint(), "node " + id + " diverged: " + status);
      }
    }
  }

  private static byte[] command(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
