package dev.meridian.txn.coordinator.message;

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
 * What a coordinator (or a recovering participant) asks of a range's leaseholder. One record per
 * message; {@link ParticipantReply} holds the answers. These are requests, not log commands: the
 * leaseholder validates them and turns them into {@code RangeCommand}s of its own range.
 *
 * <p>Every request names the range it is for. Those that carry a {@code generation} are refused with
 * {@link ParticipantReply.Redirect} when the range's descriptor has moved past it (a split): the
 * keys they carry were grouped against an older span and must be regrouped by the sender.
 */
public sealed interface CoordinatorRequest {

  RangeId range();

  TxnId txn();

  /**
   * The one-range fast path: validate the read set at {@code readTs}, choose a commit timestamp,
   * replicate one {@code Commit}, commit-wait, answer {@link ParticipantReply.Committed}. Not
   * idempotent: a second attempt would validate against the first one's writes, which is why the
   * coordinator never retries it after sending (a lost answer is an unknown outcome). For the same
   * reason the request/response layer must deliver it at most once (no retransmission): a copy
   * refused with a conflict and a later copy that commits would make the coordinator's 40001 a lie,
   * and a refusal is not replicated, so a new leaseholder could not recognise the copy.
   */
  record CommitOnePhase(
      RangeId range,
      long generation,
      TxnId txn,
      Timestamp readTs,
      List<Key> readKeys,
      List<KeySpan> readSpans,
      List<Write> writes) implements CoordinatorRequest {
    public CommitOnePhase {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(readTs, "readTs");
      readKeys = List.copyOf(readKeys);
      readSpans = List.copyOf(readSpans);
      writes = List.copyOf(writes);
    }
  }

  /**
   * Phase one at one participant: validate the part of the read set in this range at {@code readTs},
   * install read and write intents, choose a prepare timestamp, replicate a {@code Prepare} and
   * answer {@link ParticipantReply.Prepared}. Idempotent by {@code txn}: a participant that already
   * prepared the transaction answers with the prepare timestamp it chose then, so the coordinator
   * may resend it after a timeout or a lost leader.
   */
  record Prepare(
      RangeId range,
      long generation,
      TxnId txn,
      Timestamp readTs,
      List<Key> readKeys,
      List<KeySpan> readSpans,
      List<Write> writes,
      RangeId coordinatorRange) implements CoordinatorRequest {
    public Prepare {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(readTs, "readTs");
      readKeys = List.copyOf(readKeys);
      readSpans = List.copyOf(readSpans);
      writes = List.copyOf(writes);
      Objects.requireNonNull(coordinatorRange, "coordinatorRange");
    }
  }

  /**
   * Record the decision in the coordinator range. Write once: the answer ({@link
   * ParticipantReply.Recorded}) is the decision that is recorded, which may not be the one asked
   * for. Carries no generation on purpose: the record belongs to the range id every participant was
   * told, whatever span that range owns by now.
   */
  record RecordDecision(
      RangeId range, TxnId txn, TxnOutcome outcome, Timestamp commitTs, List<RangeId> participants)
      implements CoordinatorRequest {
    public RecordDecision {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == TxnOutcome.COMMITTED) != (commitTs != null)) {
        throw new IllegalArgumentException("a commit needs a timestamp and an abort none: " + outcome + " " + commitTs);
      }
      participants = List.copyOf(participants);
    }
  }

  /** Phase two at one participant: apply or drop the intents; answered {@link ParticipantReply.Resolved}. */
  record Resolve(RangeId range, TxnId txn, TxnOutcome outcome, Timestamp commitTs)
      implements CoordinatorRequest {
    public Resolve {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == TxnOutcome.COMMITTED) != (commitTs != null)) {
        throw new IllegalArgumentException("a commit needs a timestamp and an abort none: " + outcome + " " + commitTs);
      }
    }
  }

  /**
   * A participant whose intents stayed prepared too long asks the coordinator range for the
   * decision. {@code expiresAt} is the latest time the coordinator could still be deciding (see
   * {@code CoordinatorLimits#maxTxnDurationMicros}); past it, with no record, the coordinator range
   * records an abort. Answered {@link ParticipantReply.Recorded} or {@link ParticipantReply.Undecided}.
   */
  record QueryDecision(RangeId range, TxnId txn, Timestamp expiresAt) implements CoordinatorRequest {
    public QueryDecision {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }
}
