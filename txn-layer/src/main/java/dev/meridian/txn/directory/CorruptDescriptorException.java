package dev.meridian.txn.directory;

/**
 * Bytes read from the meta range (or received as a descriptor) are not a valid descriptor or entry:
 * an unknown version, a length past its limit or past the end of the bytes, bytes left over, an
 * unknown role, or an entry filed under a key that is not its end key. Never retried as is: the
 * caller drops the answer and asks again, and a meta range that keeps answering so is a bug.
 */
public final class CorruptDescriptorException extends RuntimeException {

  public CorruptDescriptorException(String message) {
    super(message);
  }
}
