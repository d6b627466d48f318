package dev.meridian.txn.range.command;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.TxnOutcome;
import static dev.meridian.txn.range.command.FieldCodec.key;
import static dev.meridian.txn.range.command.FieldCodec.outcome;
import static dev.meridian.txn.range.command.FieldCodec.range;
import static dev.meridian.txn.range.command.FieldCodec.spans;
import static dev.meridian.txn.range.command.FieldCodec.ts;
import static dev.meridian.txn.range.command.FieldCodec.txn;
import static dev.meridian.txn.range.command.FieldCodec.writes;

import java.util.List;

/**
 * The binary encoding of {@link RangeCommand}s, as they travel in Paxos log entries and sit in the
 * Paxos log on disk. Every kind carries its own version byte, so one kind's layout can change (a new
 * field) while old entries in logs and snapshots still decode; a decoder meets only versions it knows.
 * All integers big-endian.
 *
 * <pre>
 * command := kind(1) | version(1) | body                 every kind at version 1 but Split (2)
 *   kind 0x01 Commit:         range | generation(8) | leaseSequence(8) | txn | commitTs | writes
 *   kind 0x02 Prepare:        range | generation(8) | leaseSequence(8) | txn | prepareTs | writes
 *                             | spans | coordinatorRange
 *   kind 0x03 Resolve:        range | txn | outcome
 *   kind 0x04 RecordDecision: range | txn | outcome | be32 count | range*
 *   kind 0x05 Split v1:       range | generation(8) | key | newRange   (lease 0, floor 0; still read)
 *   kind 0x05 Split v2:       range | generation(8) | leaseSequence(8) | key | newRange | rightFloorTs
 *   kind 0x06 LeaseStart:     range | leaseSequence(8) | holder(be32 node id) | floorTs
 *   kind 0x07 CloseTimestamp: range | leaseSequence(8) | closedTs
 * range, ts, txn, key, span, outcome: as {@link FieldCodec} documents
 * writes  := be32 count | (key | tag(1) [ be32 len | value ])*      tag 0x00 delete, 0x01 put
 * spans   := be32 count | span*
 * </pre>
 *
 * <p>Decoding trusts nothing (a log entry may be damaged, a peer may be buggy): a command longer
 * than {@link #MAX_COMMAND_BYTES} is refused unread, every length and count is checked against the
 * bytes left before anything is allocated, values the records refuse (a zero range id, a negative
 * timestamp) are refused as malformed, and so are trailing bytes. Errors are {@link
 * BinaryReader.MalformedException}.
 */
public final class RangeCommandCodec {

  /**
   * Most bytes of one encoded command: a Paxos command carries at most one transaction's writes,
   * which the write buffer limit bounds far below this.
   */
  public static final int MAX_COMMAND_BYTES = 64 << 20;

  static final int KIND_COMMIT = 0x01;
  static final int KIND_PREPARE = 0x02;
  static final int KIND_RESOLVE = 0x03;
  static final int KIND_RECORD_DECISION = 0x04;
  static final int KIND_SPLIT = 0x05;
  static final int KIND_LEASE_START = 0x06;
  static final int KIND_CLOSE_TIMESTAMP = 0x07;
  static final int VERSION_1 = 1;
  /** Split's current version: v1 plus the proposing lease and the right-hand floor. */
  static final int SPLIT_VERSION_2 = 2;

  private RangeCommandCodec() {}

  /** The kind byte of a command: which sealed subtype it is. */
  public static int kindOf(RangeCommand command) {
    return switch (command) {
      case RangeCommand.Commit c -> KIND_COMMIT;
      case RangeCommand.Prepare p -> KIND_PREPARE;
      case RangeCommand.Resolve r -> KIND_RESOLVE;
      case RangeCommand.RecordDecision d -> KIND_RECORD_DECISION;
      case RangeCommand.Split s -> KIND_SPLIT;
      case RangeCommand.LeaseStart l -> KIND_LEASE_START;
      case RangeCommand.CloseTimestamp c -> KIND_CLOSE_TIMESTAMP;
    };
  }

