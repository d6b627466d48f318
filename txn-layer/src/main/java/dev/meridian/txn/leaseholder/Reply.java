package dev.meridian.txn.leaseholder;

import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.range.command.RangeCommand;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The final answer to one request; each request gets exactly one. */
public sealed interface Reply {

  RequestId request();

  /** A snapshot read's result: for a point read zero or one version, for a scan the live versions. */
  record ReadResult(RequestId request, List<Version> versions) implements Reply {
    public ReadResult {
      versions = List.copyOf(versions);
    }
  }

  /**
   * A one-range commit: applied at {@code commitTs}, and {@code TT.after(commitTs)} held when this
   * reply was produced (commit wait). A commit without writes "commits" at its read timestamp after
   * validation, without a proposal.
   */
  record Committed(RequestId request, TxnId txn, Timestamp commitTs) implements Reply {}

  /** A participant's prepare: applied, intents installed, at {@code prepareTs}. */
  record Prepared(RequestId request, TxnId txn, Timestamp prepareTs) implements Reply {}

  /** A resolve applied (or found nothing to resolve). */
  record Resolved(RequestId request, TxnId txn) implements Reply {}

  /**
   * The transaction record as the coordinator range holds it: the decision that won (the first one
   * recorded), or empty when none is recorded and none was asked for.
   */
  record TxnStatus(RequestId request, TxnId txn, Optional<RangeCommand.RecordDecision> decision)
      implements Reply {
    public TxnStatus {
      Objects.requireNonNull(decision, "decision");
    }
  }

  /**
   * The answer to a follower's strong read ({@link LeaseholderCore#readIndex}): the watermark covers
   * {@code readTs}, and every write at or below it to the span read is applied at or below {@code
   * appliedSlot}. The follower serves the read at {@code readTs} once it has applied that slot.
   */
  record ReadIndex(RequestId request, Timestamp readTs, LogSlot appliedSlot) implements Reply {}

  /**
   * A split this core proposed ({@link LeaseholderCore#split}) is applied: the range now ends at
   * {@code split.splitKey()}, and {@code split.newRange()} holds the rest with the same replicas.
   */
  record SplitDone(RequestId request, RangeCommand.Split split) implements Reply {}

  /** The request was refused; see {@link Refusal} for whether it may have taken effect. */
  record Refused(RequestId request, Refusal refusal) implements Reply {}
}
