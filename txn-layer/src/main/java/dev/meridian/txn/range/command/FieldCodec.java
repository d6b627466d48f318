package dev.meridian.txn.range.command;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import java.util.ArrayList;
import java.util.List;

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
 * writes  := be32 count | (key | tag(1) [ be32 len | value ])*      tag 0x00 delete, 0x01 put
 * spans   := be32 count | span*
 * </pre>
 */
public final class FieldCodec {

  /** Most bytes of one key: a key never exceeds a command. */
  public static final int MAX_KEY_BYTES = RangeCommandCodec.MAX_COMMAND_BYTES;
  /** Fewest bytes an encoded span takes, for count checks. */
  public static final int MIN_SPAN_BYTES = 4 + 1;

  private static final int TAG_DELETE = 0x00;
  private static final int TAG_PUT = 0x01;
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

  public static BinaryWriter writes(BinaryWriter out, List<Write> writes) {
    out.i32(writes.size());
    for (Write write : writes) {
      key(out, write.key());
      if (write.isDelete()) {
        out.u8(TAG_DELETE);
      } else {
        out.u8(TAG_PUT).bytes(write.value());
      }
    }
    return out;
  }

  public static List<Write> writes(BinaryReader in) {
    int count = in.count("writes", 4 + 1, Integer.MAX_VALUE);
    List<Write> writes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Key key = key(in, "write key");
      int tag = in.u8("write tag");
      writes.add(switch (tag) {
        case TAG_DELETE -> Write.delete(key);
        case TAG_PUT -> Write.put(key, in.bytes("write value", RangeCommandCodec.MAX_COMMAND_BYTES));
        default -> throw in.malformed("unknown write tag " + tag);
      });
    }
    return writes;
  }

  public static BinaryWriter spans(BinaryWriter out, List<KeySpan> spans) {
    out.i32(spans.size());
    spans.forEach(span -> span(out, span));
    return out;
  }

  public static List<KeySpan> spans(BinaryReader in, String what) {
    int count = in.count(what + "s", MIN_SPAN_BYTES, Integer.MAX_VALUE);
    List<KeySpan> spans = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spans.add(span(in, what));
    }
    return spans;
  }

  public static BinaryWriter ranges(BinaryWriter out, List<RangeId> ranges) {
    out.i32(ranges.size());
    ranges.forEach(r -> range(out, r));
    return out;
  }

  public static List<RangeId> ranges(BinaryReader in, String what) {
    int count = in.count(what + "s", 8, Integer.MAX_VALUE);
    List<RangeId> ranges = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ranges.add(range(in, what));
    }
    return ranges;
  }
}
