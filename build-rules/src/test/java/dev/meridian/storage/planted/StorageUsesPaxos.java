package dev.meridian.storage.planted;

import dev.meridian.paxos.types.Slot;

/** Planted violation for {@code PlantedLayerViolationsTest}: storage sits below paxos. */
public final class StorageUsesPaxos {
  public Slot slot() {
    return Slot.of(1);
  }
}
