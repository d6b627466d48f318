package dev.meridian.txn.range.command;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;

/**
 * The field encodings shared by the range command codec and the range state machine's stored
 * values, so one value type is written one way everywhere:
 *
 * <pre>
 * range   := be64 id (positive)          ts := be64 micros (non-negative)
 * txn     := be32 coordinatorNode | be64 sequence
 * key     := be32 len | bytes
 * span    := key(start) | hasEnd(1) [ key(end) ]
 * outcome := 0x00 committed | ts(commitTs)   |   0x01 aborted
 * </pre>
 */
public final class FieldCodec {

  /** Most bytes of one key: a key never exceeds a command. */
  public static final int MAX_KEY_BYTES = RangeCommandCodec.MAX_COMMAND_BYTES;
  /** Fewest bytes an encoded span takes, for count checks. */
  public static final int MIN_SPAN_BYTES = 4 + 1;

  private static final int OUTCOME_COMMITTED = 0x00;
  private static final int OUTCOME_ABORTED = 0x01;

  private FieldCodec() {}

  public static BinaryWriter range(BinaryWriter out, RangeId range) {
    return out.i64(range.value());
  }

  public static RangeId range(BinaryReader in, String what) {
    long value = in.i64(what);
    if (value <= 0) {
      throw in.malformed(what + " is not a positive range id: " + value);
    }
    return new RangeId(value);
  }

  public static BinaryWriter txn(BinaryWriter out, TxnId txn) {
    return out.i32(txn.coordinatorNode()).i64(txn.sequence());
  }

  public static TxnId txn(BinaryReader in) {
    return new TxnId(in.i32("txn coordinator"), in.i64("txn sequence"));
  }

  public static BinaryWriter ts(BinaryWriter out, Timestamp ts) {
    return out.i64(ts.micros());
  }

  public static Timestamp ts(BinaryReader in, String what) {
    long micros = in.i64(what);
    if (micros < 0) {
      throw in.malformed(what + " is negative: " + micros);
    }
    return Timestamp.ofMicros(micros);
  }

  public static BinaryWriter key(BinaryWriter out, Key key) {
    return out.bytes(key.unsafeBytes());
  }

  public static Key key(BinaryReader in, String what) {
    return Key.wrap(in.bytes(what, MAX_KEY_BYTES));
  }

  public static BinaryWriter span(BinaryWriter out, KeySpan span) {
    key(out, span.start()).bool(span.end() != null);
    if (span.end() != null) {
      key(out, span.end());
    }
    return out;
  }

  public static KeySpan span(BinaryReader in, String what) {
    Key start = key(in, what + " start");
    Key end = in.bool(what + " has end") ? key(in, what + " end") : null;
    if (end != null && end.compareTo(start) < 0) {
      throw in.malformed(what + " ends before it starts");
    }
    return new KeySpan(start, end);
  }

  public static BinaryWriter outcome(BinaryWriter out, TxnOutcome outcome, Timestamp commitTs) {
    if (outcome == TxnOutcome.COMMITTED) {
      return ts(out.u8(OUTCOME_COMMITTED), commitTs);
    }
    return out.u8(OUTCOME_ABORTED);
  }

  /** The outcome and, when committed, its commit timestamp (null when aborted). */
  public record Decision(TxnOutcome outcome, Timestamp commitTs) {}

  public static Decision outcome(BinaryReader in) {
    int tag = in.u8("outcome");
    return switch (tag) {
      case OUTCOME_COMMITTED -> new Decision(TxnOutcome.COMMITTED, ts(in, "commit timestamp"));
      case OUTCOME_ABORTED -> new Decision(TxnOutcome.ABORTED, null);
      default -> throw in.malformed("unknown outcome " + tag);
    };
  }
}
