package dev.meridian.truetime;

import dev.meridian.runtime.Invariants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Marzullo's intersection of time intervals, in the form that tolerates a known number of faulty
 * sources (Marzullo's thesis, and NTP's clock-select "intersection algorithm"): given {@code n}
 * intervals of which at least {@code quorum} contain true time, the result is the smallest interval
 * that contains every point covered by at least {@code quorum} intervals.
 *
 * <h2>Why this form, not "the point of greatest overlap"</h2>
 *
 * The textbook sweep returns the region where the most intervals overlap. That region can miss true
 * time: with honest {@code [0,10] [5,15] [9,20]} (true time 9.5) and liars {@code [12,14] [12,14]},
 * four intervals overlap on {@code [12,14]} and only three at 9.5. Here instead every point covered by
 * {@code quorum} intervals is kept, and true time is such a point whenever a quorum of intervals
 * contains it, so the result contains true time whatever the minority says: a liar can widen the
 * result only by agreeing with honest sources, never move it away from them.
 *
 * <h2>Rejected sources</h2>
 *
 * A source whose interval does not meet the result is reported as rejected (a falseticker, in NTP's
 * word). An honest source contains true time, which lies in the result, so it is never rejected; a liar
 * that overlaps the result is outvoted without being named.
 *
 * <p>Intervals are closed; a source with {@code low > high} is a caller bug.
 */
public final class Marzullo {

  private Marzullo() {}

  /** One source's claim: true time lies in {@code [lowMicros, highMicros]}. */
  public record Source(String name, long lowMicros, long highMicros) {
    public Source {
      Invariants.require(lowMicros <= highMicros, "source %s has low %d above high %d", name, lowMicros, highMicros);
    }
  }

  /**
   * The outcome of one intersection.
   *
   * @param found whether some point is covered by at least {@code quorum} intervals
   * @param lowMicros the result's low end (meaningful only if found)
   * @param highMicros the result's high end (meaningful only if found)
   * @param maxOverlap the largest number of intervals that share a point
   * @param rejected names of the sources whose interval misses the result, in input order (empty if
   *     not found: with no result there is nobody to outvote)
   */
  public record Result(boolean found, long lowMicros, long highMicros, int maxOverlap, List<String> rejected) {
    public Result {
      rejected = List.copyOf(rejected);
    }
  }

  /**
   * Intersects {@code sources}, keeping the points covered by at least {@code quorum} of them.
   *
   * @param quorum at least 1; callers pass a majority of the sources they asked, answered or not
   */
  public static Result intersect(List<Source> sources, int quorum) {
    Invariants.require(quorum >= 1, "quorum must be at least 1, was %d", quorum);
    int n = sources.size();
    // Each endpoint as (coordinate, kind): a start counts before an end at the same coordinate, so
    // closed intervals that touch at one point overlap there.
    long[] starts = new long[n];
    long[] ends = new long[n];
    for (int i = 0; i < n; i++) {
      starts[i] = sources.get(i).lowMicros();
      ends[i] = sources.get(i).highMicros();
    }
    Arrays.sort(starts);
    Arrays.sort(ends);
    int count = 0;
    int maxOverlap = 0;
    boolean found = false;
    long low = 0;
    long high = 0;
    int s = 0;
    int e = 0;
    while (s < n || e < n) {
      if (s < n && starts[s] <= ends[e]) {
        count++;
        maxOverlap = Math.max(maxOverlap, count);
        if (count >= quorum && !found) {
          found = true;
          low = starts[s];
        }
        s++;
      } else {
        if (count >= quorum) {
          high = ends[e];
        }
        count--;
        e++;
      }
    }
    Invariants.require(count == 0, "Marzullo sweep ended with %d open intervals", count);
    if (!found) {
      return new Result(false, 0, 0, maxOverlap, List.of());
    }
    Invariants.require(low <= high, "Marzullo result is inverted: [%d, %d]", low, high);
    List<String> rejected = new ArrayList<>();
    for (Source source : sources) {
      if (source.highMicros() < low || source.lowMicros() > high) {
        rejected.add(source.name());
      }
    }
    return new Result(true, low, high, maxOverlap, rejected);
  }

  /** The smallest quorum that is a majority of {@code n} sources: {@code n/2 + 1}. */
  public static int majorityOf(int n) {
    Invariants.require(n >= 1, "a majority of %d sources", n);
    return n / 2 + 1;
  }
}
