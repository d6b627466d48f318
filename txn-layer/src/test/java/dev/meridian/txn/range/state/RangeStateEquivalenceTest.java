package dev.meridian.txn.range.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.range.command.RangeCommand;
import dev.meridian.txn.range.command.RangeCommandCodec;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import dev.meridian.txn.types.TxnOutcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the same ranges, one in memory and one over RocksDB, apply the same seeded random
 * command sequence — valid work as a leaseholder would propose it, mixed with stale, duplicate,
 * misrouted and out-of-span commands — and must agree on every outcome and, throughout, on every
 * range's fingerprint. The RocksDB replica restarts midway and is handed its last slots again. At the
 * end each range is streamed in bounded chunks to an empty third replica, which must match too.
 * Commands travel through the codec, as they would through the log. Replay a failure with
 * {@code -Dmeridian.seed=N}.
 */
class RangeStateEquivalenceTest {

  private static final int STEPS = 1500;
  private static final int CHUNK_BYTES = 4096;
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";

  private final Map<RangeId, List<RangeCommand>> history = new TreeMap<>();
  private final List<TxnId> committedTxns = new ArrayList<>();
  private final Map<ApplyOutcomeKind, Integer> outcomes = new EnumMap<>(ApplyOutcomeKind.class);
  private final Map<RejectReason, Integer> rejections = new EnumMap<>(RejectReason.class);
  private long nextTxn;
  private long nextRange = 2;

  enum ApplyOutcomeKind { APPLIED, SPLIT, REJECTED }

  @Test
  void inMemoryAndRocksReplicasAgreeOnEveryOutcomeAndFingerprint() {
    long seed = PropertyCheck.seed();
    RandomSource random = RandomSource.seeded(seed);
    try (ReplicaNode mem = ReplicaNode.inMemory(); ReplicaNode rocks = ReplicaNode.rocks()) {
      RangeDescriptor first = new RangeDescriptor(new RangeId(1), new KeySpan(Key.utf8("a"), null),
          List.of(new ReplicaDescriptor(new NodeId(1), "r1", ReplicaRole.VOTER),
              new ReplicaDescriptor(new NodeId(2), "r2", ReplicaRole.VOTER)), 0);
      mem.bootstrap(first);
      rocks.bootstrap(first);
      history.put(first.id(), new ArrayList<>());
      for (int step = 0; step < STEPS; step++) {
        List<RangeId> ids = new ArrayList<>(mem.ranges.keySet());
        RangeId id = ids.get(random.nextInt(ids.size()));
        RangeStateMachine model = mem.range(id);
        RangeCommand proposed = next(random, model);
        RangeCommand command = proposed == null ? null : RangeCommandCodec.decode(RangeCommandCodec.encode(proposed));
        long slot = model.appliedSlot() + 1;
        String context = "seed " + seed + " step " + step + " slot " + slot + " of " + id + ": " + command;
        ApplyOutcome a = command == null ? mem.range(id).applyNoop(slot) : mem.range(id).apply(slot, command);
        ApplyOutcome b = command == null ? rocks.range(id).applyNoop(slot) : rocks.range(id).apply(slot, command);
        assertThat(RangeStateScript.describe(b)).as(context).isEqualTo(RangeStateScript.describe(a));
        history.get(id).add(command);
        count(a);
        if (a instanceof ApplyOutcome.SplitApplied split) {
          mem.host(split.right().id());
          rocks.host(split.right().id());
          history.put(split.right().id(), new ArrayList<>());
        }
        if (step == STEPS / 2) {
          rocks.restart();
          replayLastSlots(rocks);
        }
        if (step % 100 == 0 || step == STEPS - 1) {
          for (RangeId range : mem.ranges.keySet()) {
            assertThat(RangeSnapshots.fingerprint(rocks.range(range)))
                .as("fingerprint of %s after %s", range, context)
                .isEqualTo(RangeSnapshots.fingerprint(mem.range(range)));
          }
        }
      }
      assertThat(outcomes.get(ApplyOutcomeKind.APPLIED)).as("applied commands").isGreaterThan(STEPS / 3);
      assertThat(outcomes.get(ApplyOutcomeKind.SPLIT)).as("splits").isGreaterThan(0);
      assertThat(rejections.keySet()).as("rejection reasons reached").containsAll(List.of(
          RejectReason.WRONG_RANGE, RejectReason.KEY_OUTSIDE_SPAN, RejectReason.STALE_GENERATION,
          RejectReason.LEASE_NOT_CURRENT, RejectReason.DECISION_CONFLICT, RejectReason.DUPLICATE));
      snapshotEveryRange(rocks);
    }
  }

