package dev.meridian.storage.mvcc;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A multi-version key-value store: every write creates a version at a commit timestamp, and a read at
 * timestamp {@code t} sees, for each key, the newest version with {@code commitTs <= t}. Writes of
 * prepared transactions are kept apart as {@link Intent}s until they resolve.
 *
 * <p>Contract (checked by {@code AbstractMvccEngineContractTest} for every implementation):
 * <ul>
 *   <li>Reads never see intents, and a tombstone hides older versions.
 *   <li>{@link #commit} and {@link #resolveIntents} are atomic: after a crash, all of their writes are
 *       present or none is. Their futures complete only once the writes are durable; engines batch the
 *       synced writes of concurrent callers (group commit). They never block: an engine whose
 *       disk cannot keep up refuses a write with {@link StorageBusyException} before queuing it.
 *   <li>Reads below the GC horizon fail with {@link ReadBelowGcHorizonException}; reads at or above it
 *       see exactly what they would have seen without garbage collection.
 *   <li>The engine does not decide which writes may commit: the transaction layer validates them.
 *       It assumes a key has at most one version per timestamp and at most one intent at a time.
 * </ul>
 *
 * <p>Thread-safe. Futures complete on an engine thread; callers hop back onto their own loop.
 */
public interface MvccEngine extends AutoCloseable {

  /** The newest version of {@code key} with {@code commitTs <= readTs}, tombstones included. */
  Optional<Version> get(Key key, Timestamp readTs);

  /**
   * Up to {@code limit} live (non-tombstone) versions visible at {@code readTs} of keys in {@code
   * span}, one per key, in {@code direction} order.
   */
  List<Version> scan(KeySpan span, Timestamp readTs, Direction direction, int limit);

  /**
   * Some version of a key in {@code span} with {@code commitTs > ts}, tombstones included, or empty if
   * none exists: the optimistic validation of a read set (a phantom is a newer version too). Versions
   * already garbage collected are not considered; validation only asks about timestamps above the GC
   * horizon.
   */
  Optional<Version> newestAfter(KeySpan span, Timestamp ts);

  /** Writes every write in {@code writes} as a version at {@code commitTs}, atomically and durably. */
  CompletableFuture<Void> commit(Collection<Write> writes, Timestamp commitTs);

  /** Stores {@code writes} as intents of {@code txnId} prepared at {@code prepareTs}, durably. */
  CompletableFuture<Void> putIntents(TxnId txnId, Timestamp prepareTs, Collection<Write> writes);

  /** Intents on keys in {@code span}, in key order. */
  List<Intent> intents(KeySpan span);

  /**
   * Resolves the intents of {@code txnId} on {@code keys}: with a commit timestamp they become
   * versions at it, without one (abort) they are removed. Atomic and durable. Keys with no intent of
   * {@code txnId} are ignored.
   */
  CompletableFuture<Void> resolveIntents(TxnId txnId, Collection<Key> keys, Optional<Timestamp> commitTs);

  /** The GC horizon: reads below it fail. Starts at {@link Timestamp#ZERO}, only rises, survives restarts. */
  Timestamp gcHorizon();

  /**
   * Raises the GC horizon to {@code horizon} (if higher) and removes every version that no read at or
   * above it can see: for each key, all versions older than the newest one at or below the horizon,
   * and that one too if it is a tombstone. Blocks while it works: run it off the protocol loop.
   */
  GcResult collectGarbage(Timestamp horizon);

  @Override
  void close();
}
