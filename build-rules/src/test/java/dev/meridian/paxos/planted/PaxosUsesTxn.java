package dev.meridian.paxos.planted;

import dev.meridian.txn.TimestampBound;

/** Planted violation for {@code PlantedLayerViolationsTest}: txn-layer may use paxos, not the reverse. */
public final class PaxosUsesTxn {
  public TimestampBound bound() {
    return TimestampBound.strong();
  }
}