  private void replayLastSlots(ReplicaNode rocks) {
    for (Map.Entry<RangeId, List<RangeCommand>> range : history.entrySet()) {
      List<RangeCommand> commands = range.getValue();
      for (int i = Math.max(0, commands.size() - 3); i < commands.size(); i++) {
        RangeCommand command = commands.get(i);
        long slot = i + 1;
        RangeStateMachine machine = rocks.range(range.getKey());
        ApplyOutcome replayed = command == null ? machine.applyNoop(slot) : machine.apply(slot, command);
        assertThat(replayed).isEqualTo(new ApplyOutcome.AlreadyApplied(slot));
      }
    }
  }

  private void snapshotEveryRange(ReplicaNode source) {
    int multiChunk = 0;
    try (ReplicaNode empty = ReplicaNode.inMemory()) {
      for (RangeStateMachine machine : source.ranges.values()) {
        int chunks = 0;
        try (RangeSnapshotSource stream = RangeSnapshots.source(machine, CHUNK_BYTES);
            RangeSnapshotInstaller installer = RangeSnapshots.installer(empty.store(), machine.id())) {
          for (byte[] chunk = stream.nextChunk(); chunk != null; chunk = stream.nextChunk()) {
            assertThat(chunk.length).isLessThanOrEqualTo(CHUNK_BYTES);
            installer.accept(chunk);
            chunks++;
          }
          empty.replace(installer.finish());
        }
        multiChunk += chunks > 1 ? 1 : 0;
        assertThat(RangeSnapshots.fingerprint(empty.range(machine.id()))).isEqualTo(RangeSnapshots.fingerprint(machine));
        assertThat(empty.range(machine.id()).meta()).isEqualTo(machine.meta());
        assertThat(empty.range(machine.id()).prepared()).isEqualTo(machine.prepared());
      }
    }
    assertThat(multiChunk).as("ranges streamed in more than one chunk").isPositive();
  }

  private void count(ApplyOutcome outcome) {
    ApplyOutcomeKind kind = switch (outcome) {
      case ApplyOutcome.Applied a -> ApplyOutcomeKind.APPLIED;
      case ApplyOutcome.SplitApplied s -> ApplyOutcomeKind.SPLIT;
      case ApplyOutcome.Rejected r -> {
        rejections.merge(r.reason(), 1, Integer::sum);
        yield ApplyOutcomeKind.REJECTED;
      }
      case ApplyOutcome.AlreadyApplied a -> throw new AssertionError("a fresh slot was already applied: " + a);
    };
    outcomes.merge(kind, 1, Integer::sum);
  }

  // --------------------------------------------------------------------------- the proposer

