package dev.meridian.bench;

import dev.meridian.server.Directories;
import dev.meridian.server.LocalNode;
import dev.meridian.storage.Key;
import dev.meridian.storage.rocks.RocksMvccEngine;
import dev.meridian.truetime.LocalTrueTime;
import dev.meridian.txn.ReadWriteTransaction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/meridian bench-commit}: commit throughput and latency of single-key read-write
 * transactions on one node with RocksDB, with N concurrent clients, each committing one transaction
 * at a time. Every commit is durable (synced) and waits out TrueTime's uncertainty before its ack,
 * so latency is about max(fsync, commit wait); group commit lets concurrent clients share a sync.
 *
 * <p>Runs several times on fresh data directories and prints each run and the median.
 */
public final class CommitBenchmark {

  private record Settings(
      int clients, double seconds, double warmupSeconds, int runs, boolean groupCommit, Path dataDir) {}

  private record RunResult(long commits, double seconds, long[] sortedLatencyNanos, double meanGroupSize) {
    double commitsPerSecond() {
      return commits / seconds;
    }

    double percentileMillis(double p) {
      if (sortedLatencyNanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(sortedLatencyNanos.length - 1, Math.ceil(p * sortedLatencyNanos.length) - 1);
      return sortedLatencyNanos[Math.max(0, index)] / 1e6;
    }
  }

  /** Per client, at most this many latency samples are kept (bounded memory on long runs). */
  private static final int MAX_SAMPLES_PER_CLIENT = 5_000_000;

  private CommitBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("bench-commit: " + e.getMessage());
      err.println(
          "usage: bench-commit [--clients N] [--seconds S] [--warmup-seconds W] [--runs R]"
              + " [--no-group-commit] [--data-dir DIR]");
      return 64;
    }
    out.printf(
        "bench-commit: %d client(s), %.0f s per run (after %.0f s warm-up), %d run(s), group commit %s%n",
        settings.clients, settings.seconds, settings.warmupSeconds, settings.runs,
        settings.groupCommit ? "on" : "off");
    List<RunResult> results = new ArrayList<>();
    for (int run = 1; run <= settings.runs; run++) {
      RunResult result = runOnce(settings);
      results.add(result);
      out.printf(
          "run %d: %d commits, %.0f commits/s, p50 %.2f ms, p99 %.2f ms, mean group %.1f%n",
          run, result.commits, result.commitsPerSecond(), result.percentileMillis(0.50),
          result.percentileMillis(0.99), result.meanGroupSize);
    }
    out.printf(
        "median: clients=%d group_commit=%s commits/s=%.0f p50_ms=%.2f p99_ms=%.2f%n",
        settings.clients,
        settings.groupCommit ? "on" : "off",
        median(results.stream().mapToDouble(RunResult::commitsPerSecond).toArray()),
        median(results.stream().mapToDouble(r -> r.percentileMillis(0.50)).toArray()),
        median(results.stream().mapToDouble(r -> r.percentileMillis(0.99)).toArray()));
    return 0;
  }

  private static RunResult runOnce(Settings settings) throws Exception {
    Path parent = settings.dataDir;
    Files.createDirectories(parent);
    Path dataDir = Files.createTempDirectory(parent, "bench-commit-");
    RocksMvccEngine.Options engineOptions =
        settings.groupCommit
            ? RocksMvccEngine.Options.defaults()
            : RocksMvccEngine.Options.defaults().withMaxGroupCommitBatch(1);
    try (LocalNode node = new LocalNode(dataDir, engineOptions, LocalTrueTime.Config.defaults())) {
      long[][] samples = new long[settings.clients][];
      int[] sampleCounts = new int[settings.clients];
      long[] commits = new long[settings.clients];
      long startNanos = System.nanoTime();
      long measureFromNanos = startNanos + (long) (settings.warmupSeconds * 1e9);
      long endNanos = measureFromNanos + (long) (settings.seconds * 1e9);
      long groupWritesAtStart = -1;
      long operationsAtStart = -1;
      CountDownLatch done = new CountDownLatch(settings.clients);
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < settings.clients; c++) {
        int client = c;
        samples[c] = new long[1024];
        Thread thread =
            new Thread(
                () -> {
                  try {
                    long sequence = 0;
                    while (true) {
                      long before = System.nanoTime();
                      if (before >= endNanos) {
                        break;
                      }
                      ReadWriteTransaction txn = node.client().beginReadWrite();
                      Key key = Key.utf8("bench/" + client + "/" + (sequence++ % 1000));
                      txn.put(key, ("value-" + sequence).getBytes(StandardCharsets.UTF_8));
                      txn.commit().join();
                      long after = System.nanoTime();
                      if (before >= measureFromNanos && after <= endNanos) {
                        commits[client]++;
                        if (sampleCounts[client] < MAX_SAMPLES_PER_CLIENT) {
                          if (sampleCounts[client] == samples[client].length) {
                            samples[client] = Arrays.copyOf(samples[client], samples[client].length * 2);
                          }
                          samples[client][sampleCounts[client]++] = after - before;
                        }
                      }
                    }
                  } finally {
                    done.countDown();
                  }
                },
                "bench-client-" + c);
        threads.add(thread);
        thread.start();
      }
      Thread.sleep(Math.max(0, (measureFromNanos - System.nanoTime()) / 1_000_000));
      groupWritesAtStart = node.engine().groupWrites();
      operationsAtStart = node.engine().operationsWritten();
      done.await();
      long groupWrites = node.engine().groupWrites() - groupWritesAtStart;
      long operations = node.engine().operationsWritten() - operationsAtStart;
      long total = Arrays.stream(commits).sum();
      int sampleTotal = Arrays.stream(sampleCounts).sum();
      long[] all = new long[sampleTotal];
      int offset = 0;
      for (int c = 0; c < settings.clients; c++) {
        System.arraycopy(samples[c], 0, all, offset, sampleCounts[c]);
        offset += sampleCounts[c];
      }
      Arrays.sort(all);
      return new RunResult(
          total, settings.seconds, all, groupWrites == 0 ? 0 : (double) operations / groupWrites);
    } finally {
      Directories.deleteRecursively(dataDir);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static Settings parse(String[] args) {
    int clients = 1;
    double seconds = 10;
    double warmup = 2;
    int runs = 3;
    boolean groupCommit = true;
    Path dataDir = Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(value(args, ++i));
        case "--seconds" -> seconds = Double.parseDouble(value(args, ++i));
        case "--warmup-seconds" -> warmup = Double.parseDouble(value(args, ++i));
        case "--runs" -> runs = Integer.parseInt(value(args, ++i));
        case "--no-group-commit" -> groupCommit = false;
        case "--data-dir" -> dataDir = Path.of(value(args, ++i));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (clients < 1 || seconds <= 0 || runs < 1 || warmup < 0) {
      throw new IllegalArgumentException("clients, seconds and runs must be positive");
    }
    return new Settings(clients, seconds, warmup, runs, groupCommit, dataDir);
  }

  private static String value(String[] args, int index) {
    if (index >= args.length) {
      throw new IllegalArgumentException(args[index - 1] + " needs a value");
    }
    return args[index];
  }
}
