package dev.meridian.txn.host;

import dev.meridian.paxos.driver.PaxosDriver;
import dev.meridian.paxos.driver.RoleChange;
import dev.meridian.paxos.driver.SnapshotSink;
import dev.meridian.paxos.driver.SnapshotSource;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.command.RangeCommandCodec;
import dev.meridian.txn.range.state.ApplyOutcome;
import dev.meridian.txn.range.state.LeaseholderStateView;
import dev.meridian.txn.range.state.RangeSnapshotInstaller;
import dev.meridian.txn.range.state.RangeSnapshotSource;
import dev.meridian.txn.range.state.RangeSnapshots;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.types.RangeId;

/**
 * The Paxos driver's {@link PaxosDriver.StateMachine} for one range replica: a durable machine over
 * the node's {@link RangeStore} that decodes each committed entry with {@link RangeCommandCodec} and
 * hands it to the range's {@link RangeStateMachine} (DESIGN §11 "Paxos hosts durable state
 * machines"). It owns no state of its own beyond which state machine is current: the applied slot,
 * the data and the range's metadata are the store's.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li><b>The applied slot is the store's.</b> {@link #appliedSlot} reads it back from the store;
 *       every entry — command, Paxos no-op or membership change — advances it by exactly one, in the
 *       same store batch as the entry's effects ({@link RangeStateMachine#apply}, {@link
 *       RangeStateMachine#applyNoop}). So a restarted replica continues where its durable state
 *       stops, and the driver's "never at or below the applied slot" is checked here once more.
 *   <li><b>Listeners see exactly what the state machine did</b>, slot by slot, after its effects are
 *       visible to store snapshots and to {@link #view()}; that is what the leaseholder core expects
 *       of {@code LeaseholderCore#applied} and {@code #rejected}.
 *   <li><b>Snapshots are the range's own, in bounded chunks</b>: {@link RangeSnapshots#source} at one
 *       store snapshot, never above {@code maxChunkBytes}; installed atomically only in {@link
 *       #installStaged}, after the driver persisted the snapshot's metadata. A staging that is aborted
 *       leaves the visible state untouched.
 * </ol>
 *
 * <p>An entry that does not decode is a corrupted log or a peer running incompatible code: the
 * replica fails loudly rather than skip a slot that its peers applied.
 *
 * <p>Staging is in this process only: {@link RangeStore#beginInstall} discards a staging a crash
 * interrupted. A restart that finds a snapshot's metadata persisted but the image not installed
 * (a crash between the metadata's synced write and {@link #installStaged}, a window of one loop
 * task) cannot install it and fails loudly; TODO(later): a staging that survives restarts in the
 * node's store, once {@code RangeStore} offers one.
 *
 * <p>Not thread-safe: called on the driver's loop only.
 */
public final class HostedRangeMachine implements PaxosDriver.StateMachine {

  /** What the machine reports to the replica's leaseholder host, on the loop, in slot order. */
  public interface Listener {
    /** {@code command} took effect at {@code slot} (or was rejected: {@code outcome} says which). */
    void applied(LogSlot slot, RangeCommand command, ApplyOutcome outcome);

    /** The machine was replaced by an installed snapshot: views of the old one are stale. */
    void installed(RangeStateMachine machine);

    /** The driver reported a leadership change of this replica. */
    void roleChanged(RoleChange change);
  }

  private final RangeStore store;
  private final RangeId range;
  private final int maxChunkBytes;
  private RangeStateMachine machine;
  private LeaseholderStateView view;
  private Listener listener;
  /** Told of every applied split, so the node hosts the right-hand range ({@code RangeServer}). */
  private java.util.function.Consumer<ApplyOutcome.SplitApplied> splitListener;
  private RangeSnapshotInstaller staging;
  private Slot stagingSlot;
  private boolean stagingFinished;
  private long snapshotsSent;
  private long snapshotsInstalled;

  /**
   * A machine over range {@code range}'s state in {@code store}, which must already hold it
   * ({@link RangeStateMachine#bootstrap} for a new replica).
   *
   * @param maxChunkBytes most bytes of one snapshot chunk; the driver's {@code
   *     SnapshotLimits.chunkBytes} must be at least this
   */
  public HostedRangeMachine(RangeStore store, RangeId range, int maxChunkBytes) {
    if (maxChunkBytes < RangeSnapshots.MIN_CHUNK_BYTES) {
      throw new IllegalArgumentException("snapshot chunks of " + maxChunkBytes + " bytes are below the range minimum "
          + RangeSnapshots.MIN_CHUNK_BYTES);
    }
    this.store = store;
    this.range = range;
    this.maxChunkBytes = maxChunkBytes;
    this.machine = RangeStateMachine.open(store, range);
    this.view = new LeaseholderStateView(machine);
  }

