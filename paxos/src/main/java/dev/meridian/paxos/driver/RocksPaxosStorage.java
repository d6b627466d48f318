package dev.meridian.paxos.driver;

import dev.meridian.paxos.codec.CodecException;
import dev.meridian.paxos.codec.PaxosCodecs;
import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.storage.mvcc.StorageException;
import dev.meridian.storage.rocks.RawBatch;
import dev.meridian.storage.rocks.RawEntry;
import dev.meridian.storage.rocks.RawFamily;
import dev.meridian.storage.rocks.RawKeys;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * {@link PaxosStorage} in the node's RocksDB, through the engine's raw column families: every {@link
 * #persist} is one raw batch, so it is atomic and shares synced writes with the persists of the
 * node's other groups and with MVCC writes (group commit).
 *
 * <h2>Key and value layouts</h2>
 *
 * {@code be64} is an 8-byte big-endian long; values are {@link PaxosCodecs} standalone encodings
 * ({@code version(1) | body}).
 *
 * <pre>
 * paxos_state  be64(group) | 0x01             -&gt; HardState   (promised ballot, lease vote, commit)
 *              be64(group) | 0x02             -&gt; Snapshot    (last slot, membership, data)
 * paxos_log    be64(group) | be64(slot)       -&gt; Entry       (slot, ballot, kind, data)
 * </pre>
 *
 * Big-endian slots sort the log of one group in slot order, and a group's keys form one prefix in
 * each family. A {@link Ready} becomes, in this order in one batch: put the snapshot, range-delete
 * the log from slot 0 through {@code compactThrough}, put each entry (replacing any earlier one of
 * its slot), put the hard state. Because the range delete precedes the puts, an entry the same Ready
 * writes survives it.
 *
 * <h2>Recovery</h2>
 *
 * {@link #load} reads the hard state, the snapshot and the group's log, and returns the entries
 * above the snapshot; the engine's write-ahead log makes every acknowledged persist, and no part of
 * an unacknowledged one, visible after a crash. A group is listed by {@link #groups} once anything
 * of it is stored. Thread-safe.
 */
public final class RocksPaxosStorage implements PaxosStorage {

  private static final byte HARD_STATE_SUFFIX = 0x01;
  private static final byte SNAPSHOT_SUFFIX = 0x02;
  private static final int GROUP_BYTES = Long.BYTES;

  private final RocksMvccEngine engine;

  /** Stores in {@code engine}'s paxos column families; the engine stays the caller's to close. */
  public RocksPaxosStorage(RocksMvccEngine engine) {
    this.engine = engine;
  }

  @Override
  public CompletableFuture<Void> persist(GroupId group, Ready ready) {
    if (!ready.mustPersist()) {
      return CompletableFuture.completedFuture(null);
    }
    RawBatch batch = new RawBatch();
    if (ready.snapshot() != null) {
      batch.put(RawFamily.PAXOS_STATE, stateKey(group, SNAPSHOT_SUFFIX), PaxosCodecs.SNAPSHOT.encode(ready.snapshot()));
    }
    if (ready.compactThrough() != null) {
      // [slot 0, compactThrough) by range, then compactThrough itself: no slot + 1 to overflow.
      byte[] through = logKey(group, ready.compactThrough().value());
      batch.deleteRange(RawFamily.PAXOS_LOG, logKey(group, 0), through);
      batch.delete(RawFamily.PAXOS_LOG, through);
    }
    for (Entry entry : ready.entries()) {
      batch.put(RawFamily.PAXOS_LOG, logKey(group, entry.slot().value()), PaxosCodecs.ENTRY.encode(entry));
    }
    if (ready.hardState() != null) {
      batch.put(RawFamily.PAXOS_STATE, stateKey(group, HARD_STATE_SUFFIX), PaxosCodecs.HARD_STATE.encode(ready.hardState()));
    }
    return engine.writeRaw(batch);
  }

  @Override
  public Optional<DurableState> load(GroupId group) {
    Optional<byte[]> hard = engine.getRaw(RawFamily.PAXOS_STATE, stateKey(group, HARD_STATE_SUFFIX));
    Optional<byte[]> snap = engine.getRaw(RawFamily.PAXOS_STATE, stateKey(group, SNAPSHOT_SUFFIX));
    List<RawEntry> log = engine.scanRawPrefix(RawFamily.PAXOS_LOG, groupPrefix(group));
    if (hard.isEmpty() && snap.isEmpty() && log.isEmpty()) {
      return Optional.empty();
    }
    HardState hardState =
        hard.map(bytes -> decode(group, "hard state", () -> PaxosCodecs.HARD_STATE.decode(bytes)))
            .orElse(HardState.INITIAL);
    Snapshot snapshot =
        snap.map(bytes -> decode(group, "snapshot", () -> PaxosCodecs.SNAPSHOT.decode(bytes)))
            .orElse(Snapshot.initial(Membership.EMPTY));
    List<Entry> entries = new ArrayList<>();
    for (RawEntry raw : log) {
      long slot = ByteBuffer.wrap(raw.key(), GROUP_BYTES, Long.BYTES).getLong();
      Entry entry = decode(group, "log entry " + slot, () -> PaxosCodecs.ENTRY.decode(raw.value()));
      if (entry.slot().value() != slot) {
        throw corrupt(group, "the log entry under slot " + slot + " is for slot " + entry.slot(), null);
      }
      if (slot > snapshot.lastSlot().value()) {
        entries.add(entry);
      }
    }
    return Optional.of(new DurableState(hardState, snapshot, entries, snapshot.lastSlot()));
  }

  @Override
  public Set<GroupId> groups() {
    Set<GroupId> groups = new TreeSet<>((a, b) -> Long.compare(a.value(), b.value()));
    for (RawFamily family : List.of(RawFamily.PAXOS_LOG, RawFamily.PAXOS_STATE)) {
      // Skip-scan: one seek per group, whatever the length of its log.
      byte[] from = new byte[0];
      while (from != null) {
        List<RawEntry> first = engine.scanRaw(family, from, null, 1);
        if (first.isEmpty()) {
          break;
        }
        byte[] prefix = java.util.Arrays.copyOf(first.getFirst().key(), GROUP_BYTES);
        groups.add(new GroupId(ByteBuffer.wrap(prefix).getLong()));
        from = RawKeys.prefixEnd(prefix);
      }
    }
    return groups;
  }

  /** {@code be64(group)}: the prefix of every key of the group in both families. */
  static byte[] groupPrefix(GroupId group) {
    return ByteBuffer.allocate(GROUP_BYTES).putLong(group.value()).array();
  }

  static byte[] stateKey(GroupId group, byte suffix) {
    return ByteBuffer.allocate(GROUP_BYTES + 1).putLong(group.value()).put(suffix).array();
  }

  static byte[] logKey(GroupId group, long slot) {
    return ByteBuffer.allocate(GROUP_BYTES + Long.BYTES).putLong(group.value()).putLong(slot).array();
  }

  private interface Decoder<T> {
    T decode();
  }

  private <T> T decode(GroupId group, String what, Decoder<T> decoder) {
    try {
      return decoder.decode();
    } catch (CodecException e) {
      throw corrupt(group, "its " + what + " does not decode: " + e.getMessage(), e);
    }
  }

  private StorageException corrupt(GroupId group, String problem, Throwable cause) {
    return new StorageException(
        "the durable paxos state of group " + group + " (key prefix "
            + HexFormat.of().formatHex(groupPrefix(group)) + ") in " + engine.directory()
            + " is corrupt: " + problem
            + " (restore the replica from its peers: remove the group and re-add it as a learner)",
        cause);
  }
}
