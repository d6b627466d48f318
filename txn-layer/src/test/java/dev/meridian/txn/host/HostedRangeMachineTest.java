package dev.meridian.txn.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.paxos.driver.RoleChange;
import dev.meridian.paxos.driver.SnapshotSink;
import dev.meridian.paxos.driver.SnapshotSource;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.txn.leaseholder.LogSlot;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.command.RangeCommandCodec;
import dev.meridian.txn.range.state.ApplyOutcome;
import dev.meridian.txn.range.state.RangeSnapshots;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Paxos state machine adapter of a range: entries decoded and applied in slot order, no-ops and
 * membership entries advancing the durable applied slot, the applied slot read back from the store
 * after a restart, idempotence at the range state machine, and chunked snapshots installed atomically
 * only when the driver says so.
 */
class HostedRangeMachineTest {

  static final RangeId RANGE = new RangeId(7);
  static final Ballot BALLOT = Ballot.of(1, new NodeId(1));
  static final int CHUNK = RangeSnapshots.MIN_CHUNK_BYTES;

  static RangeDescriptor descriptor() {
    return new RangeDescriptor(RANGE, new KeySpan(Key.utf8("a"), Key.utf8("z")),
        List.of(new ReplicaDescriptor(new NodeId(1), "r1", ReplicaRole.VOTER)), 1);
  }

  private final List<String> heard = new ArrayList<>();

  private HostedRangeMachine open(RangeStore store) {
    HostedRangeMachine machine = new HostedRangeMachine(store, RANGE, CHUNK);
    machine.setListener(new HostedRangeMachine.Listener() {
      @Override
      public void applied(LogSlot slot, RangeCommand command, ApplyOutcome outcome) {
        heard.add(slot + " " + command.getClass().getSimpleName() + " " + outcome.getClass().getSimpleName());
      }

      @Override
      public void installed(RangeStateMachine machine) {
        heard.add("installed " + machine.appliedSlot());
      }

      @Override
      public void roleChanged(RoleChange change) {
        heard.add("role " + change);
      }
    });
    return machine;
  }

  private static Entry command(long slot, RangeCommand command) {
    return Entry.command(Slot.of(slot), BALLOT, RangeCommandCodec.encode(command));
  }

  private static RangeCommand.LeaseStart lease() {
    return new RangeCommand.LeaseStart(RANGE, 1, new NodeId(1), Timestamp.ofMicros(10));
  }

  private static RangeCommand.Commit commit(int txn, long ts, String key, String value) {
    return new RangeCommand.Commit(RANGE, 1, 1, new TxnId(1, txn), Timestamp.ofMicros(ts),
        List.of(Write.put(Key.utf8(key), value.getBytes(StandardCharsets.UTF_8))));
  }

  /** Slots 1..n: a lease start, a no-op, then {@code commits} commits of keys k0, k1, ... */
  private static void feed(HostedRangeMachine machine, int commits) {
    machine.apply(command(1, lease()));
    machine.apply(Entry.noop(Slot.of(2), BALLOT));
    for (int i = 0; i < commits; i++) {
      machine.apply(command(3 + i, commit(i + 1, 100 + i, "k" + i, "value-" + i + "-" + "x".repeat(300))));
    }
  }

  @Test
  void entriesApplyInOrderAndNoOpsAdvanceTheDurableSlot() {
    RangeStore store = new InMemoryRangeStore();
    RangeStateMachine.bootstrap(store, descriptor());
    HostedRangeMachine machine = open(store);
    assertEquals(Slot.NONE, machine.appliedSlot());
    feed(machine, 2);
    assertEquals(Slot.of(4), machine.appliedSlot());
    assertEquals(List.of("slot1 LeaseStart Applied", "slot3 Commit Applied", "slot4 Commit Applied"), heard);
    // A commit of a lease that is not current is rejected deterministically, and the slot still advances.
    machine.apply(command(5, new RangeCommand.Commit(RANGE, 1, 9, new TxnId(2, 1), Timestamp.ofMicros(500), List.of())));
    assertEquals("slot5 Commit Rejected", heard.getLast());
    assertEquals(Slot.of(5), machine.appliedSlot());
  }

