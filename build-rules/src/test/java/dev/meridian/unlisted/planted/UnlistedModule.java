package dev.meridian.unlisted.planted;

/** Planted violation for {@code PlantedLayerViolationsTest}: a package of no module in the table. */
public final class UnlistedModule {}
