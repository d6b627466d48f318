package dev.meridian.txn.wire;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import java.util.Objects;

/**
 * A leaseholder's answer to a {@code CoordinatorRequest} on the wire: the coordinator's own {@link
 * ParticipantReply}, plus, for a {@link ParticipantReply.Redirect} with reason {@code
 * NOT_LEASEHOLDER}, the node this replica believes holds the lease (null when it does not know), so
 * the gateway can go there without asking the directory.
 *
 * <p>How the leaseholder core's refusals map onto {@link ParticipantReply} ({@link RangeServer}
 * does it): a conflict is {@link ParticipantReply.Conflict}; not leaseholder, and "retry shortly"
 * (lease about to end, the core's bounds, the clock), are {@code Redirect(NOT_LEASEHOLDER)} — nothing
 * was proposed, and the coordinator's answer to a redirect is to look again and resend; keys outside
 * the span or a stale generation are {@code Redirect(STALE_GENERATION)}; a range not hosted is
 * {@code Redirect(RANGE_NOT_FOUND)}; a read timestamp below the GC horizon, or a request that can
 * never succeed, is {@code Conflict} with no key (certainly not applied, restart the transaction);
 * a proposal whose fate is unknown is {@link ParticipantReply.OutcomeUnknown}, never a redirect.
 */
public record ParticipantAnswer(ParticipantReply reply, NodeId leaseholderHint) {

  public ParticipantAnswer {
    Objects.requireNonNull(reply, "reply");
  }

  public static ParticipantAnswer of(ParticipantReply reply) {
    return new ParticipantAnswer(reply, null);
  }
}
