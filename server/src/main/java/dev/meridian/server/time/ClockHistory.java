package dev.meridian.server.time;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The last hour of epsilon, for the console: two points per sync round (the sawtooth's peak just
 * before it and its trough just after), bounded by {@link #MAX_POINTS} and by age.
 */
final class ClockHistory {

  /** Two points a round at a 1 s poll for an hour; slower polls keep the hour in fewer. */
  static final int MAX_POINTS = 7_200;
  static final long KEEP_MILLIS = 3_600_000;

  private record Point(long unixMillis, long epsilonMicros, boolean trusted) {}

  private final ArrayDeque<Point> points = new ArrayDeque<>();

  synchronized void add(long unixMillis, long epsilonMicros, boolean trusted) {
    points.addLast(new Point(unixMillis, epsilonMicros, trusted));
    while (points.size() > MAX_POINTS || (!points.isEmpty() && points.peekFirst().unixMillis() < unixMillis - KEEP_MILLIS)) {
      points.removeFirst();
    }
  }

  synchronized int size() {
    return points.size();
  }

  /** {@code {"points":[[unixMillis,epsilonMicros,trusted],...]}}, oldest first. */
  synchronized String toJson() {
    StringBuilder out = new StringBuilder(32 + points.size() * 32).append("{\"points\":[");
    boolean first = true;
    for (Point p : points) {
      out.append(first ? "" : ",").append(String.format(Locale.ROOT, "[%d,%d,%s]", p.unixMillis(), p.epsilonMicros(),
          p.trusted()));
      first = false;
    }
    return out.append("]}\n").toString();
  }
}
