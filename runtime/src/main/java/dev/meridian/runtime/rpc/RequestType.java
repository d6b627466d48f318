package dev.meridian.runtime.rpc;

import java.util.Objects;

/**
 * One kind of request: its number on the wire ({@link Envelope#type}), its codecs, and whether the
 * RPC layer may send it again. A request is {@code idempotent} when running it twice has the effect
 * of running it once (a read, a status query, a commit keyed by transaction id that the state
 * machine applies once); only those get a {@link RetryPolicy} that retries.
 *
 * @param id the envelope type; unique among the request and message types a node handles
 * @param name for errors and logs
 */
public record RequestType<Q, R>(
    int id, String name, Codec<Q> requests, Codec<R> responses, boolean idempotent, RetryPolicy retry) {

  public RequestType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(responses, "responses");
    Objects.requireNonNull(retry, "retry");
    if (retry.retries() && !idempotent) {
      throw new IllegalArgumentException("request type " + name + " is not idempotent and may not be"
          + " retried: a timed-out attempt may have run");
    }
  }

  /** A request that runs at most once per call: never retried by the RPC layer. */
  public static <Q, R> RequestType<Q, R> once(int id, String name, Codec<Q> requests, Codec<R> responses) {
    return new RequestType<>(id, name, requests, responses, false, RetryPolicy.NONE);
  }

  /** A request whose repetition is harmless, retried as {@code retry} says. */
  public static <Q, R> RequestType<Q, R> idempotent(int id, String name, Codec<Q> requests,
      Codec<R> responses, RetryPolicy retry) {
    return new RequestType<>(id, name, requests, responses, true, retry);
  }

  @Override
  public String toString() {
    return name + "#" + id;
  }
}
