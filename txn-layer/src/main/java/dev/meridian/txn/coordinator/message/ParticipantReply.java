package dev.meridian.txn.coordinator.message;

import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.txn.types.TxnOutcome;
import java.util.Objects;

/**
 * What a leaseholder answers to a {@link CoordinatorRequest}. The distinction that matters most is
 * between answers that say the request certainly took no effect ({@link Conflict}, {@link Redirect})
 * and {@link OutcomeUnknown}, which says a proposal was made and may still be chosen: a leaseholder
 * must never answer {@link Redirect} for a request it already proposed.
 */
public sealed interface ParticipantReply {

  /** The participant prepared (now or earlier: prepare is idempotent) at {@code prepareTs}. */
  record Prepared(Timestamp prepareTs) implements ParticipantReply {
    public Prepared {
      Objects.requireNonNull(prepareTs, "prepareTs");
    }
  }

  /** The one-range fast path committed at {@code commitTs}. */
  record Committed(Timestamp commitTs) implements ParticipantReply {
    public Committed {
      Objects.requireNonNull(commitTs, "commitTs");
    }
  }

  /**
   * Validation failed or another transaction's intents are in the way; nothing was proposed. {@code
   * key} (may be null) is the key the conflict is about, {@code reason} what happened to it.
   */
  record Conflict(Key key, String reason) implements ParticipantReply {
    public Conflict {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The request reached the wrong place; nothing was proposed. Refresh the descriptor and resend. */
  record Redirect(Reason reason) implements ParticipantReply {
    public Redirect {
      Objects.requireNonNull(reason, "reason");
    }

    /** Why the request was refused. */
    public enum Reason {
      /** This replica does not hold the lease; the range's span is unchanged. */
      NOT_LEASEHOLDER,
      /** The request's generation is older than the range's (a split): regroup its keys. */
      STALE_GENERATION,
      /** The range is not hosted here (moved, or gone after a merge). */
      RANGE_NOT_FOUND
    }
  }

  /** A proposal was made but its fate is not known (leader lost mid-flight, proposal timed out). */
  record OutcomeUnknown(String why) implements ParticipantReply {
    public OutcomeUnknown {
      Objects.requireNonNull(why, "why");
    }
  }

  /** The decision recorded in the coordinator range (which may not be the one that was asked for). */
  record Recorded(TxnOutcome outcome, Timestamp commitTs) implements ParticipantReply {
    public Recorded {
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == TxnOutcome.COMMITTED) != (commitTs != null)) {
        throw new IllegalArgumentException("a commit needs a timestamp and an abort none: " + outcome + " " + commitTs);
      }
    }
  }

  /** No decision is recorded and the transaction may still be deciding; ask again after {@code expiresAt}. */
  record Undecided(Timestamp expiresAt) implements ParticipantReply {
    public Undecided {
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** The participant applied the resolve (or had nothing of the transaction: a repeat). */
  record Resolved() implements ParticipantReply {}
}