  public void setListener(Listener listener) {
    this.listener = listener;
  }

  /** Who hosts the right-hand range of every split this replica applies (the node's range server). */
  public void setSplitListener(java.util.function.Consumer<ApplyOutcome.SplitApplied> splitListener) {
    this.splitListener = splitListener;
  }

  public RangeId range() {
    return range;
  }

  /** The current state machine (replaced by a snapshot install). */
  public RangeStateMachine machine() {
    return machine;
  }

  /** The leaseholder core's view of the current state machine. */
  public LeaseholderStateView view() {
    return view;
  }

  public long snapshotsSent() {
    return snapshotsSent;
  }

  public long snapshotsInstalled() {
    return snapshotsInstalled;
  }

  @Override
  public Slot appliedSlot() {
    return Slot.of(store.reads().appliedSlot(range.value())
        .orElseThrow(() -> new IllegalStateException("range " + range + " is no longer in this node's store")));
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void apply(Entry entry) {
    long slot = entry.slot().value();
    Invariants.require(slot == machine.appliedSlot() + 1,
        "range %s was handed slot %d after applying slot %d", range, slot, machine.appliedSlot());
    if (entry.kind() != EntryKind.COMMAND) {
      ApplyOutcome outcome = machine.applyNoop(slot);
      Invariants.require(outcome instanceof ApplyOutcome.Applied, "a no-op slot applies: %s", outcome);
      return;
    }
    RangeCommand command = RangeCommandCodec.decode(entry.data());
    ApplyOutcome outcome = machine.apply(slot, command);
    Invariants.require(!(outcome instanceof ApplyOutcome.AlreadyApplied),
        "range %s: slot %d was applied twice", range, slot);
    if (listener != null) {
      listener.applied(new LogSlot(slot), command, outcome);
    }
    if (outcome instanceof ApplyOutcome.SplitApplied split && splitListener != null) {
      // After the left's own listener: the left core sees its shrunk span before the right is hosted.
      splitListener.accept(split);
    }
  }

  @Override
  public SnapshotSource openSnapshot() {
    RangeSnapshotSource source = RangeSnapshots.source(machine, maxChunkBytes);
    snapshotsSent++;
    return new SnapshotSource() {
      @Override
      public byte[] next(int maxBytes) {
        if (maxBytes < maxChunkBytes) {
          // The range cuts its chunks at maxChunkBytes; a smaller frame cannot carry them.
          throw new IllegalStateException("range " + range + " snapshot chunks are up to " + maxChunkBytes
              + " bytes, the driver asked for at most " + maxBytes);
        }
        return source.nextChunk();
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  @Override
  public SnapshotSink beginInstall(Slot lastSlot) {
    if (staging != null) {
      staging.abort();
    }
    RangeSnapshotInstaller mine = RangeSnapshots.installer(store, range);
    staging = mine;
    stagingSlot = lastSlot;
    stagingFinished = false;
    return new SnapshotSink() {
      @Override
      public void write(byte[] chunk) {
        Invariants.require(staging == mine, "range %s: a chunk for a replaced snapshot staging", range);
        mine.accept(chunk);
      }

      @Override
      public void finish() {
        Invariants.require(staging == mine, "range %s: finish of a replaced snapshot staging", range);
        stagingFinished = true;
      }

      @Override
      public void abort() {
        mine.abort();
        if (staging == mine) {
          staging = null;
          stagingSlot = null;
          stagingFinished = false;
        }
      }
    };
  }

  @Override
  public void installStaged(Slot lastSlot) {
    if (staging == null && machine.appliedSlot() >= lastSlot.value()) {
      return; // Installed already (the store holds it); nothing staged to redo.
    }
    Invariants.require(staging != null && stagingFinished && lastSlot.equals(stagingSlot),
        "range %s: asked to install a snapshot at slot %s but the staging is %s (a staging does not survive a"
            + " restart yet)", range, lastSlot, staging == null ? "gone" : stagingFinished ? "at " + stagingSlot : "partial");
    RangeSnapshotInstaller installing = staging;
    staging = null;
    stagingSlot = null;
    stagingFinished = false;
    machine = installing.finish();
    Invariants.require(machine.appliedSlot() == lastSlot.value(),
        "range %s: the installed snapshot is at slot %d, not %s", range, machine.appliedSlot(), lastSlot);
    view = new LeaseholderStateView(machine);
    snapshotsInstalled++;
    if (listener != null) {
      listener.installed(machine);
    }
  }

  @Override
  public void onRoleChange(RoleChange change) {
    if (listener != null) {
      listener.roleChanged(change);
    }
  }
}
