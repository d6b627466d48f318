package dev.meridian.server.replication;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.types.GroupId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load of proposals against groups this node leads, measured from {@code propose} to
 * the command's application on this (the leader's) node: the latency of one replicated, durable
 * commit, which is what the replication layer offers the transaction layer above it. {@code
 * proposers} proposers run at once, spread round-robin over the groups; each proposes its next
 * command as soon as its last one is applied. Runs in the node process, so no client protocol adds
 * to the numbers; the first {@code warmupMillis} are run but not counted. Proposals are counted by
 * when they started: those started in the measured window, to their completion.
 */
final class ProposalLoad {

  /** The outcome: commits counted after warm-up, their rate, latency percentiles, errors. */
  record Result(int groups, int proposers, long commits, double commitsPerSecond, double p50Millis,
      double p99Millis, double maxMillis, long errors, String firstError) {

    String toJson() {
      return String.format(Locale.ROOT,
          "{\"groups\":%d,\"proposers\":%d,\"commits\":%d,\"commitsPerSecond\":%.1f,\"p50Millis\":%.3f,"
              + "\"p99Millis\":%.3f,\"maxMillis\":%.3f,\"errors\":%d,\"firstError\":%s}\n",
          groups, proposers, commits, commitsPerSecond, p50Millis, p99Millis, maxMillis, errors,
          firstError == null ? "null" : "\"" + firstError.replace("\\", "\\\\").replace("\"", "'") + "\"");
    }
  }

  private static final int MAX_RECORDED = 2_000_000;
  private static final long ERROR_BACKOFF_MILLIS = 10;
  /** A proposal not applied by then counts as an error (a deposed leader's slot may never fill). */
  private static final long PROPOSAL_TIMEOUT_SECONDS = 30;
  static final int MAX_PROPOSERS = 10_000;
  static final int MAX_PAYLOAD_BYTES = 64 << 10;
  static final long MAX_MILLIS = 300_000;

  private final PaxosDriver driver;
  private final List<GroupId> groups;
  private final int proposers;
  private final int payloadBytes;
  private final long warmupNanos;
  private final long measureNanos;
  /** Latencies in nanoseconds, one slot per commit counted; capped, the count goes on. */
  private final long[] latencies;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String firstError;
  private volatile long measureStart;
  private volatile long measureEnd;

  ProposalLoad(PaxosDriver driver, List<GroupId> groups, int proposers, int payloadBytes, long warmupMillis,
      long measureMillis) {
    if (groups.isEmpty() || proposers < 1 || proposers > MAX_PROPOSERS || payloadBytes < 8
        || payloadBytes > MAX_PAYLOAD_BYTES || measureMillis < 1 || measureMillis > MAX_MILLIS
        || warmupMillis < 0 || warmupMillis > MAX_MILLIS) {
      throw new IllegalArgumentException("need 1.." + MAX_PROPOSERS + " proposers, payloads of 8.."
          + MAX_PAYLOAD_BYTES + " bytes, and a warm-up and a run of at most " + MAX_MILLIS / 1000 + " s");
    }
    this.driver = driver;
    this.groups = List.copyOf(groups);
    this.proposers = proposers;
    this.payloadBytes = payloadBytes;
    this.warmupNanos = TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    this.measureNanos = TimeUnit.MILLISECONDS.toNanos(measureMillis);
    this.latencies = new long[MAX_RECORDED];
  }

  /** Runs the load to its end and returns what it measured. Blocks the calling thread. */
  Result run() throws InterruptedException {
    long start = System.nanoTime();
    measureStart = start + warmupNanos;
    measureEnd = measureStart + measureNanos;
    CountDownLatch done = new CountDownLatch(proposers);
    for (int p = 0; p < proposers; p++) {
      proposeNext(groups.get(p % groups.size()), done);
    }
    if (!done.await(measureNanos + warmupNanos + TimeUnit.SECONDS.toNanos(2 * PROPOSAL_TIMEOUT_SECONDS),
        TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("proposals still outstanding long after the end of the run");
    }
    int n = (int) Math.min(recorded.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    double seconds = measureNanos / 1e9;
    return new Result(groups.size(), proposers, recorded.get(), recorded.get() / seconds,
        percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99),
        n == 0 ? 0 : sorted[n - 1] / 1e6, errors.get(), firstError);
  }

  private void proposeNext(GroupId group, CountDownLatch done) {
    long now = System.nanoTime();
    if (now >= measureEnd) {
      done.countDown();
      return;
    }
    // Unique commands: the sequence number leads, the rest is padding.
    byte[] command = new byte[payloadBytes];
    ByteBuffer.wrap(command).putLong(sequence.incrementAndGet());
    driver.propose(group, command).orTimeout(PROPOSAL_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((slot, error) -> {
      long end = System.nanoTime();
      if (error != null) {
        if (errors.incrementAndGet() == 1) {
          firstError = String.valueOf(error.getCause() == null ? error : error.getCause());
        }
        // Not leading, or too busy: back off rather than spin on the driver's loop.
        CompletableFuture.delayedExecutor(ERROR_BACKOFF_MILLIS, TimeUnit.MILLISECONDS)
            .execute(() -> proposeNext(group, done));
        return;
      }
      // Counted by when it started: a stall near the end of the window shows in the tail.
      if (now >= measureStart) {
        long index = recorded.getAndIncrement();
        if (index < latencies.length) {
          latencies[(int) index] = end - now;
        }
      }
      proposeNext(group, done);
    });
  }

  private static double percentileMillis(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
