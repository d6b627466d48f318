package dev.meridian.txn.types;

/**
 * The identity of a range. Range ids are positive, allocated by the directory and never reused, so a
 * cached descriptor or a stale message can never be mistaken for another range. The meta range (the
 * directory itself) is {@link #META}.
 */
public record RangeId(long value) implements Comparable<RangeId> {

  /** The range that holds the directory: descriptors of every other range. */
  public static final RangeId META = new RangeId(1);

  public RangeId {
    if (value <= 0) {
      throw new IllegalArgumentException("range id must be positive, got " + value);
    }
  }

  @Override
  public int compareTo(RangeId other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return "r" + value;
  }
}
