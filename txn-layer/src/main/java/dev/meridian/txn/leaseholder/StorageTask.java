package dev.meridian.txn.leaseholder;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import java.util.List;
import java.util.Objects;

/**
 * Work the core hands to the driver to run against the range's storage off the loop. The driver
 * runs each against a storage snapshot taken after every command it has reported to the core as
 * applied is visible in storage, and hands the result back on the loop: {@link
 * LeaseholderCore#readDone} / {@link LeaseholderCore#validated}, or {@link
 * LeaseholderCore#storageFailed}.
 */
public sealed interface StorageTask {

  TaskId id();

  /**
   * A snapshot read the core has already admitted (its timestamp is below the lease end, nothing in
   * flight at or below it touches the key, and the read watermark covers it): the newest version of
   * {@code key} at or below {@code readTs}, tombstones included; the result is a list of zero or one
   * version.
   */
  record PointRead(TaskId id, Key key, Timestamp readTs) implements StorageTask {
    public PointRead {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(readTs, "readTs");
    }
  }

  /** As {@link PointRead}, for up to {@code limit} live versions of {@code span} in {@code direction}. */
  record ScanRead(TaskId id, KeySpan span, Timestamp readTs, Direction direction, int limit)
      implements StorageTask {
    public ScanRead {
      Objects.requireNonNull(span, "span");
      Objects.requireNonNull(readTs, "readTs");
      Objects.requireNonNull(direction, "direction");
      if (limit <= 0) {
        throw new IllegalArgumentException("scan limit must be positive, got " + limit);
      }
    }
  }

  /**
   * Optimistic validation of a read set: some version with {@code commitTs > readTs} of a key in any
   * of {@code spans}, or none ({@code MvccEngine.newestAfter} span by span). A read timestamp below
   * the GC horizon is reported as {@code storageFailed} with the engine's {@code
   * ReadBelowGcHorizonException}.
   */
  record ValidationScan(TaskId id, Timestamp readTs, List<KeySpan> spans) implements StorageTask {
    public ValidationScan {
      Objects.requireNonNull(readTs, "readTs");
      spans = List.copyOf(spans);
    }
  }
}
