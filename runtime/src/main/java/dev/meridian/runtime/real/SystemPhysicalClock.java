package dev.meridian.runtime.real;

import dev.meridian.runtime.PhysicalClock;
import java.time.Instant;

/** The machine's wall clock (microsecond resolution where the OS gives it) and monotonic clock. */
public final class SystemPhysicalClock implements PhysicalClock {

  public static final SystemPhysicalClock INSTANCE = new SystemPhysicalClock();

  private SystemPhysicalClock() {}

  @Override
  public long wallClockMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  @Override
  public long monotonicNanos() {
    return System.nanoTime();
  }
}
