package dev.meridian.truetime;

import dev.meridian.runtime.PhysicalClock;

/**
 * A {@link PhysicalClock} that wraps another and injects the clock faults of DESIGN.md §4, for tests
 * and nemeses: a constant offset of the wall clock, oscillator drift, and one-time wall clock steps.
 *
 * <p>Model: {@code wall = drifted(inner wall) + offset + sum of steps} and {@code monotonic =
 * drifted(inner monotonic)}, where {@code drifted} scales the time elapsed since the drift was last
 * set by {@code (1 + driftPpm/10^6)}. Changing the drift re-anchors, so both clocks stay continuous.
 *
 * <p>Invariant: the monotonic reading never decreases while the inner one does not (drift is limited
 * to more than −10^6 ppm, so the oscillator never stops or runs backwards). Offset and steps move the
 * wall clock only, which is what a {@link LocalTrueTime} detects as a jump at its next sync.
 *
 * <p>Thread-safe: nemeses change faults from their own thread while the node reads.
 */
public final class FaultyPhysicalClock implements PhysicalClock {

  private static final long PPM = 1_000_000L;

  private final PhysicalClock inner;

  private long driftPpm;
  private long innerWallAnchorMicros;
  private long innerMonoAnchorNanos;
  /** Drifted wall (without offset and steps) at the anchor. */
  private long wallAnchorMicros;
  private long monoAnchorNanos;
  private long offsetMicros;
  private long stepsMicros;

  public FaultyPhysicalClock(PhysicalClock inner) {
    this.inner = inner;
    this.innerWallAnchorMicros = inner.wallClockMicros();
    this.innerMonoAnchorNanos = inner.monotonicNanos();
    this.wallAnchorMicros = innerWallAnchorMicros;
    this.monoAnchorNanos = innerMonoAnchorNanos;
  }

  @Override
  public synchronized long wallClockMicros() {
    return driftedWall(inner.wallClockMicros()) + offsetMicros + stepsMicros;
  }

  @Override
  public synchronized long monotonicNanos() {
    return driftedMono(inner.monotonicNanos());
  }

  /** Sets the wall clock's offset from the inner clock (replacing the previous offset). */
  public synchronized void setOffsetMicros(long offsetMicros) {
    this.offsetMicros = offsetMicros;
  }

  /**
   * Makes the oscillator run fast (positive) or slow (negative) by {@code driftPpm} from now on; both
   * wall and monotonic elapsed time are scaled. Must be above −1,000,000.
   */
  public synchronized void setDriftPpm(long driftPpm) {
    if (driftPpm <= -PPM) {
      throw new IllegalArgumentException("drift must be above -1000000 ppm, was " + driftPpm);
    }
    long innerWall = inner.wallClockMicros();
    long innerMono = inner.monotonicNanos();
    wallAnchorMicros = driftedWall(innerWall);
    monoAnchorNanos = driftedMono(innerMono);
    innerWallAnchorMicros = innerWall;
    innerMonoAnchorNanos = innerMono;
    this.driftPpm = driftPpm;
  }

  /** Jumps the wall clock once by {@code deltaMicros}, either sign; the monotonic clock is unmoved. */
  public synchronized void stepMicros(long deltaMicros) {
    stepsMicros += deltaMicros;
  }

  /**
   * Removes every fault: the wall clock reads the inner wall clock again (one jump, by whatever the
   * faults had moved it) and the oscillator runs at the inner rate. The monotonic clock stays
   * continuous: it keeps what drift added so far and only stops adding.
   */
  public synchronized void clearFaults() {
    long innerWall = inner.wallClockMicros();
    long innerMono = inner.monotonicNanos();
    monoAnchorNanos = driftedMono(innerMono);
    innerMonoAnchorNanos = innerMono;
    wallAnchorMicros = innerWall;
    innerWallAnchorMicros = innerWall;
    driftPpm = 0;
    offsetMicros = 0;
    stepsMicros = 0;
  }

  public synchronized long offsetMicros() {
    return offsetMicros;
  }

  public synchronized long driftPpm() {
    return driftPpm;
  }

  private long driftedWall(long innerWall) {
    return wallAnchorMicros + scale(innerWall - innerWallAnchorMicros);
  }

  private long driftedMono(long innerMono) {
    return monoAnchorNanos + scale(innerMono - innerMonoAnchorNanos);
  }

  /** elapsed·(1 + drift/10^6), floored, without overflowing elapsed·drift. */
  private long scale(long elapsed) {
    long whole = Math.floorDiv(elapsed, PPM);
    long rest = Math.floorMod(elapsed, PPM);
    return elapsed + whole * driftPpm + Math.floorDiv(rest * driftPpm, PPM);
  }
}
