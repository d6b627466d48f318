package dev.meridian.truetime;

import dev.meridian.runtime.Invariants;

/**
 * An interval that contains true time, in microseconds since the Unix epoch: what {@link
 * TrueTime#now()} answers.
 *
 * <p>Invariant: {@code earliestMicros <= latestMicros}. Whether true time really lies inside is the
 * promise of the {@link TrueTime} that produced it, not something this value can check.
 */
public record TTInterval(long earliestMicros, long latestMicros) {

  public TTInterval {
    Invariants.require(
        earliestMicros <= latestMicros,
        "TTInterval earliest %d is after latest %d",
        earliestMicros,
        latestMicros);
  }

  /** Half the width of the interval: the clock's uncertainty either side of its estimate. */
  public long epsilonMicros() {
    return (latestMicros - earliestMicros) / 2;
  }

  /** Whether {@code tMicros} lies inside the interval, ends included. */
  public boolean contains(long tMicros) {
    return earliestMicros <= tMicros && tMicros <= latestMicros;
  }
}
