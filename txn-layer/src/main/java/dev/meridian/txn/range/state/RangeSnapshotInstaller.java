package dev.meridian.txn.range.state;

/**
 * The receiving side of a range snapshot: chunks are staged where no read sees them, and {@link
 * #finish} makes them the range's state in one atomic write, then reads the state machine back.
 * Until then the replica's old state (if any) is untouched and keeps serving.
 *
 * <p>Adapter needed (helper paxos-sm's driver side): the driver feeds every received chunk of a
 * snapshot to {@link #accept} in order, calls {@link #finish} after the last, and replaces the
 * group's state machine with the one returned (then resumes the log after its applied slot); on a
 * broken transfer it calls {@link #abort}.
 */
public interface RangeSnapshotInstaller extends AutoCloseable {

  /** Stages one chunk; refuses (staging nothing of it) a malformed or out-of-order chunk. */
  void accept(byte[] chunk);

  /** Installs the staged state atomically and returns the range's state machine over it. */
  RangeStateMachine finish();

  void abort();

  /** Aborts unless finished. */
  @Override
  void close();
}
