package dev.meridian.runtime.rpc;

import dev.meridian.runtime.NodeId;

/**
 * The serving side of one request: who sent it, until when the sender waits, and the one way to
 * answer it. Exactly one of {@link #ok}, {@link #reject} or {@link #fail} must be called, once, on
 * the endpoint's scheduler (a handler that finishes elsewhere posts its answer back to the loop);
 * answering twice is a bug and fails an invariant.
 */
public interface Responder<R> {

  NodeId from();

  /** The sender stops waiting at this time of the endpoint's scheduler ({@code nowNanos}). */
  long deadlineNanos();

  /** Whether the sender has stopped waiting: work not yet begun for this request can be skipped. */
  boolean isExpired();

  void ok(R response);

  /** The request certainly did not run and never will (the caller may send it again). */
  void reject(String why);

  /** The request failed and may have run, partly or wholly. */
  void fail(String why);
}
