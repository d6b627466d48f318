package dev.meridian.paxos.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RocksKvMachine} on two real engines: the durable machine contract of the driver on RocksDB
 * (applied slot read back, a snapshot streamed in bounded chunks from one RocksDB snapshot while
 * applies go on, staged and made visible at once, a finished staging that survives a reopen).
 */
class RocksKvMachineTest {

  private static final GroupId GROUP = new GroupId(7);

  @TempDir Path source;
  @TempDir Path target;

  private static RocksMvccEngine open(Path dir) {
    return RocksMvccEngine.open(dir, RocksPaxosStorageTest.OPTIONS, new NamedThreadFactory("kv-sync"));
  }

  private static Entry command(long slot, String text) {
    return Entry.command(Slot.of(slot), Ballot.of(1, new dev.meridian.runtime.NodeId(1)), text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theAppliedSlotIsReadBackAndASnapshotStreamsInBoundedChunksAndInstallsAtomically() {
    List<byte[]> chunks = new ArrayList<>();
    try (RocksMvccEngine a = open(source)) {
      RocksKvMachine machine = new RocksKvMachine(a, GROUP);
      for (int i = 1; i <= 50; i++) {
        machine.apply(command(i, "key" + i + "=value" + i));
      }
      machine.apply(Entry.noop(Slot.of(51), Ballot.of(1, new dev.meridian.runtime.NodeId(1))));
      try (SnapshotSource image = machine.openSnapshot()) {
        // Applied while the image is read: not in it.
        machine.apply(command(52, "key1=changed"));
        for (byte[] chunk = image.next(64); chunk != null; chunk = image.next(64)) {
          assertThat(chunk.length).isBetween(1, 64);
          chunks.add(chunk);
        }
      }
      assertThat(machine.get("key1")).hasValue("changed");
    }
    assertThat(chunks).hasSizeGreaterThan(10);
    try (RocksMvccEngine a = open(source)) {
      assertThat(new RocksKvMachine(a, GROUP).appliedSlot()).isEqualTo(Slot.of(52));
    }
    try (RocksMvccEngine b = open(target)) {
      RocksKvMachine machine = new RocksKvMachine(b, GROUP);
      machine.apply(command(1, "stale=yes"));
      SnapshotSink sink = machine.beginInstall(Slot.of(51));
      chunks.forEach(sink::write);
      sink.finish();
      // Staged, not visible.
      assertThat(machine.get("key1")).isEmpty();
      assertThat(machine.get("stale")).hasValue("yes");
    }
    try (RocksMvccEngine b = open(target)) {
      // A restart between the staging and the install: the driver installs it again.
      RocksKvMachine machine = new RocksKvMachine(b, GROUP);
      assertThat(machine.appliedSlot()).isEqualTo(Slot.of(1));
      machine.installStaged(Slot.of(51));
      assertThat(machine.appliedSlot()).isEqualTo(Slot.of(51));
      assertThat(machine.get("key1")).hasValue("value1");
      assertThat(machine.get("key50")).hasValue("value50");
      assertThat(machine.get("stale")).isEmpty();
      machine.apply(command(52, "key1=changed"));
    }
    try (RocksMvccEngine b = open(target)) {
      RocksKvMachine machine = new RocksKvMachine(b, GROUP);
      assertThat(machine.appliedSlot()).isEqualTo(Slot.of(52));
      assertThat(machine.get("key1")).hasValue("changed");
    }
  }

  @Test
  void anAbortedStagingLeavesTheStateAsItWas() {
    try (RocksMvccEngine b = open(target)) {
      RocksKvMachine machine = new RocksKvMachine(b, GROUP);
      machine.apply(command(1, "k=v"));
      SnapshotSink sink = machine.beginInstall(Slot.of(9));
      sink.write(new byte[] {0, 0, 0, 1, 'x', 0, 0, 0, 1, 'y'});
      sink.abort();
      assertThat(machine.get("k")).hasValue("v");
      assertThat(machine.get("x")).isEmpty();
      assertThat(machine.appliedSlot()).isEqualTo(Slot.of(1));
    }
  }
}
