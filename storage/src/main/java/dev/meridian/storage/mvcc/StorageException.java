package dev.meridian.storage.mvcc;

/** The engine could not read or write its disk. The node cannot make progress on this engine. */
public final class StorageException extends RuntimeException {

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
