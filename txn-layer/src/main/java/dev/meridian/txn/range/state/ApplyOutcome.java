package dev.meridian.txn.range.state;

import dev.meridian.txn.types.RangeDescriptor;

/** What applying one log slot did, for the proposer (and the host, for a split). */
public sealed interface ApplyOutcome {

  long slot();

  /** The command took effect. */
  record Applied(long slot) implements ApplyOutcome {}

  /**
   * A split took effect: this range now owns {@code left}, and {@code right} was created in the same
   * store with the same replicas; the host starts hosting it (its Paxos group) at slot 0.
   */
  record SplitApplied(long slot, RangeDescriptor left, RangeDescriptor right) implements ApplyOutcome {}

  /** The slot was applied before (a replay after restart, or a duplicate delivery): nothing done. */
  record AlreadyApplied(long slot) implements ApplyOutcome {}

  /** The command was applied as a no-op (the slot advanced, nothing else changed). */
  record Rejected(long slot, RejectReason reason, String detail) implements ApplyOutcome {}
}
