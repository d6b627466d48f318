package dev.meridian.truetime;

import dev.meridian.runtime.Invariants;

/**
 * One answer of a time master, as the polling node measured it: the master read {@code
 * masterWallMicros} from its clock, declared it within {@code masterUncertaintyMicros} of true time,
 * and the reading happened somewhere between {@code sendMonoNanos} and {@code receiveMonoNanos} on the
 * polling node's monotonic clock (the round trip).
 *
 * <p>What it proves, at a later local monotonic instant {@code m}: true time lies in {@code
 * [W − u + (m − receive)·(1−ρ'), W + u + (m − send)·(1+ρ')]}, where {@code ρ'} is the drift bound's
 * correction ({@link SyncedTrueTime}). The whole round trip goes to the upper end because the reading
 * may have happened at its very start; nothing about the split of the trip needs to be assumed.
 *
 * @param master the master's name, for reports and metrics
 */
public record TimeSample(
    String master,
    long sendMonoNanos,
    long receiveMonoNanos,
    long masterWallMicros,
    long masterUncertaintyMicros) {

  public TimeSample {
    Invariants.require(receiveMonoNanos >= sendMonoNanos, "sample from %s received before it was sent", master);
    Invariants.require(masterUncertaintyMicros >= 0, "master %s declared a negative uncertainty", master);
  }

  public long roundTripNanos() {
    return receiveMonoNanos - sendMonoNanos;
  }
}
