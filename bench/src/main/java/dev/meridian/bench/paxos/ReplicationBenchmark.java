package dev.meridian.bench.paxos;

import dev.meridian.server.CommandLine;
import dev.meridian.server.Directories;
import dev.meridian.server.testing.LocalReplicationCluster;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code meridian bench-paxos}: commit throughput and latency of the replication layer in real
 * processes. Starts three {@code paxos-node} processes on 127.0.0.1 (data in a temporary directory
 * unless {@code --data-dir}), waits for every group to elect a leader, moves every leadership to
 * node 1, then for each proposer count runs {@code --runs} proposal loads ({@code dev.meridian.server.replication.ProposalLoad}, in the node) of {@code --seconds}
 * on node 1 and prints each run and the median run (by commits/s). Stops the nodes and deletes the
 * temporary directory at the end.
 */
public final class ReplicationBenchmark {

  private static final String USAGE = "usage: meridian bench-paxos [--groups 1] [--proposers 1,64] "
      + "[--seconds 10] [--warmup-seconds 2] [--runs 3] [--payload-bytes 100] [--data-dir DIR]";
  private static final Pattern COMMITS_PER_SECOND = Pattern.compile("\"commitsPerSecond\":([0-9.]+)");

  private ReplicationBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    int groups = 1;
    List<Integer> proposerCounts = List.of(1, 64);
    double seconds = 10;
    double warmupSeconds = 2;
    int runs = 3;
    int payloadBytes = 100;
    Path dataDir = null;
    try {
      for (Map.Entry<String, String> option : CommandLine.options(args).entrySet()) {
        String value = option.getValue();
        switch (option.getKey()) {
          case "--groups" -> groups = Integer.parseInt(value);
          case "--proposers" -> proposerCounts = Stream.of(value.split(",")).map(Integer::parseInt).toList();
          case "--seconds" -> seconds = Double.parseDouble(value);
          case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(value);
          case "--runs" -> runs = Integer.parseInt(value);
          case "--payload-bytes" -> payloadBytes = Integer.parseInt(value);
          case "--data-dir" -> dataDir = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + option.getKey());
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("meridian bench-paxos: " + e.getMessage());
      err.println(USAGE);
      return 64;
    }
    boolean temporary = dataDir == null;
    Path directory = temporary ? Files.createTempDirectory("meridian-bench-paxos") : dataDir;
    try (LocalReplicationCluster cluster = LocalReplicationCluster.start(directory, 3,
        List.of("--groups", String.valueOf(groups)))) {
      out.printf("3 nodes on 127.0.0.1, %d group(s), data in %s%n", groups, directory);
      cluster.awaitLeaders(Duration.ofSeconds(60));
      moveLeadershipTo(cluster, 1);
      out.println("every group is led by node 1; each run: " + seconds + " s measured after " + warmupSeconds
          + " s warm-up, " + payloadBytes + "-byte commands, latency = propose to applied on the leader");
      for (int proposers : proposerCounts) {
        List<String> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
          LocalReplicationCluster.Answer answer = cluster.call(1, "POST", "/paxos/load?proposers=" + proposers
              + "&seconds=" + seconds + "&warmup-seconds=" + warmupSeconds + "&payload-bytes=" + payloadBytes,
              new byte[0]);
          if (answer.status() != 200) {
            err.println("meridian bench-paxos: load failed: " + answer);
            return 1;
          }
          String result = answer.body().trim();
          results.add(result);
          out.printf("groups=%d proposers=%d run=%d %s%n", groups, proposers, run, result);
        }
        results.sort(Comparator.comparingDouble(ReplicationBenchmark::commitsPerSecond));
        out.printf("groups=%d proposers=%d median %s%n", groups, proposers, results.get(results.size() / 2));
      }
    } finally {
      if (temporary) {
        Directories.deleteRecursively(directory);
      }
    }
    return 0;
  }

  /** Asks every other node to hand its groups to {@code target} until {@code target} leads them all. */
  private static void moveLeadershipTo(LocalReplicationCluster cluster, int target) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Map<Integer, Integer> leaders = cluster.awaitLeaders(Duration.ofSeconds(30));
      if (leaders.values().stream().allMatch(leader -> leader == target)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("leadership did not move to node " + target + ": " + leaders);
      }
      for (int id : cluster.nodeIds()) {
        if (id != target) {
          cluster.call(id, "POST", "/paxos/transfer?to=" + target, new byte[0]);
        }
      }
      Thread.sleep(200);
    }
  }

  private static double commitsPerSecond(String json) {
    Matcher matcher = COMMITS_PER_SECOND.matcher(json);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }
}
