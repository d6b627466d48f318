package dev.meridian.server.transport;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;

/**
 * One message inside a transport frame: a one-way payload, a request, or the answer to one. A frame
 * ({@code Frame.envelopes} in {@code transport.proto}) carries envelopes in send order. Layout, all
 * integers big-endian:
 *
 * <pre>
 *   kind (1 byte) | rest
 *   0 MESSAGE   payload
 *   1 REQUEST   request id (8 bytes) | payload
 *   2 RESPONSE  request id (8 bytes) | payload
 *   3 ERROR     request id (8 bytes) | UTF-8 text saying why the handler failed
 * </pre>
 *
 * Request ids are chosen by the requesting node, unique among its requests; a response names the id
 * of the request it answers, so ids only have to be unique per requester.
 */
final class Envelope {

  static final byte MESSAGE = 0;
  static final byte REQUEST = 1;
  static final byte RESPONSE = 2;
  static final byte ERROR = 3;

  static final int MAX_HEADER_BYTES = 1 + Long.BYTES;

  /** Error texts are cut here: they are for people, and must not make a response unbounded. */
  static final int MAX_ERROR_CHARS = 1000;

  /** A decoded envelope; {@code requestId} is 0 for {@link #MESSAGE}. */
  record Decoded(byte kind, long requestId, byte[] body) {}

  /** A peer sent bytes that are not an envelope. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  private Envelope() {}

  static byte[] message(byte[] payload) {
    byte[] out = new byte[1 + payload.length];
    out[0] = MESSAGE;
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }

  static byte[] request(long requestId, byte[] payload) {
    return withId(REQUEST, requestId, payload);
  }

  static byte[] response(long requestId, byte[] payload) {
    return withId(RESPONSE, requestId, payload);
  }

  static byte[] error(long requestId, String text) {
    String cut = text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) : text;
    return withId(ERROR, requestId, cut.getBytes(StandardCharsets.UTF_8));
  }

  static Decoded decode(ByteString raw) throws MalformedException {
    if (raw.isEmpty()) {
      throw new MalformedException("empty envelope");
    }
    byte kind = raw.byteAt(0);
    if (kind == MESSAGE) {
      return new Decoded(kind, 0, raw.substring(1).toByteArray());
    }
    if (kind != REQUEST && kind != RESPONSE && kind != ERROR) {
      throw new MalformedException("unknown envelope kind " + kind);
    }
    if (raw.size() < MAX_HEADER_BYTES) {
      throw new MalformedException("envelope of kind " + kind + " too short for a request id: "
          + raw.size() + " bytes");
    }
    long id = 0;
    for (int i = 1; i < MAX_HEADER_BYTES; i++) {
      id = (id << 8) | (raw.byteAt(i) & 0xFF);
    }
    return new Decoded(kind, id, raw.substring(MAX_HEADER_BYTES).toByteArray());
  }

  static String errorText(Decoded error) {
    return new String(error.body(), StandardCharsets.UTF_8);
  }

  private static byte[] withId(byte kind, long requestId, byte[] payload) {
    byte[] out = new byte[MAX_HEADER_BYTES + payload.length];
    out[0] = kind;
    for (int i = 0; i < Long.BYTES; i++) {
      out[1 + i] = (byte) (requestId >>> (56 - 8 * i));
    }
    System.arraycopy(payload, 0, out, MAX_HEADER_BYTES, payload.length);
    return out;
  }
}