  public static byte[] encode(RangeCommand command) {
    BinaryWriter out = new BinaryWriter(64);
    out.u8(kindOf(command)).u8(command instanceof RangeCommand.Split ? SPLIT_VERSION_2 : VERSION_1);
    switch (command) {
      case RangeCommand.Commit c -> {
        range(out, c.range()).i64(c.generation()).i64(c.leaseSequence());
        ts(txn(out, c.txn()), c.commitTs());
        writes(out, c.writes());
      }
      case RangeCommand.Prepare p -> {
        range(out, p.range()).i64(p.generation()).i64(p.leaseSequence());
        ts(txn(out, p.txn()), p.prepareTs());
        writes(out, p.writes());
        spans(out, p.readSpans());
        range(out, p.coordinatorRange());
      }
      case RangeCommand.Resolve r -> {
        range(out, r.range());
        txn(out, r.txn());
        outcome(out, r.outcome(), r.commitTs());
      }
      case RangeCommand.RecordDecision d -> {
        range(out, d.range());
        txn(out, d.txn());
        outcome(out, d.outcome(), d.commitTs());
        FieldCodec.ranges(out, d.participants());
      }
      case RangeCommand.Split s -> {
        key(range(out, s.range()).i64(s.generation()).i64(s.leaseSequence()), s.splitKey());
        ts(range(out, s.newRange()), s.rightFloorTs());
      }
      case RangeCommand.LeaseStart l -> {
        ts(range(out, l.range()).i64(l.leaseSequence()).i32(l.holder().value()), l.floorTs());
      }
      case RangeCommand.CloseTimestamp c -> {
        ts(range(out, c.range()).i64(c.leaseSequence()), c.closedTs());
      }
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------- decode

  public static RangeCommand decode(byte[] bytes) {
    if (bytes.length > MAX_COMMAND_BYTES) {
      throw new BinaryReader.MalformedException(
          "range command of " + bytes.length + " bytes exceeds the limit of " + MAX_COMMAND_BYTES);
    }
    BinaryReader in = new BinaryReader(bytes);
    int kind = in.u8("command kind");
    int version = in.u8("command version");
    RangeCommand command;
    try {
      command = switch (kind) {
        case KIND_COMMIT -> {
          expectVersion(in, kind, version);
          yield new RangeCommand.Commit(range(in, "range"), in.i64("generation"), in.i64("lease sequence"),
              txn(in), ts(in, "commit timestamp"), writes(in));
        }
        case KIND_PREPARE -> {
          expectVersion(in, kind, version);
          RangeId range = range(in, "range");
          long generation = in.i64("generation");
          long leaseSequence = in.i64("lease sequence");
          TxnId txn = txn(in);
          Timestamp prepareTs = ts(in, "prepare timestamp");
          List<Write> writes = writes(in);
          List<KeySpan> spans = spans(in, "read span");
          yield new RangeCommand.Prepare(range, generation, leaseSequence, txn, prepareTs, writes, spans,
              range(in, "coordinator range"));
        }
        case KIND_RESOLVE -> {
          expectVersion(in, kind, version);
          RangeId range = range(in, "range");
          TxnId txn = txn(in);
          FieldCodec.Decision decision = outcome(in);
          yield new RangeCommand.Resolve(range, txn, decision.outcome(), decision.commitTs());
        }
        case KIND_RECORD_DECISION -> {
          expectVersion(in, kind, version);
          RangeId range = range(in, "range");
          TxnId txn = txn(in);
          FieldCodec.Decision decision = outcome(in);
          yield new RangeCommand.RecordDecision(range, txn, decision.outcome(), decision.commitTs(),
              FieldCodec.ranges(in, "participant"));
        }
        case KIND_SPLIT -> {
          if (version == VERSION_1) {
            yield new RangeCommand.Split(range(in, "range"), in.i64("generation"), key(in, "split key"),
                range(in, "new range"));
          }
          if (version != SPLIT_VERSION_2) {
            throw in.malformed("range command kind " + kind + " has unknown version " + version
                + " (this node reads versions 1 and " + SPLIT_VERSION_2 + "; upgrade it)");
          }
          yield new RangeCommand.Split(range(in, "range"), in.i64("generation"), in.i64("lease sequence"),
              key(in, "split key"), range(in, "new range"), ts(in, "right floor timestamp"));
        }
        case KIND_LEASE_START -> {
          expectVersion(in, kind, version);
          yield new RangeCommand.LeaseStart(range(in, "range"), in.i64("lease sequence"),
              new NodeId(in.i32("holder")), ts(in, "floor timestamp"));
        }
        case KIND_CLOSE_TIMESTAMP -> {
          expectVersion(in, kind, version);
          yield new RangeCommand.CloseTimestamp(range(in, "range"), in.i64("lease sequence"),
              ts(in, "closed timestamp"));
        }
        default -> throw in.malformed("unknown range command kind " + kind);
      };
    } catch (BinaryReader.MalformedException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // A field the records refuse (a zero range id, a negative timestamp, lease sequence 0...).
      throw in.malformed("range command of kind " + kind + " holds an invalid value: " + e.getMessage());
    }
    in.expectEnd("range command of kind " + kind);
    return command;
  }

  private static void expectVersion(BinaryReader in, int kind, int version) {
    if (version != VERSION_1) {
      throw in.malformed("range command kind " + kind + " has unknown version " + version
          + " (this node reads version " + VERSION_1 + "; upgrade it)");
    }
  }

}
