package dev.meridian.storage;

/**
 * A point in Meridian's timeline: TrueTime microseconds since the Unix epoch. Commit, prepare and read
 * timestamps are all of this type, so that they cannot be mixed up with durations or other longs.
 * Valid timestamps are non-negative.
 */
public record Timestamp(long micros) implements Comparable<Timestamp> {

  public static final Timestamp ZERO = new Timestamp(0);
  public static final Timestamp MAX = new Timestamp(Long.MAX_VALUE);

  public Timestamp {
    if (micros < 0) {
      throw new IllegalArgumentException("timestamps are non-negative, got " + micros);
    }
  }

  public static Timestamp ofMicros(long micros) {
    return new Timestamp(micros);
  }

  public Timestamp next() {
    return new Timestamp(Math.addExact(micros, 1));
  }

  public Timestamp minusMicros(long delta) {
    return new Timestamp(Math.max(0, micros - delta));
  }

  public boolean isAfter(Timestamp other) {
    return micros > other.micros;
  }

  public boolean isBefore(Timestamp other) {
    return micros < other.micros;
  }

  public static Timestamp max(Timestamp a, Timestamp b) {
    return a.micros >= b.micros ? a : b;
  }

  public static Timestamp min(Timestamp a, Timestamp b) {
    return a.micros <= b.micros ? a : b;
  }

  @Override
  public int compareTo(Timestamp other) {
    return Long.compare(micros, other.micros);
  }

  @Override
  public String toString() {
    return "ts" + micros;
  }
}
