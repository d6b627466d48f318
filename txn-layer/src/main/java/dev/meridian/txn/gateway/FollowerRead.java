package dev.meridian.txn.gateway;

import dev.meridian.storage.Timestamp;
import java.util.Objects;

/**
 * A replica's answer to a follower read ({@link FollowerReadChannel}), as the host maps {@code
 * follower.FollowerReads.Admission} onto the wire.
 */
public sealed interface FollowerRead<T> {

  /** Served from the replica's applied state: final at the read timestamp. */
  record Served<T>(T value) implements FollowerRead<T> {
    public Served {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The replica's safe time is below the read timestamp; nothing was read. */
  record NotYet<T>(Timestamp safeTime) implements FollowerRead<T> {
    public NotYet {
      Objects.requireNonNull(safeTime, "safeTime");
    }
  }

  /** The read timestamp is below the GC horizon. */
  record TooOld<T>(Timestamp gcHorizon) implements FollowerRead<T> {
    public TooOld {
      Objects.requireNonNull(gcHorizon, "gcHorizon");
    }
  }
}
