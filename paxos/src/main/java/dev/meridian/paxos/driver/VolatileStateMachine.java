package dev.meridian.paxos.driver;

import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A state machine that keeps its state in memory only and can write it as one small image: the
 * driver rebuilds it on every start from the snapshot (whose data is this image, kept in the Paxos
 * snapshot record) and the log. For fingerprints, tests and simulators; a machine whose state may
 * grow large keeps it in the node's RocksDB and implements {@link PaxosDriver.StateMachine} directly.
 *
 * <p>Transfers still go in chunks: the image is cut into chunks on the sending side and staged into
 * a buffer of at most {@link #MAX_IMAGE_BYTES} on the receiving side, restored only when the driver
 * installs it.
 */
public abstract class VolatileStateMachine implements PaxosDriver.StateMachine {

  /** Largest image staged from a transfer: a volatile machine is small, or it would be durable. */
  public static final int MAX_IMAGE_BYTES = 64 << 20;

  private ByteArrayOutputStream staging;
  private Slot stagingSlot;
  private byte[] staged;
  private Slot stagedSlot;

  /** Applies one committed command (the driver's no-ops and membership changes leave no trace). */
  protected abstract void applyCommand(Entry command);

  /** The whole state as of the last applied command. */
  protected abstract byte[] image();

  /** Replaces the whole state with {@code image} (empty: the initial state of a fresh group). */
  protected abstract void restore(byte[] image);

  @Override
  public final Slot appliedSlot() {
    return Slot.NONE;
  }

  @Override
  public final boolean durable() {
    return false;
  }

  @Override
  public final void apply(Entry entry) {
    if (entry.kind() == EntryKind.COMMAND) {
      applyCommand(entry);
    }
  }

  @Override
  public SnapshotSource openSnapshot() {
    byte[] whole = image();
    return new SnapshotSource() {
      private int offset;

      @Override
      public byte[] next(int maxBytes) {
        if (offset >= whole.length) {
          return null;
        }
        int end = (int) Math.min(whole.length, (long) offset + maxBytes);
        byte[] chunk = Arrays.copyOfRange(whole, offset, end);
        offset = end;
        return chunk;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public SnapshotSink beginInstall(Slot lastSlot) {
    staging = new ByteArrayOutputStream();
    stagingSlot = lastSlot;
    ByteArrayOutputStream mine = staging;
    return new SnapshotSink() {
      @Override
      public void write(byte[] chunk) {
        Invariants.require(staging == mine, "a replaced snapshot staging was written to");
        if ((long) mine.size() + chunk.length > MAX_IMAGE_BYTES) {
          throw new IllegalStateException(
              "a volatile state machine's image is over " + MAX_IMAGE_BYTES + " bytes; keep such state durable");
        }
        mine.writeBytes(chunk);
      }

      @Override
      public void finish() {
        Invariants.require(staging == mine, "a replaced snapshot staging was finished");
        staged = mine.toByteArray();
        stagedSlot = stagingSlot;
        staging = null;
      }

      @Override
      public void abort() {
        if (staging == mine) {
          staging = null;
        } else if (staged != null && stagedSlot.equals(lastSlot)) {
          staged = null;
          stagedSlot = null;
        }
      }
    };
  }

  @Override
  public void installStaged(Slot lastSlot) {
    Invariants.require(staged != null && stagedSlot.equals(lastSlot),
        "no finished snapshot staged at %s to install", lastSlot);
    byte[] image = staged;
    staged = null;
    stagedSlot = null;
    restore(image);
  }
}
