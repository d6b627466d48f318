package dev.meridian.server.time;

import dev.meridian.truetime.TimeMasterReading;
import java.nio.ByteBuffer;

/**
 * Time requests and answers on the node transport's request/response channel. Layout, big-endian:
 *
 * <pre>
 *   request   'T' (1 byte) | version 1 (1 byte)
 *   response  wall clock µs since the epoch (8 bytes) | declared uncertainty µs (8 bytes)
 * </pre>
 *
 * A node that is not a master (or whose time source cannot vouch for its clock) fails the request;
 * the poller counts it as unanswered.
 */
public final class TimeWire {

  static final byte KIND = 'T';
  static final byte VERSION = 1;
  static final int RESPONSE_BYTES = 2 * Long.BYTES;

  private TimeWire() {}

  public static byte[] request() {
    return new byte[] {KIND, VERSION};
  }

  /** Whether {@code payload} is a time request (the transport's requests may carry other kinds later). */
  public static boolean isTimeRequest(byte[] payload) {
    return payload.length >= 1 && payload[0] == KIND;
  }

  public static void checkRequest(byte[] payload) {
    if (payload.length != 2 || payload[0] != KIND || payload[1] != VERSION) {
      throw new IllegalArgumentException("not a version-" + VERSION + " time request (" + payload.length + " bytes)");
    }
  }

  public static byte[] response(TimeMasterReading reading) {
    return ByteBuffer.allocate(RESPONSE_BYTES).putLong(reading.wallMicros()).putLong(reading.uncertaintyMicros()).array();
  }

  public static TimeMasterReading decodeResponse(byte[] body) {
    if (body.length != RESPONSE_BYTES) {
      throw new IllegalArgumentException("a time response has " + RESPONSE_BYTES + " bytes, not " + body.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(body);
    long wall = buffer.getLong();
    long uncertainty = buffer.getLong();
    if (uncertainty < 0) {
      throw new IllegalArgumentException("a master declared a negative uncertainty: " + uncertainty);
    }
    return new TimeMasterReading(wall, uncertainty);
  }
}
