package dev.meridian.paxos.driver;

/**
 * A consistent image of a state machine as of one applied slot, read in bounded chunks: the sending
 * side of a snapshot transfer. For a machine in RocksDB it is an iteration of the machine's keys at
 * one RocksDB snapshot, so applies that happen while it is read do not show in it. The bytes are the
 * machine's own format; Paxos only moves them, in order, to the same machine's {@link SnapshotSink}
 * on another node.
 *
 * <p>Used on the driver's loop only. Must be closed (it may pin a RocksDB snapshot).
 */
public interface SnapshotSource extends AutoCloseable {

  /**
   * The next at most {@code maxBytes} bytes of the image (at least one), or null once it is
   * exhausted. A machine whose smallest unit (one key and value) exceeds {@code maxBytes} must fail
   * rather than return more: the bound is what keeps every chunk inside a transport frame.
   */
  byte[] next(int maxBytes);

  /** Releases what the source pins; idempotent. */
  @Override
  void close();
}
