package dev.meridian.storage.mvcc;

/**
 * The engine's write queue is full: the disk is not keeping up. Thrown by the write call itself,
 * before anything is queued, so the caller knows nothing was written and may retry later. Engines
 * reject rather than block because their callers are event loops that must never wait.
 */
public final class StorageBusyException extends RuntimeException {

  public StorageBusyException(String message) {
    super(message);
  }
}
