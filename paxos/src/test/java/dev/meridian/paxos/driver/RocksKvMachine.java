package dev.meridian.paxos.driver;

import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import dev.meridian.storage.rocks.RawBatch;
import dev.meridian.storage.rocks.RawEntry;
import dev.meridian.storage.rocks.RawFamily;
import dev.meridian.storage.rocks.RawSnapshotScan;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A durable key-value state machine in the node's RocksDB, as a range state machine would be: the
 * reference that the driver's {@link PaxosDriver.StateMachine} contract fits RocksDB. Commands are
 * {@code key=value}. Each apply is one unsynced batch (the put and the applied slot); the snapshot is
 * a scan at one RocksDB snapshot; a received image is staged under a new generation and made visible
 * by one batch that flips the generation.
 *
 * <pre>
 * state_machine  be64(group) | 0x00                     -&gt; be64(applied slot) | be64(live generation)
 *                be64(group) | 0x01 | be64(gen) | key   -&gt; value
 *                be64(group) | 0x02                     -&gt; be64(staging gen) | be64(slot) | finished(1)
 * image chunk    repeated: be32(key length) | key | be32(value length) | value
 * </pre>
 */
final class RocksKvMachine implements PaxosDriver.StateMachine {

  private final RocksMvccEngine engine;
  private final byte[] group;
  private long applied;
  private long generation;

  RocksKvMachine(RocksMvccEngine engine, GroupId groupId) {
    this.engine = engine;
    this.group = ByteBuffer.allocate(8).putLong(groupId.value()).array();
    Optional<byte[]> meta = engine.getRaw(RawFamily.STATE_MACHINE, key(0x00));
    if (meta.isPresent()) {
      ByteBuffer b = ByteBuffer.wrap(meta.get());
      applied = b.getLong();
      generation = b.getLong();
    }
  }

  private byte[] key(int tag) {
    return ByteBuffer.allocate(9).put(group).put((byte) tag).array();
  }

  private byte[] dataPrefix(long gen) {
    return ByteBuffer.allocate(17).put(group).put((byte) 0x01).putLong(gen).array();
  }

  private byte[] dataKey(long gen, byte[] userKey) {
    return ByteBuffer.allocate(17 + userKey.length).put(dataPrefix(gen)).put(userKey).array();
  }

  private byte[] meta(long slot, long gen) {
    return ByteBuffer.allocate(16).putLong(slot).putLong(gen).array();
  }

  private static byte[] end(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (++end[i] != 0) {
        return end;
      }
    }
    throw new IllegalArgumentException("no end for an all-0xFF prefix");
  }

  Optional<String> get(String userKey) {
    return engine.getRaw(RawFamily.STATE_MACHINE, dataKey(generation, userKey.getBytes(StandardCharsets.UTF_8)))
        .map(v -> new String(v, StandardCharsets.UTF_8));
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
    RawBatch batch = new RawBatch();
    if (entry.kind() == EntryKind.COMMAND) {
      String command = new String(entry.data(), StandardCharsets.UTF_8);
      int eq = command.indexOf('=');
      batch.put(RawFamily.STATE_MACHINE, dataKey(generation, command.substring(0, eq).getBytes(StandardCharsets.UTF_8)),
          command.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
    }
    batch.put(RawFamily.STATE_MACHINE, key(0x00), meta(slot, generation));
    engine.writeRawUnsynced(batch);
    applied = slot;
  }

  @Override
  public SnapshotSource openSnapshot() {
    byte[] prefix = dataPrefix(generation);
    RawSnapshotScan scan = engine.openRawSnapshotScan(RawFamily.STATE_MACHINE, prefix, end(prefix));
    return new SnapshotSource() {
      @Override
      public byte[] next(int maxBytes) {
        // Each entry's encoding (8 bytes of lengths) is shorter than its stored key's 17-byte prefix,
        // so a scan batch within maxBytes encodes within maxBytes.
        List<RawEntry> entries = scan.next(maxBytes);
        if (entries.isEmpty()) {
          return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (RawEntry e : entries) {
          byte[] userKey = Arrays.copyOfRange(e.key(), 17, e.key().length);
          out.writeBytes(ByteBuffer.allocate(4).putInt(userKey.length).array());
          out.writeBytes(userKey);
          out.writeBytes(ByteBuffer.allocate(4).putInt(e.value().length).array());
          out.writeBytes(e.value());
        }
        return out.toByteArray();
      }

      @Override
      public void close() {
        scan.close();
      }
    };
  }

  @Override
  public SnapshotSink beginInstall(Slot lastSlot) {
    long staging = generation + 1;
    // Whatever an earlier staging left under this generation goes first.
    byte[] stagedPrefix = dataPrefix(staging);
    engine.writeRawUnsynced(new RawBatch()
        .deleteRange(RawFamily.STATE_MACHINE, stagedPrefix, end(stagedPrefix))
        .put(RawFamily.STATE_MACHINE, key(0x02), staging(staging, lastSlot.value(), false)));
    return new SnapshotSink() {
      @Override
      public void write(byte[] chunk) {
        RawBatch batch = new RawBatch();
        ByteBuffer in = ByteBuffer.wrap(chunk);
        while (in.hasRemaining()) {
          byte[] k = new byte[in.getInt()];
          in.get(k);
          byte[] v = new byte[in.getInt()];
          in.get(v);
          batch.put(RawFamily.STATE_MACHINE, dataKey(staging, k), v);
        }
        engine.writeRawUnsynced(batch);
      }

      @Override
      public void finish() {
        engine.writeRawUnsynced(
            new RawBatch().put(RawFamily.STATE_MACHINE, key(0x02), staging(staging, lastSlot.value(), true)));
      }

      @Override
      public void abort() {
        engine.writeRawUnsynced(new RawBatch()
            .deleteRange(RawFamily.STATE_MACHINE, stagedPrefix, end(stagedPrefix))
            .delete(RawFamily.STATE_MACHINE, key(0x02)));
      }
    };
  }

  private static byte[] staging(long gen, long slot, boolean finished) {
    return ByteBuffer.allocate(17).putLong(gen).putLong(slot).put((byte) (finished ? 1 : 0)).array();
  }

  @Override
  public void installStaged(Slot lastSlot) {
    ByteBuffer staged = ByteBuffer.wrap(engine.getRaw(RawFamily.STATE_MACHINE, key(0x02))
        .orElseThrow(() -> new IllegalStateException("nothing staged to install at " + lastSlot)));
    long gen = staged.getLong();
    long slot = staged.getLong();
    Invariants.require(slot == lastSlot.value() && staged.get() == 1,
        "the staging at %d is not a finished image of %s", slot, lastSlot);
    byte[] old = dataPrefix(generation);
    // One batch: the new generation and applied slot become visible together, the old data goes.
    engine.writeRawUnsynced(new RawBatch()
        .put(RawFamily.STATE_MACHINE, key(0x00), meta(slot, gen))
        .delete(RawFamily.STATE_MACHINE, key(0x02))
        .deleteRange(RawFamily.STATE_MACHINE, old, end(old)));
    generation = gen;
    applied = slot;
  }
}
