package dev.meridian.txn.leaseholder;

import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeId;
import java.util.Collection;
import java.util.Optional;

/**
 * What the leaseholder core reads of the replicated range state machine (to be implemented by the
 * range state machine, package {@code dev.meridian.txn.range.state}). Read only on the range's loop,
 * between inputs to the core, and it must reflect exactly the commands the driver has reported to
 * the core through {@link LeaseholderCore#applied} (no more, no fewer): the core rebuilds its lock
 * table and timestamp floor from it when it starts and when its own lease starts.
 */
public interface RangeStateView {

  RangeId range();

  /** The range descriptor's generation; proposals carry it. */
  long generation();

  /** The key span the range owns now (a split shrinks it). */
  KeySpan span();

  /** The slot of the last applied command, {@link LogSlot#NONE} if none. */
  LogSlot appliedSlot();

  /** The lease in force: the last applied {@link RangeCommand.LeaseStart}, if any. */
  Optional<RangeCommand.LeaseStart> lease();

  /**
   * The highest commit timestamp of any applied {@link RangeCommand.Commit} or committed {@link
   * RangeCommand.Resolve}, {@link Timestamp#ZERO} if none.
   */
  Timestamp maxAppliedCommitTs();

  /**
   * The closed timestamp of the applied log (the last applied {@link RangeCommand.CloseTimestamp}),
   * {@link Timestamp#ZERO} if none: a new leaseholder's floor and closes start at or above it.
   */
  Timestamp closedTs();

  /** The prepared, unresolved transactions: their applied {@link RangeCommand.Prepare} commands. */
  Collection<RangeCommand.Prepare> preparedTxns();

  /** The transaction record of {@code txn} held by this range (as a coordinator range), if any. */
  Optional<RangeCommand.RecordDecision> decision(TxnId txn);
}
