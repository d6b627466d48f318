package dev.meridian.paxos.driver;

import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A durable test state machine on an {@link OrderedLogDisk}: commands by slot, written with the
 * applied slot in one unsynced write per entry, as a range machine writes its MVCC changes. Snapshot
 * image: UTF-8 lines {@code <slot>=<command>\n}; a chunk holds whole lines. Records what it was
 * handed, for the tests' assertions.
 */
final class DurableListMachine implements PaxosDriver.StateMachine {

  final GroupId group;
  final OrderedLogDisk disk;
  TreeMap<Long, String> data;
  long applied;
  /** Slots handed to {@link #apply} in this incarnation, in order. */
  final List<Long> appliedSlots = new ArrayList<>();
  final List<RoleChange> roleChanges = new ArrayList<>();
  final List<Long> installed = new ArrayList<>();
  private TreeMap<Long, String> staging;
  private long stagingSlot = -1;
  private boolean stagingFinished;

  /** The machine a process starts with: what the disk kept. */
  DurableListMachine(GroupId group, OrderedLogDisk disk) {
    this.group = group;
    this.disk = disk;
    OrderedLogDisk.Image image = disk.image(group);
    this.data = image.data;
    this.applied = image.applied;
    this.staging = image.staging;
    this.stagingSlot = image.stagingSlot;
    this.stagingFinished = image.stagingFinished;
  }

  List<String> commands() {
    return new ArrayList<>(data.values());
  }

  @Override
  public Slot appliedSlot() {
    return Slot.of(applied);
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void apply(Entry entry) {
    long slot = entry.slot().value();
    Invariants.require(slot == applied + 1, "applied %d after %d", slot, applied);
    appliedSlots.add(slot);
    applied = slot;
    String command = entry.kind() == EntryKind.COMMAND ? new String(entry.data(), StandardCharsets.UTF_8) : null;
    if (command != null) {
      data.put(slot, command);
    }
    disk.writeUnsynced(group, image -> {
      if (command != null) {
        image.data.put(slot, command);
      }
      image.applied = slot;
    });
  }

  @Override
  public SnapshotSource openSnapshot() {
    Iterator<Map.Entry<Long, String>> lines = new TreeMap<>(data).entrySet().iterator();
    return new SnapshotSource() {
      private byte[] pending;

      @Override
      public byte[] next(int maxBytes) {
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        while (pending != null || lines.hasNext()) {
          if (pending == null) {
            Map.Entry<Long, String> e = lines.next();
            pending = (e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8);
            if (pending.length > maxBytes) {
              throw new IllegalStateException("a line of " + pending.length + " bytes exceeds the chunk limit");
            }
          }
          if (bytes + pending.length > maxBytes) {
            break;
          }
          out.append(new String(pending, StandardCharsets.UTF_8));
          bytes += pending.length;
          pending = null;
        }
        return bytes == 0 ? null : out.toString().getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public SnapshotSink beginInstall(Slot lastSlot) {
    long slot = lastSlot.value();
    staging = new TreeMap<>();
    stagingSlot = slot;
    stagingFinished = false;
    disk.writeUnsynced(group, image -> {
      image.staging = new TreeMap<>();
      image.stagingSlot = slot;
      image.stagingFinished = false;
    });
    TreeMap<Long, String> mine = staging;
    return new SnapshotSink() {
      @Override
      public void write(byte[] chunk) {
        TreeMap<Long, String> lines = new TreeMap<>();
        for (String line : new String(chunk, StandardCharsets.UTF_8).split("\n")) {
          if (!line.isEmpty()) {
            int eq = line.indexOf('=');
            lines.put(Long.parseLong(line.substring(0, eq)), line.substring(eq + 1));
          }
        }
        Invariants.require(staging == mine, "write to a replaced staging");
        mine.putAll(lines);
        disk.writeUnsynced(group, image -> image.staging.putAll(lines));
      }

      @Override
      public void finish() {
        Invariants.require(staging == mine, "finish of a replaced staging");
        stagingFinished = true;
        disk.writeUnsynced(group, image -> image.stagingFinished = true);
      }

      @Override
      public void abort() {
        if (staging == mine) {
          staging = null;
          stagingSlot = -1;
          disk.writeUnsynced(group, image -> {
            image.staging = null;
            image.stagingSlot = -1;
          });
        }
      }
    };
  }

  @Override
  public void installStaged(Slot lastSlot) {
    long slot = lastSlot.value();
    Invariants.require(staging != null && stagingFinished && stagingSlot == slot,
        "no finished staging at %d (have %d)", slot, stagingSlot);
    data = staging;
    applied = slot;
    staging = null;
    stagingSlot = -1;
    installed.add(slot);
    disk.writeUnsynced(group, image -> {
      image.data = image.staging;
      image.applied = slot;
      image.staging = null;
      image.stagingSlot = -1;
    });
  }

  @Override
  public void onRoleChange(RoleChange change) {
    roleChanges.add(change);
  }
}
