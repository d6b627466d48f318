package dev.meridian.paxos.driver;

/**
 * The receiving side of a snapshot transfer: a staging area that takes the chunks of one image in
 * order and is invisible to the machine's readers until the driver calls {@link
 * PaxosDriver.StateMachine#installStaged}. Exactly one of {@link #finish} and {@link #abort} ends it.
 *
 * <p>Durability: staging writes may be unsynced. {@link #finish} must leave the staged image complete
 * and marked complete in the same ordered log as the Paxos storage, because the driver persists the
 * snapshot's metadata (a synced write) right after it, and a restart that finds that metadata calls
 * {@code installStaged} again: the synced write makes the earlier staging writes durable too.
 *
 * <p>Used on the driver's loop only.
 */
public interface SnapshotSink {

  /** Stages the next chunk, as the source returned it. */
  void write(byte[] chunk);

  /** Every chunk is written: the image is complete and waits for {@code installStaged}. */
  void finish();

  /**
   * Discards everything staged, also after {@link #finish} if the image was not installed (the
   * replica refused it); the machine's visible state never changed. Idempotent.
   */
  void abort();
}
