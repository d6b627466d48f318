package dev.meridian.paxos.types;

/**
 * A position in a group's replicated log. Slots start at 1; {@link #NONE} (0) means "before the first
 * slot", e.g. the commit point of a fresh group.
 */
public record Slot(long value) implements Comparable<Slot> {

  public static final Slot NONE = new Slot(0);

  public Slot {
    if (value < 0) {
      throw new IllegalArgumentException("slot must be >= 0, got " + value);
    }
  }

  public static Slot of(long value) {
    return value == 0 ? NONE : new Slot(value);
  }

  public Slot next() {
    return new Slot(value + 1);
  }

  @Override
  public int compareTo(Slot other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