  @Test
  void aRestartReadsTheAppliedSlotBackAndApplyIsIdempotent() {
    RangeStore store = new InMemoryRangeStore();
    RangeStateMachine.bootstrap(store, descriptor());
    HostedRangeMachine before = open(store);
    feed(before, 3);
    String fingerprint = RangeSnapshots.fingerprint(before.machine());

    HostedRangeMachine after = open(store);
    assertEquals(Slot.of(5), after.appliedSlot());
    assertEquals(fingerprint, RangeSnapshots.fingerprint(after.machine()));
    // The range state machine recognises a replayed slot and does nothing ...
    assertInstanceOf(ApplyOutcome.AlreadyApplied.class, after.machine().apply(4, commit(2, 101, "k1", "other")));
    assertEquals(fingerprint, RangeSnapshots.fingerprint(after.machine()));
    // ... and the adapter refuses to be handed one: the driver promised never to.
    assertThrows(Invariants.InvariantViolation.class, () -> after.apply(command(5, commit(3, 102, "k2", "v"))));
    after.apply(Entry.noop(Slot.of(6), BALLOT));
    assertEquals(Slot.of(6), open(store).appliedSlot());
  }

  @Test
  void aChunkedSnapshotInstallsAtomicallyOnlyWhenTheDriverSaysSo() {
    RangeStore sourceStore = new InMemoryRangeStore();
    RangeStateMachine.bootstrap(sourceStore, descriptor());
    HostedRangeMachine source = open(sourceStore);
    feed(source, 40);

    RangeStore targetStore = new InMemoryRangeStore();
    RangeStateMachine.bootstrap(targetStore, descriptor());
    HostedRangeMachine target = open(targetStore);
    String empty = RangeSnapshots.fingerprint(target.machine());

    List<byte[]> chunks = new ArrayList<>();
    try (SnapshotSource image = source.openSnapshot()) {
      // Entries applied after the image was opened do not show in it.
      source.apply(command(43, commit(99, 999, "late", "v")));
      for (byte[] chunk = image.next(CHUNK); chunk != null; chunk = image.next(CHUNK)) {
        assertTrue(chunk.length <= CHUNK, "a chunk of " + chunk.length + " bytes");
        chunks.add(chunk);
      }
    }
    assertTrue(chunks.size() > 2, "the image took " + chunks.size() + " chunks");

    // An aborted staging leaves the state as it was.
    SnapshotSink aborted = target.beginInstall(Slot.of(42));
    aborted.write(chunks.getFirst());
    aborted.abort();
    assertEquals(empty, RangeSnapshots.fingerprint(target.machine()));

    SnapshotSink sink = target.beginInstall(Slot.of(42));
    chunks.forEach(sink::write);
    sink.finish();
    assertEquals(empty, RangeSnapshots.fingerprint(target.machine()), "nothing visible before installStaged");
    target.installStaged(Slot.of(42));
    assertEquals(Slot.of(42), target.appliedSlot());
    assertEquals("installed 42", heard.getLast());

    RangeStore check = new InMemoryRangeStore();
    RangeStateMachine.bootstrap(check, descriptor());
    HostedRangeMachine replay = open(check);
    feed(replay, 40);
    assertEquals(RangeSnapshots.fingerprint(replay.machine()), RangeSnapshots.fingerprint(target.machine()));
    assertNotEquals(empty, RangeSnapshots.fingerprint(target.machine()));
    // The log goes on after the snapshot, and the installed state survives a restart.
    target.apply(command(43, commit(99, 999, "late", "v")));
    assertEquals(Slot.of(43), open(targetStore).appliedSlot());
  }

  @Test
  void framesSmallerThanTheRangeChunkAreRefused() {
    RangeStore store = new InMemoryRangeStore();
    RangeStateMachine.bootstrap(store, descriptor());
    HostedRangeMachine machine = open(store);
    try (SnapshotSource image = machine.openSnapshot()) {
      assertThrows(IllegalStateException.class, () -> image.next(CHUNK - 1));
    }
    assertThrows(IllegalArgumentException.class, () -> new HostedRangeMachine(store, RANGE, CHUNK - 1));
  }

  @Test
  void roleChangesReachTheListener() {
    RangeStore store = new InMemoryRangeStore();
    RangeStateMachine.bootstrap(store, descriptor());
    HostedRangeMachine machine = open(store);
    machine.onRoleChange(new RoleChange.BecameLeader(BALLOT, 1234));
    assertEquals("role " + new RoleChange.BecameLeader(BALLOT, 1234), heard.getLast());
  }
}
