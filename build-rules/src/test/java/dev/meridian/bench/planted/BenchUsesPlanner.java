package dev.meridian.bench.planted;

import dev.meridian.sql.exec.Session;

/**
 * Planted violation for {@code PlantedLayerViolationsTest}: bench's departure names server, not
 * what server may use (departures are not closed transitively).
 */
public final class BenchUsesPlanner {
  public Class<?> planner() {
    return Session.class;
  }
}