  /** The next command for the range, as a leaseholder (or a confused one) would propose it; null: no-op. */
  private RangeCommand next(RandomSource random, RangeStateMachine range) {
    RangeMeta meta = range.meta();
    RangeId id = range.id();
    Timestamp nextTs = Timestamp.ofMicros(Math.max(Math.max(meta.leaseFloor().micros(), meta.closedTs().micros()),
        meta.maxLeaseholderTs().micros()) + 1 + random.nextInt(5));
    long seq = random.chance(0.9) ? meta.leaseSequence() : Math.max(0, meta.leaseSequence() - 1);
    long generation = random.chance(0.9) ? meta.descriptor().generation()
        : Gen.between(random, 0, meta.descriptor().generation() + 1);
    return switch (Gen.frequency(random, 3, 30, 12, 10, 6, 4, 4, 2, 3)) {
      case 0 -> new RangeCommand.LeaseStart(id, Math.max(1, meta.leaseSequence() + (random.chance(0.8) ? 1 : 0)),
          new NodeId(1 + random.nextInt(3)), nextTs.minusMicros(random.nextInt(3)));
      case 1 -> {
        List<Write> writes = writes(random, range, 4);
        if (random.chance(0.05) && !committedTxns.isEmpty()) {
          // A re-proposal of an earlier commit.
          yield new RangeCommand.Commit(id, generation, seq, Gen.oneOf(random, committedTxns), nextTs, writes);
        }
        TxnId txn = txn();
        committedTxns.add(txn);
        yield new RangeCommand.Commit(id, generation, seq, txn, nextTs, writes);
      }
      case 2 -> {
        List<Write> writes = writes(random, range, 3);
        List<KeySpan> reads = new ArrayList<>();
        if (random.chance(0.5)) {
          Key start = key(random, range, false);
          reads.add(new KeySpan(start, Key.utf8(new String(start.unsafeBytes()) + "m")));
        }
        PreparedTxn candidate = new PreparedTxn(txn(), nextTs, seq, writes.stream().map(Write::key).toList(), reads, id);
        if (range.prepared().stream().anyMatch(candidate::conflictsWith)) {
          yield null;
        }
        yield new RangeCommand.Prepare(id, generation, seq, candidate.txn(), nextTs, writes, reads,
            new RangeId(1 + random.nextInt((int) nextRange)));
      }
      case 3 -> {
        List<PreparedTxn> prepared = range.prepared();
        TxnId txn = prepared.isEmpty() || random.chance(0.1) ? txn() : Gen.oneOf(random, prepared).txn();
        Timestamp prepareTs = prepared.stream().filter(p -> p.txn().equals(txn)).findFirst()
            .map(PreparedTxn::prepareTs).orElse(Timestamp.ZERO);
        yield random.chance(0.7)
            ? new RangeCommand.Resolve(id, txn, TxnOutcome.COMMITTED, Timestamp.ofMicros(prepareTs.micros() + random.nextInt(30)))
            : new RangeCommand.Resolve(id, txn, TxnOutcome.ABORTED, null);
      }
      case 4 -> {
        TxnId txn = new TxnId(7, random.nextInt(40));
        boolean commit = random.chance(0.5);
        yield new RangeCommand.RecordDecision(id, txn, commit ? TxnOutcome.COMMITTED : TxnOutcome.ABORTED,
            commit ? Timestamp.ofMicros(100 + random.nextInt(3)) : null, List.of(id));
      }
      // A leaseholder closes only below its unresolved prepares (they may commit at their timestamp).
      case 5 -> new RangeCommand.CloseTimestamp(id, seq, Timestamp.min(
          Timestamp.ofMicros(Math.max(0, nextTs.micros() - 1 - random.nextInt(4))),
          range.minPreparedTs().map(p -> p.minusMicros(1)).orElse(Timestamp.MAX)));
      case 6 -> {
        if (nextRange > 6) {
          yield null;
        }
        Key at = key(random, range, random.chance(0.1));
        RangeCommand.Split split = new RangeCommand.Split(id, generation, at, new RangeId(nextRange));
        if (generation == meta.descriptor().generation() && at.compareTo(meta.descriptor().span().start()) > 0
            && meta.descriptor().contains(at)) {
          nextRange++;
        }
        yield split;
      }
      case 7 -> new RangeCommand.LeaseStart(new RangeId(99), 1, new NodeId(1), nextTs);
      default -> null;
    };
  }

  private TxnId txn() {
    return new TxnId(1 + (int) (nextTxn % 3), nextTxn++);
  }

  /** A key of the range's span (or, with {@code outside}, any letter). */
  private static Key key(RandomSource random, RangeStateMachine range, boolean outside) {
    for (int attempt = 0; ; attempt++) {
      String text = String.valueOf(ALPHABET.charAt(random.nextInt(ALPHABET.length())))
          + (random.chance(0.5) ? String.valueOf(ALPHABET.charAt(random.nextInt(ALPHABET.length()))) : "");
      Key key = Key.utf8(text);
      if (outside || range.descriptor().contains(key) || attempt > 50) {
        return key;
      }
    }
  }

  /** Writes on keys no prepared transaction holds (the leaseholder validated), a few outside the span. */
  private static List<Write> writes(RandomSource random, RangeStateMachine range, int max) {
    Map<Key, Write> byKey = new HashMap<>();
    int count = 1 + random.nextInt(max);
    for (int i = 0; i < count; i++) {
      Key key = key(random, range, random.chance(0.03));
      boolean held = range.prepared().stream().anyMatch(p -> p.overlaps(KeySpan.point(key)));
      if (held) {
        continue;
      }
      byte[] value = random.chance(0.2) ? null : Gen.bytes(random, random.chance(0.1) ? 600 : 24);
      byKey.put(key, new Write(key, value));
    }
    return List.copyOf(byKey.values());
  }
}
