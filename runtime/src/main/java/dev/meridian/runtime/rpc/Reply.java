package dev.meridian.runtime.rpc;

/** How a call ended: with the server's response, or with an error. */
public sealed interface Reply<R> {

  record Ok<R>(R value) implements Reply<R> {}

  record Failed<R>(RpcError error) implements Reply<R> {}
}
