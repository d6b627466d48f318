package dev.meridian.txn.range.command;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.List;
import java.util.Objects;

/**
 * A command in a range's Paxos log (DESIGN §6, §11). Every replica applies the same commands in the
 * same order, so applying one must be deterministic (a function of the command and the replica's
 * applied state only: no clock, no randomness, no local configuration) and idempotent where a
 * command can be proposed twice (a transaction's commands are keyed by its {@link TxnId}).
 *
 * <p>Glossary:
 * <ul>
 *   <li><b>generation</b>: the range descriptor's generation the proposer saw. A split raises it; a
 *       command proposed under an older generation whose keys fall outside the range's current span
 *       is rejected at apply (deterministically, on every replica), never applied to the wrong half.
 *   <li><b>lease sequence</b>: the number of the lease under which the leaseholder proposed the
 *       command. Commands that carry one are rejected at apply unless it is the range's current lease,
 *       so a deposed leaseholder's proposals can never take effect under a successor whose timestamp
 *       floor did not account for them.
 *   <li><b>intent</b>: a prepared transaction's write (or read span) that no other transaction may
 *       prepare over, commit over or read through until a {@link Resolve} removes it.
 * </ul>
 *
 * <p>The binary encoding is versioned per command kind and owned by the range state machine's codec;
 * these records are the vocabulary the leaseholder core, the coordinator and the state machine share.
 */
public sealed interface RangeCommand {

  /** The range the command was proposed to; a replica of any other range refuses it. */
  RangeId range();

  /**
   * The one-range fast path: validation happened at the leaseholder, the commit timestamp is chosen
   * inside its lease; applying writes {@code writes} as versions at {@code commitTs}.
   */
  record Commit(
      RangeId range,
      long generation,
      long leaseSequence,
      TxnId txn,
      Timestamp commitTs,
      List<Write> writes) implements RangeCommand {
    public Commit {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(commitTs, "commitTs");
      writes = List.copyOf(writes);
    }
  }

  /**
   * Phase one of two-phase commit at one participant: the leaseholder validated the transaction's
   * reads here and chose {@code prepareTs}; applying installs write intents for {@code writes} and read
   * intents over {@code readSpans}, and remembers which range holds the transaction record so a
   * replica that finds the intents stuck knows whom to ask.
   */
  record Prepare(
      RangeId range,
      long generation,
      long leaseSequence,
      TxnId txn,
      Timestamp prepareTs,
      List<Write> writes,
      List<KeySpan> readSpans,
      RangeId coordinatorRange) implements RangeCommand {
    public Prepare {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(prepareTs, "prepareTs");
      writes = List.copyOf(writes);
      readSpans = List.copyOf(readSpans);
      Objects.requireNonNull(coordinatorRange, "coordinatorRange");
    }
  }

  /**
   * Phase two at one participant: the decision is known (it is in the transaction record). Committed:
   * the intents become versions at {@code commitTs}; aborted: they disappear ({@code commitTs} is
   * null). A decision is a fact, so resolving carries no lease sequence; resolving a transaction with
   * no intents here is a no-op (a retried or duplicated resolve).
   */
  record Resolve(RangeId range, TxnId txn, TxnOutcome outcome, Timestamp commitTs)
      implements RangeCommand {
    public Resolve {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == TxnOutcome.COMMITTED) != (commitTs != null)) {
        throw new IllegalArgumentException(
            "a committed resolve needs a commit timestamp and an aborted one none: " + outcome + " " + commitTs);
      }
    }
  }

  /**
   * The coordinator's decision, recorded in the coordinator range (one of the participants). Write
   * once: the first record of a transaction wins, so an abort recorded for an expired transaction by
   * a recovering participant and a late commit decision can never both take effect.
   */
  record RecordDecision(
      RangeId range,
      TxnId txn,
      TxnOutcome outcome,
      Timestamp commitTs,
      List<RangeId> participants) implements RangeCommand {
    public RecordDecision {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == TxnOutcome.COMMITTED) != (commitTs != null)) {
        throw new IllegalArgumentException(
            "a commit decision needs a commit timestamp and an abort none: " + outcome + " " + commitTs);
      }
      participants = List.copyOf(participants);
    }
  }

  /**
   * Splits the range at {@code splitKey}: this range keeps {@code [start, splitKey)} and its
   * generation rises by one; {@code newRange} takes {@code [splitKey, end)} with the same replicas.
   * Applied only at {@code generation} (the generation the split was planned against).
   *
   * <p>{@code leaseSequence} and {@code rightFloorTs} are the leaseholder's ({@code
   * LeaseholderCore#split}): the split takes effect only under the lease that proposed it, and the
   * new range's first lease starts strictly above {@code rightFloorTs}, which is at least every read
   * watermark, assigned timestamp and closed timestamp that lease reached over the split-off keys
   * (DESIGN §11, "Timestamps live inside leases": the new range is a new Paxos group whose first
   * leader has no earlier lease of its own group to wait out). A lease sequence of 0 binds to no
   * lease (version-1 log entries, and state-machine tests without a leaseholder); the range host
   * proposes only bound splits.
   */
  record Split(RangeId range, long generation, long leaseSequence, Key splitKey, RangeId newRange,
      Timestamp rightFloorTs) implements RangeCommand {
    public Split {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(splitKey, "splitKey");
      Objects.requireNonNull(newRange, "newRange");
      Objects.requireNonNull(rightFloorTs, "rightFloorTs");
      if (leaseSequence < 0) {
        throw new IllegalArgumentException("lease sequences are non-negative, got " + leaseSequence);
      }
    }

    /** A split bound to no lease, with no floor of its own: as planned, before a leaseholder takes it. */
    public Split(RangeId range, long generation, Key splitKey, RangeId newRange) {
      this(range, generation, 0, splitKey, newRange, Timestamp.ZERO);
    }

    /** This split as proposed by the leaseholder of lease {@code sequence}, with its floor. */
    public Split underLease(long sequence, Timestamp floor) {
      return new Split(range, generation, sequence, splitKey, newRange, floor);
    }
  }

  /**
   * A new lease begins: {@code holder} serves reads and assigns timestamps under {@code
   * leaseSequence} (one above the previous lease's), and only above {@code floorTs}, which is at least
   * the previous lease's end or the read watermark and last timestamp the previous holder handed over
   * (DESIGN §11, "Timestamps live inside leases"). Applying it makes every command of an older lease
   * sequence void.
   */
  record LeaseStart(RangeId range, long leaseSequence, NodeId holder, Timestamp floorTs)
      implements RangeCommand {
    public LeaseStart {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(holder, "holder");
      Objects.requireNonNull(floorTs, "floorTs");
      if (leaseSequence <= 0) {
        throw new IllegalArgumentException("lease sequences start at 1, got " + leaseSequence);
      }
    }
  }

  /**
   * The leaseholder promises that no command of this lease will commit at or below {@code closedTs}
   * (the closed timestamp that follower reads rely on, M7).
   */
  record CloseTimestamp(RangeId range, long leaseSequence, Timestamp closedTs)
      implements RangeCommand {
    public CloseTimestamp {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(closedTs, "closedTs");
    }
  }
}
