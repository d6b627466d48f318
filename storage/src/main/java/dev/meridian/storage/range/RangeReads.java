package dev.meridian.storage.range;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads of the range replicas' state in a {@link RangeStore}: either the latest state ({@link
 * RangeStore#reads}) or one point in time ({@link RangeSnapshot}). Versions and intents are keyed by
 * user key (the node's replicas own disjoint spans), range-local entries by range id; callers pass
 * the span they own, so a read never strays into a neighbour's keys.
 *
 * <p>The MVCC reads mean what {@link dev.meridian.storage.mvcc.MvccEngine}'s reads of the same name
 * mean (newest version at or below a timestamp, tombstones hide older versions, intents invisible).
 */
public interface RangeReads {

  /** The newest version of {@code key} with {@code commitTs <= readTs}, tombstones included. */
  Optional<Version> get(Key key, Timestamp readTs);

  /** Up to {@code limit} live versions visible at {@code readTs} in {@code span}, one per key. */
  List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit);

  /** Some version in {@code span} with {@code commitTs > ts}, tombstones included, or empty. */
  Optional<Version> newestAfter(KeySpan span, Timestamp ts);

  /** Write intents on keys in {@code span}, in key order. */
  List<Intent> intents(KeySpan span);

  /** The applied slot of range {@code rangeId}, or empty when this store hosts no such range. */
  OptionalLong appliedSlot(long rangeId);

  Optional<byte[]> local(long rangeId, LocalKind kind, byte[] suffix);

  /** Every range-local entry of {@code kind} of the range, in suffix order. */
  List<RangeEntry.Local> locals(long rangeId, LocalKind kind);

  /**
   * Up to {@code maxCount} entries of the range's whole state (its locals, and the versions and
   * intents in {@code span}), in the state order of {@link RangeEntry}, strictly after {@code after}
   * (null: from the start).
   */
  List<RangeEntry> entriesAfter(long rangeId, KeySpan span, RangeEntry after, int maxCount);

  /**
   * The entries after {@code after} that fit in {@code maxBytes} of a chunk ({@link
   * RangeEntryCodec}, header included); refuses an entry that alone does not fit, since a chunk may
   * never exceed its bound.
   */
  default StatePage statePage(long rangeId, KeySpan span, RangeEntry after, int maxBytes) {
    List<RangeEntry> page = new ArrayList<>();
    int bytes = RangeEntryCodec.headerBytes();
    RangeEntry last = after;
    while (true) {
      List<RangeEntry> batch = entriesAfter(rangeId, span, last, 256);
      if (batch.isEmpty()) {
        return new StatePage(page, bytes, null);
      }
      for (RangeEntry entry : batch) {
        int size = RangeEntryCodec.encodedSize(entry);
        if (bytes + size > maxBytes) {
          if (page.isEmpty()) {
            throw new IllegalArgumentException(
                "a state entry of " + size + " bytes does not fit in a snapshot chunk of at most "
                    + maxBytes + " bytes: raise the chunk limit above the largest row (" + entry.section()
                    + ")");
          }
          return new StatePage(page, bytes, page.getLast());
        }
        page.add(entry);
        bytes += size;
        last = entry;
      }
    }
  }
}
