package dev.meridian.server.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.server.replication.LocalReplicationCluster.Answer;
import dev.meridian.server.replication.LocalReplicationCluster.GroupStatus;
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
 * the leader and a new leader commits within two lease durations; the killed node restarts and
 * catches up — through a snapshot, because the survivors compact their logs while it is down — until
 * its state machine matches theirs command for command.
 */
class ReplicationFailoverTest {

  private static final long LEASE_MILLIS = 2_000;

  @TempDir Path directory;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void leaderKilledIsReplacedWithinTwoLeasesAndCatchesUpAfterRestart() throws Exception {
    try (LocalReplicationCluster cluster = LocalReplicationCluster.start(directory, 3,
        List.of("--groups", "1", "--lease-ms", String.valueOf(LEASE_MILLIS), "--compact-every", "20"))) {
      int leader = cluster.awaitLeaders(Duration.ofSeconds(60)).get(1);
      for (int i = 0; i < 30; i++) {
        assertEquals(200, cluster.propose(leader, 1, command("before-" + i)).status());
      }

      cluster.kill(leader);
      long killedAt = System.nanoTime();
      int newLeader = proposeUntilCommitted(cluster, leader, command("first-after-kill"));
      long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf("failover: node %d killed, node %d committed after %d ms (lease %d ms)%n",
          leader, newLeader, failoverMillis, LEASE_MILLIS);
      assertTrue(failoverMillis < 2 * LEASE_MILLIS,
          "a new leader committed only " + failoverMillis + " ms after the kill");

      for (int i = 0; i < 50; i++) {
        assertEquals(200, cluster.propose(newLeader, 1, command("while-down-" + i)).status());
      }
      cluster.restart(leader);
      GroupStatus reference = awaitCaughtUp(cluster, leader, newLeader);
      assertEquals(81, reference.commands(), "every acknowledged command applied once");
      for (int id : cluster.nodeIds()) {
        GroupStatus status = cluster.status(id).getFirst();
        assertEquals(reference.fingerprint(), status.fingerprint(), "node " + id + " diverged: " + status);
      }
    }
  }

  /** Proposes at each survivor in turn until one commits it; returns that node. */
  private static int proposeUntilCommitted(LocalReplicationCluster cluster, int killed, byte[] command)
      throws Exception {
    while (true) {
      for (int id : cluster.nodeIds()) {
        if (id != killed) {
          Answer answer = cluster.propose(id, 1, command);
          if (answer.status() == 200) {
            return id;
          }
        }
      }
      Thread.sleep(10);
    }
  }

  /** Waits until {@code node} applied as much as {@code leader} and holds the same state. */
  private static GroupStatus awaitCaughtUp(LocalReplicationCluster cluster, int node, int leader) throws Exception {
    while (true) {
      GroupStatus theirs = cluster.status(leader).getFirst();
      GroupStatus mine = cluster.status(node).getFirst();
      if (mine.applied() == theirs.applied() && mine.fingerprint().equals(theirs.fingerprint())) {
        return theirs;
      }
      Thread.sleep(20);
    }
  }

  private static byte[] command(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
