package dev.meridian.runtime.manual;

import dev.meridian.runtime.PhysicalClock;

/**
 * A {@link PhysicalClock} that moves only when told to. Advancing moves the wall clock and the
 * monotonic clock together; {@link #stepWallClock} moves the wall clock alone, as an NTP step or an
 * operator's {@code date -s} would.
 */
public final class ManualClock implements PhysicalClock {

  /**
   * Kept in nanoseconds, like the monotonic clock, so that advances that are not whole microseconds
   * move both clocks alike (truncating each advance would let the wall clock fall behind).
   */
  private long wallClockNanos;
  private long monotonicNanos;

  public ManualClock(long startWallClockMicros) {
    this.wallClockNanos = Math.multiplyExact(startWallClockMicros, 1_000L);
    this.monotonicNanos = 1_000_000_000L;
  }

  @Override
  public synchronized long wallClockMicros() {
    return Math.floorDiv(wallClockNanos, 1_000L);
  }

  @Override
  public synchronized long monotonicNanos() {
    return monotonicNanos;
  }

  /** Moves both clocks forward by {@code nanos}. */
  public synchronized void advanceNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("time does not go backwards: " + nanos);
    }
    monotonicNanos += nanos;
    wallClockNanos += nanos;
  }

  public void advanceMicros(long micros) {
    advanceNanos(micros * 1_000);
  }

  /** Jumps the wall clock by {@code deltaMicros} (either sign) without moving the monotonic clock. */
  public synchronized void stepWallClock(long deltaMicros) {
    wallClockNanos += deltaMicros * 1_000;
  }
}
