/**
 * Request/response between nodes over one-way messages (DESIGN.md §11), free of I/O: {@link
 * dev.meridian.runtime.rpc.Envelope} is the one message envelope of every module, {@link
 * dev.meridian.runtime.rpc.Rpc} one node's endpoint over a {@link dev.meridian.runtime.MessageSink}
 * of envelopes, a {@link dev.meridian.runtime.Scheduler} and a {@link
 * dev.meridian.runtime.RandomSource}. Protocols bring their payloads' encoding ({@link
 * dev.meridian.runtime.rpc.Codec}) and declare their request types ({@link
 * dev.meridian.runtime.rpc.RequestType}); transports ({@code server}'s gRPC streams, the simulator's
 * network) carry envelopes and call {@link dev.meridian.runtime.rpc.Rpc#receive}. Start reading at
 * {@link dev.meridian.runtime.rpc.Rpc}.
 */
package dev.meridian.runtime.rpc;
