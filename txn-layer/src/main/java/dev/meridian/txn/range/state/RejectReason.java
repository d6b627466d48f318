package dev.meridian.txn.range.state;

/**
 * Why a replica applied a command as a no-op. Every replica reaches the same reason for the same
 * command (it depends only on the command and the applied state), and the proposer is told it.
 */
public enum RejectReason {
  /** The command names another range: it was proposed to the wrong group. */
  WRONG_RANGE,
  /** A key or span of the command lies outside the range's span (after a split, or never inside). */
  KEY_OUTSIDE_SPAN,
  /**
   * The command was planned against another descriptor generation: a split planned before an earlier
   * split, or a command from a generation the range never had.
   */
  STALE_GENERATION,
  /** The command's lease sequence is not the range's current lease: its proposer was deposed. */
  LEASE_NOT_CURRENT,
  /** A different decision for the transaction is already recorded (the record is write-once). */
  DECISION_CONFLICT,
  /**
   * The command's effect is already in place (a re-proposed commit, prepare, resolve, decision or
   * lease start, or a closed timestamp at or below the current one): the proposer may treat it as
   * done.
   */
  DUPLICATE
}
