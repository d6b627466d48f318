package dev.meridian.sim.planted;

import dev.meridian.server.Main;

/** Planted violation for {@code PlantedLayerViolationsTest}: the simulator runs the code below server. */
public final class SimUsesServer {
  public Class<?> server() {
    return Main.class;
  }
}
