package dev.meridian.bench.planted;

import dev.meridian.server.Main;

/** Planted use of a listed departure for {@code PlantedLayerViolationsTest}: bench on server. */
public final class BenchUsesServer {
  public Class<?> server() {
    return Main.class;
  }
}
