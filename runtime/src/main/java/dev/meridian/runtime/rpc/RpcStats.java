package dev.meridian.runtime.rpc;

/**
 * A snapshot of one {@link Rpc} endpoint's counters (totals since start) and gauges (now).
 *
 * @param callsStarted calls accepted by {@link Rpc#call}
 * @param callsSucceeded calls that ended with a response
 * @param callsFailed calls that ended with an {@link RpcError} (the pending-limit rejections included)
 * @param callsCancelled calls the caller cancelled
 * @param attemptsTimedOut attempts whose answer did not come within their timeout
 * @param retries attempts after the first
 * @param lateAnswers answers that matched no pending attempt: duplicates, or after a timeout or cancel
 * @param rejectedPendingLimit calls refused because {@link RpcLimits#maxPendingCalls} were pending
 * @param pendingCalls calls pending now
 * @param requestsHandled requests given to a handler
 * @param requestsExpired requests dropped unhandled because their budget had run out on arrival
 * @param duplicateRequests deliveries of a request id already seen, dropped
 * @param rejectedOverload requests rejected because {@link RpcLimits#maxHandling} were in handling
 * @param rejectedNoHandler requests and messages of a type nobody registered
 * @param answersDropped answers a handler gave after the request's deadline, not sent
 * @param handlerFailures handlers that threw or failed their request
 * @param misaddressed envelopes for another node, dropped
 * @param forgottenEarly remembered request ids evicted before their window ended
 * @param handling requests in handling now
 */
public record RpcStats(
    long callsStarted,
    long callsSucceeded,
    long callsFailed,
    long callsCancelled,
    long attemptsTimedOut,
    long retries,
    long lateAnswers,
    long rejectedPendingLimit,
    int pendingCalls,
    long requestsHandled,
    long requestsExpired,
    long duplicateRequests,
    long rejectedOverload,
    long rejectedNoHandler,
    long answersDropped,
    long handlerFailures,
    long misaddressed,
    long forgottenEarly,
    int handling) {}
