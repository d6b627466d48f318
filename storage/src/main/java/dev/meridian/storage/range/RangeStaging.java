package dev.meridian.storage.range;

/**
 * A snapshot of one range being installed: chunks go to a staging area that no read sees, and
 * {@link #commit} replaces the range's state with the staged one in one atomic write (the range's
 * old locals, and its old versions and intents in the staged span, are removed). Staging from an
 * install that was neither committed nor aborted (a crash) is discarded by the next install of the
 * same range. Not thread-safe.
 */
public interface RangeStaging extends AutoCloseable {

  /**
   * Stages one chunk ({@link RangeEntryCodec}); refuses a malformed chunk, an entry out of the state
   * order, or a version or intent outside the span, staging none of the chunk.
   */
  void add(byte[] chunk);

  /** Bytes staged so far. */
  long stagedBytes();

  /**
   * Makes the staged state the range's, atomically; fails (installing nothing) if no {@link
   * LocalKind#APPLIED_SLOT} entry was staged.
   */
  void commit();

  /** Drops the staged state. */
  void abort();

  /** Aborts unless committed. */
  @Override
  void close();
}
