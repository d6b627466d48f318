package dev.meridian.storage.range;

import dev.meridian.storage.KeySpan;
import java.util.List;

/**
 * What one node keeps of the ranges it replicates (DESIGN §3, §11): the MVCC versions and write
 * intents of their spans, keyed by user key, and each range's range-local entries (applied slot,
 * metadata, prepared transactions, transaction records), keyed by range id. A node's replicas own
 * disjoint spans, so data needs no range prefix and a split moves no data.
 *
 * <p>Contract (checked by {@code AbstractRangeStoreContractTest} for every implementation):
 * <ul>
 *   <li>A batch is atomic: readers see all of it or none; after a restart (durable stores) all or
 *       none of it is there, and the applied slot says which.
 *   <li>A snapshot sees the state at its creation, whatever is written later.
 *   <li>Installs are invisible until committed, and then replace the range's state atomically.
 *   <li>Reads of versions and intents agree with {@link dev.meridian.storage.mvcc.MvccEngine}'s.
 * </ul>
 *
 * <p>The store does not decide what may be written: the range state machine does. Thread-safe:
 * one loop writes, and snapshots may be read on other threads.
 */
public interface RangeStore extends AutoCloseable {

  RangeBatch newBatch();

  /** Reads of the latest committed state. */
  RangeReads reads();

  RangeSnapshot snapshot();

  /**
   * Begins installing a snapshot of range {@code rangeId} covering {@code span}. The caller makes
   * sure no other range hosted here overlaps {@code span}: the store keys data by user key and cannot
   * tell whose a key is.
   */
  RangeStaging beginInstall(long rangeId, KeySpan span);

  /**
   * Removes range {@code rangeId}: its locals, and its versions and intents in {@code span}
   * (un-hosting a replica). Atomic, unsynced.
   */
  void destroy(long rangeId, KeySpan span);

  /** The ids of the ranges that have an applied slot here, ascending. */
  List<Long> hostedRanges();

  @Override
  void close();
}
