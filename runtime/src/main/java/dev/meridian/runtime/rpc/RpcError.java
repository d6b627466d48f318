package dev.meridian.runtime.rpc;

import java.util.Objects;

/**
 * Why a call ended without a response, and — what the caller must act on — whether the request
 * {@linkplain #certainlyNotRun certainly did not run}. A request that certainly did not run may be
 * sent again as a new request (the transaction layer reports it as retryable, SQLSTATE 40001); one
 * that may have run must not be blindly repeated unless it is idempotent (the transaction layer
 * reports a commit in that state as 40003, statement completion unknown).
 *
 * <p>{@code certainlyNotRun} is a property of the whole call, not of its last attempt: if an earlier
 * attempt timed out, a later rejection does not make the outcome certain.
 */
public record RpcError(Kind kind, boolean certainlyNotRun, String detail) {

  public enum Kind {
    /** No response within the deadline: the request or its answer may be lost, or still running. */
    TIMEOUT,
    /** The server refused the request before running it: no handler, expired, overloaded, malformed. */
    REJECTED,
    /** The server's handler failed; it may have done some or all of its work. */
    FAILED,
    /** This node already has its limit of calls pending; nothing was sent. */
    PENDING_LIMIT,
    /** The server answered with bytes the response codec cannot read. */
    MALFORMED_RESPONSE,
    /** This node's RPC endpoint closed while the call was pending. */
    CLOSED
  }

  public RpcError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  /** The error as an exception, for callers that complete futures. */
  public RpcException toException() {
    return new RpcException(this);
  }

  @Override
  public String toString() {
    return kind + (certainlyNotRun ? " (not run)" : " (may have run)") + ": " + detail;
  }
}
