package dev.meridian.truetime;

import dev.meridian.runtime.PhysicalClock;

/**
 * Test clock that reads its wall clock from one source and its monotonic clock from another: models
 * a wall clock kept near true time by NTP (offset only) next to a free-running, drifting oscillator.
 */
record SplitClock(PhysicalClock wall, PhysicalClock monotonic) implements PhysicalClock {

  @Override
  public long wallClockMicros() {
    return wall.wallClockMicros();
  }

  @Override
  public long monotonicNanos() {
    return monotonic.monotonicNanos();
  }
}
