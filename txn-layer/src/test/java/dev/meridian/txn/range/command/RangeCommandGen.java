package dev.meridian.txn.range.command;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Arbitrary well-formed commands of every kind, edge values often, for codec properties. */
public final class RangeCommandGen {

  private RangeCommandGen() {}

  public static RangeCommand any(RandomSource random) {
    return ofKind(random, random.nextInt(RangeCommand.class.getPermittedSubclasses().length));
  }

  /** A command of the {@code kind}-th permitted subtype (declaration order). */
  public static RangeCommand ofKind(RandomSource random, int kind) {
    return switch (kind) {
      case 0 -> new RangeCommand.Commit(range(random), Gen.anyLong(random), Gen.anyLong(random), txn(random),
          ts(random), writes(random));
      case 1 -> new RangeCommand.Prepare(range(random), Gen.anyLong(random), Gen.anyLong(random), txn(random),
          ts(random), writes(random), Gen.listOf(random, 4, RangeCommandGen::span), range(random));
      case 2 -> {
        boolean committed = random.chance(0.5);
        yield new RangeCommand.Resolve(range(random), txn(random),
            committed ? TxnOutcome.COMMITTED : TxnOutcome.ABORTED, committed ? ts(random) : null);
      }
      case 3 -> {
        boolean committed = random.chance(0.5);
        yield new RangeCommand.RecordDecision(range(random), txn(random),
            committed ? TxnOutcome.COMMITTED : TxnOutcome.ABORTED, committed ? ts(random) : null,
            Gen.listOf(random, 5, RangeCommandGen::range));
      }
      case 4 -> new RangeCommand.Split(range(random), Gen.anyLong(random), Math.abs(Gen.anyLong(random) % 1_000),
          key(random), range(random), ts(random));
      case 5 -> new RangeCommand.LeaseStart(range(random), Gen.between(random, 1, Long.MAX_VALUE),
          new NodeId(Gen.between(random, 1, Integer.MAX_VALUE)), ts(random));
      case 6 -> new RangeCommand.CloseTimestamp(range(random), Gen.anyLong(random), ts(random));
      default -> throw new IllegalArgumentException("no command kind " + kind);
    };
  }

  static RangeId range(RandomSource random) {
    return new RangeId(Gen.between(random, 1, Long.MAX_VALUE));
  }

  static TxnId txn(RandomSource random) {
    return new TxnId(Gen.anyInt(random), Gen.anyLong(random));
  }

  static Timestamp ts(RandomSource random) {
    return Timestamp.ofMicros(random.chance(0.2) ? Gen.oneOf(random, 0L, Long.MAX_VALUE) : Gen.between(random, 0, Long.MAX_VALUE));
  }

  static Key key(RandomSource random) {
    return Key.wrap(Gen.bytes(random, 12));
  }

  static KeySpan span(RandomSource random) {
    Key a = key(random);
    if (random.chance(0.3)) {
      return new KeySpan(a, null);
    }
    Key b = key(random);
    return a.compareTo(b) <= 0 ? new KeySpan(a, b) : new KeySpan(b, a);
  }

  static List<Write> writes(RandomSource random) {
    return Gen.listOf(random, 5, r -> r.chance(0.3) ? Write.delete(key(r)) : Write.put(key(r), Gen.bytes(r, 16)));
  }

  /**
   * Every field of a command, values in hex: records compare byte arrays by identity, so two
   * commands are equal in content exactly when their descriptions are.
   */
  public static String describe(RangeCommand command) {
    String text = command.toString();
    List<Write> writes = switch (command) {
      case RangeCommand.Commit c -> c.writes();
      case RangeCommand.Prepare p -> p.writes();
      default -> List.of();
    };
    return text.replaceAll("\\[B@[0-9a-f]+", "bytes") + " writes="
        + writes.stream()
            .map(w -> w.key() + "=" + (w.value() == null ? "delete" : HexFormat.of().formatHex(w.value())))
            .collect(Collectors.joining(","));
  }
}
