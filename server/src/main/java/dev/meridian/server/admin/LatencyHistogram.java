package dev.meridian.server.admin;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed-bucket latency histogram, safe to record into from any thread and to read while others
 * record. It is what Prometheus calls a histogram: {@code _bucket{le}} (cumulative), {@code _sum}
 * and {@code _count}, in seconds, the base unit; the console and {@code meridian status} read the
 * same buckets through {@link #snapshot} and estimate percentiles from them.
 *
 * <p>Invariant: the bounds strictly increase, and a value lands in the first bucket whose upper bound
 * is at least the value (Prometheus' {@code le}); values above the last bound land in {@code +Inf}.
 * The buckets are fixed at construction, so the memory and the label set are bounded. A snapshot
 * taken while others record may be torn by a few samples (its count may differ from the sum of its
 * buckets by in-flight records); rates and percentiles over seconds do not notice.
 */
public final class LatencyHistogram {

  /**
   * From 100 µs (a point read on this machine) to 30 s (a statement near its timeout): the range
   * of statement latencies, with 2.5x steps so that a percentile's bucket is at most that coarse.
   */
  public static final double[] STATEMENT_BOUNDS_SECONDS =
      {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  /**
   * Commit wait is about twice epsilon (DESIGN §4, §6): 1 ms by default, 20 ms at the largest
   * epsilon a node accepts; the bounds reach past that to show a fenced or slow clock.
   */
  public static final double[] COMMIT_WAIT_BOUNDS_SECONDS =
      {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

  private final double[] boundsSeconds;
  private final LongAdder[] buckets;
  private final LongAdder count = new LongAdder();
  private final LongAdder sumNanos = new LongAdder();

  public LatencyHistogram(double[] boundsSeconds) {
    for (int i = 1; i < boundsSeconds.length; i++) {
      if (!(boundsSeconds[i] > boundsSeconds[i - 1])) {
        throw new IllegalArgumentException("histogram bounds must strictly increase: " + Arrays.toString(boundsSeconds));
      }
    }
    this.boundsSeconds = boundsSeconds.clone();
    this.buckets = new LongAdder[boundsSeconds.length + 1];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** Records one duration; negative durations (a clock read out of order) count as zero. */
  public void record(long durationNanos) {
    long nanos = Math.max(0, durationNanos);
    double seconds = nanos / 1e9;
    int bucket = 0;
    while (bucket < boundsSeconds.length && seconds > boundsSeconds[bucket]) {
      bucket++;
    }
    buckets[bucket].increment();
    count.increment();
    sumNanos.add(nanos);
  }

  public Snapshot snapshot() {
    long[] counts = new long[buckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
    }
    return new Snapshot(boundsSeconds.clone(), counts, count.sum(), sumNanos.sum() / 1e9);
  }

  /**
   * What a histogram held at one moment: {@code bucketCounts[i]} samples at most {@code
   * upperBoundsSeconds[i]} and above the bound before it (not cumulative), the last entry the
   * samples above every bound.
   */
  public record Snapshot(double[] upperBoundsSeconds, long[] bucketCounts, long count, double sumSeconds) {

    public Snapshot {
      if (bucketCounts.length != upperBoundsSeconds.length + 1) {
        throw new IllegalArgumentException("a histogram has one bucket per bound and +Inf");
      }
    }

    /**
     * The {@code q}-quantile (0 to 1) of the samples between {@code earlier} and this snapshot,
     * interpolated linearly inside its bucket as Prometheus' {@code histogram_quantile} does; NaN
     * when no sample fell in between. A quantile in {@code +Inf} is the last bound.
     */
    public double quantileSince(Snapshot earlier, double q) {
      long[] delta = new long[bucketCounts.length];
      long total = 0;
      for (int i = 0; i < delta.length; i++) {
        delta[i] = bucketCounts[i] - (earlier == null ? 0 : earlier.bucketCounts[i]);
        total += delta[i];
      }
      if (total <= 0) {
        return Double.NaN;
      }
      double rank = q * total;
      long below = 0;
      for (int i = 0; i < delta.length; i++) {
        if (delta[i] > 0 && below + delta[i] >= rank) {
          if (i == upperBoundsSeconds.length) {
            return upperBoundsSeconds[upperBoundsSeconds.length - 1];
          }
          double lower = i == 0 ? 0 : upperBoundsSeconds[i - 1];
          return lower + (upperBoundsSeconds[i] - lower) * ((rank - below) / delta[i]);
        }
        below += delta[i];
      }
      return upperBoundsSeconds[upperBoundsSeconds.length - 1];
    }

    /** Appends this histogram as Prometheus text: HELP, TYPE, cumulative buckets, sum and count. */
    public void render(StringBuilder out, String name, String help) {
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(" histogram\n");
      long cumulative = 0;
      for (int i = 0; i < upperBoundsSeconds.length; i++) {
        cumulative += bucketCounts[i];
        out.append(name).append("_bucket{le=\"").append(label(upperBoundsSeconds[i])).append("\"} ")
            .append(cumulative).append('\n');
      }
      cumulative += bucketCounts[upperBoundsSeconds.length];
      out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
      out.append(name).append("_sum ").append(sumSeconds).append('\n');
      out.append(name).append("_count ").append(count).append('\n');
    }

    /** 0.00025 as {@code 0.00025}, 1 as {@code 1}: the shortest decimal, never an exponent. */
    private static String label(double bound) {
      return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }
  }
}
