package dev.meridian.bench.paxos;

import dev.meridian.server.CommandLine;
import dev.meridian.server.Directories;
import dev.meridian.server.testing.LocalReplicationCluster;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code meridian bench-failover}: how long a group of three real {@code paxos-node} processes on
 * 127.0.0.1 is without a leader after its leader is killed. Each run SIGKILLs the current leader,
 * times from the kill to the first proposal a survivor commits, restarts the killed node and waits
 * until it has caught up; the runs are printed one by one, then the median, the minimum and the
 * maximum. What to expect: a new leader waits out the old lease (it may not act inside it) plus at
 * most one election time-out, so a little over one lease duration.
 */
public final class FailoverBenchmark {

  private static final String USAGE =
      "usage: meridian bench-failover [--runs 5] [--lease-ms 2000] [--data-dir DIR]";

  private FailoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    int runs = 5;
    long leaseMillis = 2_000;
    Path dataDir = null;
    try {
      for (Map.Entry<String, String> option : CommandLine.options(args).entrySet()) {
        String value = option.getValue();
        switch (option.getKey()) {
          case "--runs" -> runs = Integer.parseInt(value);
          case "--lease-ms" -> leaseMillis = Long.parseLong(value);
          case "--data-dir" -> dataDir = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + option.getKey());
        }
      }
      if (runs < 1 || leaseMillis < 1) {
        throw new IllegalArgumentException("--runs and --lease-ms must be at least 1");
      }
    } catch (IllegalArgumentException e) {
      err.println("meridian bench-failover: " + e.getMessage());
      err.println(USAGE);
      return 64;
    }
    boolean temporary = dataDir == null;
    Path directory = temporary ? Files.createTempDirectory("meridian-bench-failover") : dataDir;
    Duration patience = Duration.ofMillis(Math.max(60_000, 20 * leaseMillis));
    try (LocalReplicationCluster cluster = LocalReplicationCluster.start(directory, 3,
        List.of("--groups", "1", "--lease-ms", String.valueOf(leaseMillis)))) {
      out.printf("3 nodes on 127.0.0.1, 1 group, lease %d ms, data in %s%n", leaseMillis, directory);
      List<Long> failoverMillis = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        int leader = cluster.awaitLeaders(patience).get(1);
        for (int i = 0; i < 10; i++) {
          cluster.proposeUntilCommitted(-1, 1, bytes("run-" + run + "-" + i), patience);
        }
        cluster.kill(leader);
        long killedAt = System.nanoTime();
        int newLeader = cluster.proposeUntilCommitted(leader, 1, bytes("run-" + run + "-after-kill"), patience);
        long millis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
        failoverMillis.add(millis);
        out.printf("run=%d killed=node %d first commit at node %d after %d ms%n", run, leader, newLeader, millis);
        cluster.restart(leader);
        cluster.awaitCaughtUp(leader, newLeader, 1, patience);
      }
      List<Long> sorted = failoverMillis.stream().sorted().toList();
      out.printf("failover ms over %d runs: median %d, min %d, max %d (lease %d ms)%n", runs,
          sorted.get(sorted.size() / 2), sorted.getFirst(), sorted.getLast(), leaseMillis);
    } finally {
      if (temporary) {
        Directories.deleteRecursively(directory);
      }
    }
    return 0;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
