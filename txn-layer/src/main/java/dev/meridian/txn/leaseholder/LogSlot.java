package dev.meridian.txn.leaseholder;

/**
 * A position in the range's Paxos log, as the range state machine reports it with each applied or
 * rejected command. The leaseholder core does not depend on the paxos module (txn-layer is built
 * without it for now), so the driver maps Paxos's own slot type onto this one. Slots are positive.
 */
public record LogSlot(long value) implements Comparable<LogSlot> {

  /** Before the first slot: what a range that applied nothing reports. */
  public static final LogSlot NONE = new LogSlot(0);

  public LogSlot {
    if (value < 0) {
      throw new IllegalArgumentException("log slots are non-negative, got " + value);
    }
  }

  public boolean isAfter(LogSlot other) {
    return value > other.value;
  }

  @Override
  public int compareTo(LogSlot other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return "slot" + value;
  }
}
