package dev.meridian.runtime.rpc;

import dev.meridian.runtime.NodeId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The one envelope every message between nodes travels in (DESIGN.md §2, §11): a one-way message, a
 * request, or the answer to a request. Transports carry envelopes and nothing else — the gRPC stream
 * of {@code server} as bytes ({@link #encode}/{@link #decode}), the simulator's network as objects —
 * and know nothing of what the payload means: its {@code type} says which protocol message or request
 * it is, and the protocol that owns the type owns the payload's encoding.
 *
 * <p>Byte layout, integers big-endian, 29 header bytes:
 *
 * <pre>
 *   kind (1) | from node id (4) | to node id (4) | type (4) | request id (8) | budget nanos (8) | payload
 *
 *   kind 0 MESSAGE   one-way; request id 0, budget 0
 *   kind 1 REQUEST   request id chosen by {@code from}; budget = how long {@code from} still waits
 *   kind 2 RESPONSE  the answer to request id of {@code to}; budget 0
 *   kind 3 REJECTED  the request certainly did not run (no handler, expired, overloaded, malformed);
 *                    payload is UTF-8 text saying why; budget 0
 *   kind 4 FAILED    the handler failed: the request may have run, partly or wholly; payload is
 *                    UTF-8 text saying how; budget 0
 * </pre>
 *
 * <p>Why a budget and not an absolute deadline: nodes share no monotonic clock, so the requester
 * sends the time it still waits and the server counts it from the request's arrival on its own
 * clock. Transit time is not subtracted, so the server's deadline is a little later than the
 * requester's: it may do work nobody waits for, never drop work somebody does.
 *
 * <p>Invariants (checked by the constructor, so a decoded envelope satisfies them too): one-way
 * messages have request id 0 and budget 0; only requests carry a budget, and it is not negative;
 * the payload is never null. {@code equals} compares the payload by identity, as records do with
 * arrays.
 */
public record Envelope(
    NodeId from, NodeId to, Kind kind, int type, long requestId, long budgetNanos, byte[] payload) {

  /** What an envelope carries; the byte is its first byte on the wire. */
  public enum Kind {
    MESSAGE(0),
    REQUEST(1),
    RESPONSE(2),
    REJECTED(3),
    FAILED(4);

    final byte code;

    Kind(int code) {
      this.code = (byte) code;
    }

    /** Whether this kind answers a request. */
    public boolean isAnswer() {
      return this == RESPONSE || this == REJECTED || this == FAILED;
    }

    static Kind of(byte code) {
      for (Kind kind : values()) {
        if (kind.code == code) {
          return kind;
        }
      }
      return null;
    }
  }

  public static final int HEADER_BYTES = 1 + 4 + 4 + 4 + 8 + 8;

  /** Error texts are cut here: they are for people, and must not make an answer unbounded. */
  public static final int MAX_ERROR_CHARS = 1000;

  /** Bytes that are not an envelope (a peer's bug, or not a Meridian peer at all). */
  public static final class MalformedException extends Exception {
    public MalformedException(String message) {
      super(message);
    }
  }

  public Envelope {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    if (kind == Kind.MESSAGE && requestId != 0) {
      throw new IllegalArgumentException("a one-way message has no request id, got " + requestId);
    }
    if (kind != Kind.REQUEST && budgetNanos != 0) {
      throw new IllegalArgumentException("only a request carries a budget, " + kind + " has " + budgetNanos);
    }
    if (budgetNanos < 0) {
      throw new IllegalArgumentException("negative budget " + budgetNanos);
    }
  }

  public static Envelope message(NodeId from, NodeId to, int type, byte[] payload) {
    return new Envelope(from, to, Kind.MESSAGE, type, 0, 0, payload);
  }

  public static Envelope request(NodeId from, NodeId to, int type, long requestId, long budgetNanos,
      byte[] payload) {
    return new Envelope(from, to, Kind.REQUEST, type, requestId, budgetNanos, payload);
  }

  /** The answer to {@code request}, from its addressee back to its sender. */
  public static Envelope answer(Envelope request, Kind kind, byte[] payload) {
    if (request.kind != Kind.REQUEST || !kind.isAnswer()) {
      throw new IllegalArgumentException(kind + " does not answer a " + request.kind);
    }
    return new Envelope(request.to, request.from, kind, request.type, request.requestId, 0, payload);
  }

  /** A {@link Kind#REJECTED} or {@link Kind#FAILED} answer saying {@code why}, cut to its bound. */
  public static Envelope error(Envelope request, Kind kind, String why) {
    String cut = why.length() > MAX_ERROR_CHARS ? why.substring(0, MAX_ERROR_CHARS) : why;
    return answer(request, kind, cut.getBytes(StandardCharsets.UTF_8));
  }

  /** The payload of an error answer as text. */
  public String errorText() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** Size on the wire. */
  public int encodedSize() {
    return HEADER_BYTES + payload.length;
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(encodedSize());
    out.put(kind.code).putInt(from.value()).putInt(to.value()).putInt(type).putLong(requestId)
        .putLong(budgetNanos).put(payload);
    return out.array();
  }

  public static Envelope decode(byte[] bytes) throws MalformedException {
    return decode(ByteBuffer.wrap(bytes));
  }

  /** Decodes the remaining bytes of {@code in} (consuming them). */
  public static Envelope decode(ByteBuffer in) throws MalformedException {
    if (in.remaining() < HEADER_BYTES) {
      throw new MalformedException("envelope of " + in.remaining() + " bytes is shorter than its "
          + HEADER_BYTES + "-byte header");
    }
    try {
      byte code = in.get();
      Kind kind = Kind.of(code);
      if (kind == null) {
        throw new MalformedException("unknown envelope kind " + code);
      }
      NodeId from = new NodeId(in.getInt());
      NodeId to = new NodeId(in.getInt());
      int type = in.getInt();
      long requestId = in.getLong();
      long budget = in.getLong();
      byte[] payload = new byte[in.remaining()];
      in.get(payload);
      return new Envelope(from, to, kind, type, requestId, budget, payload);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw new MalformedException("bad envelope: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return kind + "(" + from + "->" + to + " type=" + type
        + (kind == Kind.MESSAGE ? "" : " id=" + Long.toUnsignedString(requestId, 16))
        + (kind == Kind.REQUEST ? " budget=" + budgetNanos + "ns" : "")
        + " " + payload.length + "B)";
  }
}
