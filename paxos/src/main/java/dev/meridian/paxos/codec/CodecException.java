package dev.meridian.paxos.codec;

/**
 * Bytes that do not decode: truncated, corrupted, of an unknown format version, or describing a value
 * that cannot exist (a ballot of round 0 owned by a node). The message names what was being read and
 * what was wrong. Unchecked: a driver treats it like any other bad input from the network or disk.
 */
public final class CodecException extends RuntimeException {

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
