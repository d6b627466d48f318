package dev.meridian.runtime.rpc;

/**
 * The bounds of one node's {@link Rpc} endpoint; each has an error and a counter in {@link RpcStats}.
 *
 * @param maxPendingCalls calls this node has started and not yet seen end (waiting for an answer or
 *     for a retry's backoff); one more fails at once with {@link RpcError.Kind#PENDING_LIMIT} and is
 *     counted in {@code rejectedPendingLimit}. Bounds the pending map and its timers.
 * @param maxHandling requests this node is handling and has not answered; one more is rejected (it
 *     certainly did not run) and counted in {@code rejectedOverload}. Bounds the work peers can pile
 *     on a slow handler.
 * @param maxRemembered request ids remembered to drop duplicate deliveries; past it the oldest are
 *     forgotten early, counted in {@code forgottenEarly} (a duplicate of a forgotten request would run
 *     again — only idempotent requests should rely on the network for that).
 * @param duplicateWindowNanos how long after its deadline a request id is still remembered: a
 *     duplicate can arrive later than the original by the network's reordering delay
 */
public record RpcLimits(int maxPendingCalls, int maxHandling, int maxRemembered, long duplicateWindowNanos) {

  public RpcLimits {
    if (maxPendingCalls < 1 || maxHandling < 1 || maxRemembered < 1 || duplicateWindowNanos < 0) {
      throw new IllegalArgumentException("RPC limits must be positive: " + maxPendingCalls + ", "
          + maxHandling + ", " + maxRemembered + ", " + duplicateWindowNanos);
    }
  }

  /**
   * 100,000 pending calls (a node's whole in-flight transaction traffic, with room); 10,000 requests
   * in handling; 200,000 remembered ids (two seconds of a busy node's requests) for 10 s past their
   * deadline (longer than any reordering the simulator or a TCP stream produces).
   */
  public static RpcLimits defaults() {
    return new RpcLimits(100_000, 10_000, 200_000, 10_000_000_000L);
  }
}
