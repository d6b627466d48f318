package dev.meridian.truetime;

import dev.meridian.runtime.Invariants;

/**
 * What a time master answers: its wall clock and the uncertainty it declares for it, both in
 * microseconds. The declaration is the master's promise that true time lies within {@code
 * uncertaintyMicros} of {@code wallMicros} at the moment it read the clock; a master that breaks it is
 * a liar, which the pollers' {@link Marzullo} intersection outvotes while liars are a minority.
 */
public record TimeMasterReading(long wallMicros, long uncertaintyMicros) {
  public TimeMasterReading {
    Invariants.require(uncertaintyMicros >= 0, "a master declared a negative uncertainty: %d", uncertaintyMicros);
  }
}
