package dev.meridian.txn.gateway;

import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.directory.RoutingError;
import dev.meridian.txn.leaseholder.Refusal;

/**
 * The mappings between the leaseholder core's vocabulary and the coordinator's, in one place so the
 * range host and the gateway agree on them. The rule they keep is DESIGN §11's: only what certainly
 * did not take effect becomes a {@link ParticipantReply.Conflict} or {@link
 * ParticipantReply.Redirect} (40001 at the client); everything else that is not an answer is {@link
 * ParticipantReply.OutcomeUnknown} (40003).
 */
public final class GatewayReplies {

  private GatewayReplies() {}

  /**
   * The coordinator's reading of a leaseholder's refusal of {@code request}. Routing refusals are
   * redirects (the coordinator refreshes and resends). The refusals that say "not now" (lease
   * ending, overload, storage trouble, a read timestamp below the GC horizon) depend on the request:
   * for a one-range commit or a prepare they are conflicts, since nothing was proposed and running
   * the whole transaction again later is the right answer, not a tight resend loop; for a decision,
   * a resolve or a decision query, which are idempotent and must not end the commit, they are
   * {@link ParticipantReply.OutcomeUnknown}, the coordinator's "ask again" for those.
   */
  public static ParticipantReply participantReply(CoordinatorRequest request, Refusal refusal) {
    return switch (refusal.kind()) {
      case NOT_LEASEHOLDER -> new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER);
      case WRONG_RANGE -> new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION);
      case OUTCOME_UNKNOWN -> new ParticipantReply.OutcomeUnknown(refusal.message());
      case CONFLICT, RETRY_LATER, TOO_OLD, INVALID -> switch (request) {
        case CoordinatorRequest.CommitOnePhase c -> conflict(refusal);
        case CoordinatorRequest.Prepare p -> conflict(refusal);
        case CoordinatorRequest.RecordDecision d -> askAgain(refusal);
        case CoordinatorRequest.Resolve r -> askAgain(refusal);
        case CoordinatorRequest.QueryDecision q -> askAgain(refusal);
      };
    };
  }

  private static ParticipantReply conflict(Refusal refusal) {
    return new ParticipantReply.Conflict(refusal.key(),
        refusal.kind() == Refusal.Kind.CONFLICT && refusal.reason() != null ? refusal.reason() : refusal.message());
  }

  private static ParticipantReply askAgain(Refusal refusal) {
    return new ParticipantReply.OutcomeUnknown("refused for now (" + refusal.kind() + "): " + refusal.message()
        + "; asking again is safe");
  }

  /** The redirect a routing error stands for. */
  public static ParticipantReply.Redirect redirect(RoutingError error) {
    return new ParticipantReply.Redirect(switch (error) {
      case RoutingError.NotLeaseholder n -> ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER;
      case RoutingError.RangeNotFound n -> ParticipantReply.Redirect.Reason.RANGE_NOT_FOUND;
      case RoutingError.StaleGeneration s -> ParticipantReply.Redirect.Reason.STALE_GENERATION;
    });
  }
}
