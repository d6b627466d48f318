package dev.meridian.storage.range;

import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Intent;

/**
 * The effects of one applied range command: versions, intent changes and range-local entries, and
 * the applied slot. {@link #commit} writes them atomically (all visible at once, and after a crash
 * all present or none) but without a sync of its own: the Paxos log entry it applies was synced
 * before it was applied, and the next synced write of the node's group commit makes this one durable
 * too; a crash that loses it loses the applied slot with it, so the replica replays the slot
 * (DESIGN §11).
 *
 * <p>Changes apply in the order added. Not thread-safe; commit once, then drop it.
 */
public interface RangeBatch {

  /** A version of {@code key} at {@code commitTs}: {@code value}, or a tombstone for null. */
  RangeBatch putVersion(Key key, Timestamp commitTs, byte[] value);

  RangeBatch putIntent(Intent intent);

  RangeBatch deleteIntent(Key key);

  /** A range-local entry; {@link LocalKind#APPLIED_SLOT} only through {@link #setAppliedSlot}. */
  RangeBatch putLocal(long rangeId, LocalKind kind, byte[] suffix, byte[] value);

  RangeBatch deleteLocal(long rangeId, LocalKind kind, byte[] suffix);

  RangeBatch setAppliedSlot(long rangeId, long slot);

  /** Writes every change atomically, unsynced. */
  void commit();
}
