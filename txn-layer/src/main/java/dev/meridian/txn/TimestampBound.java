package dev.meridian.txn;

import dev.meridian.storage.Timestamp;
import dev.meridian.truetime.TTInterval;
import java.util.function.Supplier;

/**
 * How a read-only transaction picks its one read timestamp (Spanner's timestamp bounds).
 * <ul>
 *   <li>{@link Strong}: {@code TT.now().latest} — sees every transaction acknowledged before it began.
 *   <li>{@link ExactStaleness}: {@code TT.now().latest - staleness} — may be served without waiting.
 *   <li>{@link AtTimestamp}: a timestamp the caller chose, e.g. one returned by an earlier commit.
 * </ul>
 */
public sealed interface TimestampBound {

  record Strong() implements TimestampBound {}

  record ExactStaleness(long stalenessMicros) implements TimestampBound {
    public ExactStaleness {
      if (stalenessMicros < 0) {
        throw new IllegalArgumentException("staleness must not be negative: " + stalenessMicros);
      }
    }
  }

  record AtTimestamp(Timestamp timestamp) implements TimestampBound {}

  static TimestampBound strong() {
    return new Strong();
  }

  static TimestampBound exactStaleness(long stalenessMicros) {
    return new ExactStaleness(stalenessMicros);
  }

  static TimestampBound at(Timestamp timestamp) {
    return new AtTimestamp(timestamp);
  }

  /** The read timestamp this bound picks; {@code now} is asked only when the bound needs the clock. */
  default Timestamp readTs(Supplier<TTInterval> now) {
    return switch (this) {
      case Strong strong -> Timestamp.ofMicros(now.get().latestMicros());
      case ExactStaleness stale -> Timestamp.ofMicros(now.get().latestMicros()).minusMicros(stale.stalenessMicros());
      case AtTimestamp at -> at.timestamp();
    };
  }
}
