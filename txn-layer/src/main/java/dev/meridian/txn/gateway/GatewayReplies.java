package dev.meridian.txn.gateway;

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
   * The coordinator's reading of a leaseholder refusal. Routing refusals are redirects (the
   * coordinator refreshes and resends); the refusals that say "not now" (lease ending, overload,
   * storage trouble, a read timestamp below the GC horizon) become conflicts: nothing was proposed
   * and running the whole transaction again later is the right answer, not a tight resend loop.
   */
  public static ParticipantReply participantReply(Refusal refusal) {
    return switch (refusal.kind()) {
      case NOT_LEASEHOLDER -> new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.NOT_LEASEHOLDER);
      case WRONG_RANGE -> new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.STALE_GENERATION);
      case CONFLICT -> new ParticipantReply.Conflict(refusal.key(),
          refusal.reason() != null ? refusal.reason() : refusal.message());
      case RETRY_LATER, TOO_OLD, INVALID -> new ParticipantReply.Conflict(null, refusal.message());
      case OUTCOME_UNKNOWN -> new ParticipantReply.OutcomeUnknown(refusal.message());
    };
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
