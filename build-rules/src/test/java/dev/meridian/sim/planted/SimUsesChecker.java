package dev.meridian.sim.planted;

import dev.meridian.jepsen.checker.BankChecker;
import dev.meridian.txn.TimestampBound;

/** Planted allowed use for {@code PlantedLayerViolationsTest}: sim may use txn-layer and the checker. */
public final class SimUsesChecker {
  public Class<?> checker() {
    return BankChecker.class;
  }

  public TimestampBound bound() {
    return TimestampBound.strong();
  }
}
