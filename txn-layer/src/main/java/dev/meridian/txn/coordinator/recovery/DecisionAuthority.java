package dev.meridian.txn.coordinator.recovery;

import dev.meridian.runtime.Invariants;
import dev.meridian.storage.TxnId;
import dev.meridian.truetime.TTInterval;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The coordinator range's side of decisions: what its leaseholder core does with a {@code
 * RecordDecision} from a coordinator and a {@code QueryDecision} from a stuck participant. I/O-free
 * and stateless beyond the records it reads: the leaseholder calls it with the request, and either
 * answers at once or proposes the returned command and, once that applied, answers with {@link
 * #afterApplied}.
 *
 * <p><b>Why one transaction can never be both committed and aborted.</b> Every participant resolves
 * from the record in this range: the coordinator resolves only with the outcome it read back from
 * here ({@code Recorded}), or aborts without a record only when it never proposed a commit; recovery
 * resolves only with what {@link #onQuery} read back. The record has one slot per transaction and
 * is written only by applying {@code RecordDecision}, in the range's Paxos log, where every replica
 * applies commands in the same order and the first record of a transaction wins: a commit proposed
 * by the coordinator and an abort proposed here for an expired transaction may both be in the log,
 * but only the first to apply is recorded, and both proposers are answered with it ({@link
 * #afterApplied} reads the record, not the command). Clocks only decide when an abort is proposed,
 * never whether two outcomes can coexist, so a wrong deadline costs a needless abort, never
 * atomicity. A coordinator that is not yet past its deadline and finds {@code ABORTED} answers
 * 40001: the abort is recorded, so nothing will ever apply.
 */
public final class DecisionAuthority {

  /** What the leaseholder does with a request. */
  public sealed interface Step {}

  /** Answer now. */
  public record Answer(ParticipantReply reply) implements Step {
    public Answer {
      Objects.requireNonNull(reply, "reply");
    }
  }

  /** Propose {@code command} in this range; when it applied, answer with {@link #afterApplied}. */
  public record Propose(RangeCommand.RecordDecision command) implements Step {
    public Propose {
      Objects.requireNonNull(command, "command");
    }
  }

  private final RangeId range;
  private final DecisionRecords records;
  private long abortsProposed;

  public DecisionAuthority(RangeId range, DecisionRecords records) {
    this.range = range;
    this.records = records;
  }

  /** A coordinator asks to record its decision: answer from the record if there is one, else propose it. */
  public Step onRecordDecision(CoordinatorRequest.RecordDecision request) {
    requireOurs(request.range());
    Optional<DecisionRecords.Decision> recorded = records.decision(request.txn());
    if (recorded.isPresent()) {
      return new Answer(reply(recorded.get()));
    }
    return new Propose(new RangeCommand.RecordDecision(
        range, request.txn(), request.outcome(), request.commitTs(), request.participants()));
  }

  /**
   * A participant stuck prepared asks for the decision: the record if there is one; with none, an
   * abort proposal once {@code expiresAt} has definitely passed on this clock, else {@code Undecided}.
   */
  public Step onQuery(CoordinatorRequest.QueryDecision query, TTInterval now) {
    requireOurs(query.range());
    Optional<DecisionRecords.Decision> recorded = records.decision(query.txn());
    if (recorded.isPresent()) {
      return new Answer(reply(recorded.get()));
    }
    if (now.earliestMicros() <= query.expiresAt().micros()) {
      return new Answer(new ParticipantReply.Undecided(query.expiresAt()));
    }
    abortsProposed++;
    return new Propose(new RangeCommand.RecordDecision(range, query.txn(), TxnOutcome.ABORTED, null, List.of()));
  }

  /** The answer to a request whose proposal applied: whatever is recorded, which may be another's. */
  public ParticipantReply afterApplied(TxnId txn) {
    Optional<DecisionRecords.Decision> recorded = records.decision(txn);
    Invariants.require(recorded.isPresent(), "a decision of %s was applied in %s but no record is there", txn, range);
    return reply(recorded.get());
  }

  /** Aborts proposed for expired transactions (metric {@code meridian_txn_recovery_aborts_proposed_total}). */
  public long abortsProposed() {
    return abortsProposed;
  }

  private static ParticipantReply reply(DecisionRecords.Decision decision) {
    return new ParticipantReply.Recorded(decision.outcome(), decision.commitTs());
  }

  private void requireOurs(RangeId asked) {
    Invariants.require(asked.equals(range), "a decision request for %s reached the authority of %s", asked, range);
  }
}
