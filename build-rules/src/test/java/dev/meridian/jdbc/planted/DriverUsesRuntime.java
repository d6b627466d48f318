package dev.meridian.jdbc.planted;

import dev.meridian.runtime.NodeId;

/** Planted violation for {@code PlantedLayerViolationsTest}: the driver is avatica-core only. */
public final class DriverUsesRuntime {
  public NodeId node() {
    return new NodeId(1);
  }
}
