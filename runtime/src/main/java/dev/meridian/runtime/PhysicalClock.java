package dev.meridian.runtime;

/**
 * The node's two hardware clocks: the wall clock, which estimates true time but may be stepped, and
 * the monotonic clock, which never jumps but has no epoch. TrueTime is built from both.
 */
public interface PhysicalClock {

  /** The wall clock in microseconds since the Unix epoch. May jump in either direction. */
  long wallClockMicros();

  /** Monotonic time in nanoseconds; only differences are meaningful. */
  long monotonicNanos();
}
