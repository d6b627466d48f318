package dev.meridian.txn.wire;

import static dev.meridian.txn.range.command.FieldCodec.key;
import static dev.meridian.txn.range.command.FieldCodec.outcome;
import static dev.meridian.txn.range.command.FieldCodec.range;
import static dev.meridian.txn.range.command.FieldCodec.span;
import static dev.meridian.txn.range.command.FieldCodec.spans;
import static dev.meridian.txn.range.command.FieldCodec.ts;
import static dev.meridian.txn.range.command.FieldCodec.txn;
import static dev.meridian.txn.range.command.FieldCodec.writes;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Codec;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.coordinator.message.CoordinatorRequest;
import dev.meridian.txn.coordinator.message.ParticipantReply;
import dev.meridian.txn.directory.DescriptorCodec;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.range.command.FieldCodec;
import dev.meridian.txn.range.command.RangeCommandCodec;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The payload encodings of the range request types ({@link RangeRequests}). Every payload opens with
 * a version byte (1), so a field can be added without breaking mixed-version clusters; a decoder
 * refuses versions it does not know, trailing bytes, and counts larger than the bytes left. Field
 * encodings are {@link FieldCodec}'s. All integers big-endian.
 *
 * <pre>
 * get             := v1 | range | generation(8) | key | readTs
 * scan            := v1 | range | generation(8) | span | readTs | direction(1: 0 fwd, 1 rev) | limit(be32)
 * read answer     := v1 | 0x00 | be32 count | (key | commitTs | hasValue(1) [ be32 len | value ])*
 *                  | v1 | 0x01 | redirect(1) | hint | text(why)
 * commit-one-phase:= v1 | range | generation(8) | txn | readTs | keys | spans | writes
 * prepare         := v1 | range | generation(8) | txn | readTs | keys | spans | writes | coordinatorRange
 * record-decision := v1 | range | txn | outcome | be32 count | range*
 * resolve         := v1 | range | txn | outcome
 * query-decision  := v1 | range | txn | expiresAt
 * answer          := v1 | reply | hint
 * reply           := 0x01 prepared ts | 0x02 committed ts | 0x03 conflict hasKey(1) [key] text
 *                  | 0x04 redirect reason(1) | 0x05 unknown text | 0x06 recorded outcome
 *                  | 0x07 undecided ts | 0x08 resolved
 * keys  := be32 count | key*          hint := be32 node id, 0 for none
 * text  := be32 len | UTF-8, at most {@link #MAX_TEXT_BYTES}
 * </pre>
 */
public final class WireCodec {

  static final int VERSION_1 = 1;
  /** Longest message text carried (reasons, errors); longer ones are cut. */
  public static final int MAX_TEXT_BYTES = 2_000;

  private WireCodec() {}

  public static final Codec<SnapshotReads.Get> GET = codec(
      (g, out) -> key(range(out, g.range()).i64(g.generation()), g.key()).i64(g.readTs().micros()),
      in -> new SnapshotReads.Get(range(in, "range"), in.i64("generation"), key(in, "key"), ts(in, "read timestamp")));

  public static final Codec<SnapshotReads.Scan> SCAN = codec(
      (s, out) -> ts(span(range(out, s.range()).i64(s.generation()), s.span()), s.readTs())
          .u8(s.direction() == Direction.FORWARD ? 0 : 1).i32(s.limit()),
      in -> new SnapshotReads.Scan(range(in, "range"), in.i64("generation"), span(in, "span"), ts(in, "read timestamp"),
          in.u8("direction") == 0 ? Direction.FORWARD : Direction.REVERSE, in.i32("limit")));

  public static final Codec<SnapshotReads.Answer> READ_ANSWER = codec(WireCodec::encodeReadAnswer, WireCodec::decodeReadAnswer);

  public static final Codec<CoordinatorRequest.CommitOnePhase> COMMIT_ONE_PHASE = codec(
      (c, out) -> writes(spans(keys(ts(txn(range(out, c.range()).i64(c.generation()), c.txn()), c.readTs()), c.readKeys()),
          c.readSpans()), c.writes()),
      in -> new CoordinatorRequest.CommitOnePhase(range(in, "range"), in.i64("generation"), txn(in),
          ts(in, "read timestamp"), keys(in), spans(in, "read span"), writes(in)));

  public static final Codec<CoordinatorRequest.Prepare> PREPARE = codec(
      (p, out) -> range(writes(spans(keys(ts(txn(range(out, p.range()).i64(p.generation()), p.txn()), p.readTs()),
          p.readKeys()), p.readSpans()), p.writes()), p.coordinatorRange()),
      in -> new CoordinatorRequest.Prepare(range(in, "range"), in.i64("generation"), txn(in), ts(in, "read timestamp"),
          keys(in), spans(in, "read span"), writes(in), range(in, "coordinator range")));

  public static final Codec<CoordinatorRequest.RecordDecision> RECORD_DECISION = codec(
      (d, out) -> FieldCodec.ranges(outcome(txn(range(out, d.range()), d.txn()), d.outcome(), d.commitTs()),
          d.participants()),
      in -> {
        RangeId range = range(in, "range");
        var txn = txn(in);
        FieldCodec.Decision decision = outcome(in);
        return new CoordinatorRequest.RecordDecision(range, txn, decision.outcome(), decision.commitTs(),
            FieldCodec.ranges(in, "participant"));
      });

  public static final Codec<CoordinatorRequest.Resolve> RESOLVE = codec(
      (r, out) -> outcome(txn(range(out, r.range()), r.txn()), r.outcome(), r.commitTs()),
      in -> {
        RangeId range = range(in, "range");
        var txn = txn(in);
        FieldCodec.Decision decision = outcome(in);
        return new CoordinatorRequest.Resolve(range, txn, decision.outcome(), decision.commitTs());
      });

  public static final Codec<CoordinatorRequest.QueryDecision> QUERY_DECISION = codec(
      (q, out) -> ts(txn(range(out, q.range()), q.txn()), q.expiresAt()),
      in -> new CoordinatorRequest.QueryDecision(range(in, "range"), txn(in), ts(in, "expires at")));

  public static final Codec<ParticipantAnswer> ANSWER = codec(
      (a, out) -> hint(encodeReply(a.reply(), out), a.leaseholderHint()),
      in -> new ParticipantAnswer(decodeReply(in), hint(in)));

  public static final Codec<SplitRequests.Split> SPLIT = codec(
      (q, out) -> range(key(range(out, q.range()).i64(q.generation()), q.splitKey()), q.newRange()),
      in -> new SplitRequests.Split(range(in, "range"), in.i64("generation"), key(in, "split key"),
          range(in, "new range")));

  /**
   * {@code 0 | left | right} (each a {@link DescriptorCodec} encoding, length-prefixed), {@code 1 |
   * redirect(1) | hint | why}, {@code 2 | why}.
   */
  public static final Codec<SplitRequests.Answer> SPLIT_ANSWER = codec(WireCodec::encodeSplitAnswer,
      WireCodec::decodeSplitAnswer);

  private static BinaryWriter encodeSplitAnswer(SplitRequests.Answer answer, BinaryWriter out) {
    return switch (answer) {
      case SplitRequests.Done done ->
          out.u8(0).bytes(DescriptorCodec.encode(done.left())).bytes(DescriptorCodec.encode(done.right()));
      case SplitRequests.Refused refused ->
          text(hint(out.u8(1).u8(refused.redirect().ordinal()), refused.leaseholderHint()), refused.why());
      case SplitRequests.Unknown unknown -> text(out.u8(2), unknown.why());
    };
  }

  private static SplitRequests.Answer decodeSplitAnswer(BinaryReader in) {
    int tag = in.u8("split answer");
    return switch (tag) {
      case 0 -> {
        DirectoryLimits limits = DirectoryLimits.defaults();
        RangeDescriptor left = DescriptorCodec.decode(in.bytes("left descriptor", RangeCommandCodec.MAX_COMMAND_BYTES), limits);
        RangeDescriptor right = DescriptorCodec.decode(in.bytes("right descriptor", RangeCommandCodec.MAX_COMMAND_BYTES), limits);
        yield new SplitRequests.Done(left, right);
      }
      case 1 -> {
        int redirect = in.u8("redirect");
        if (redirect >= SnapshotReads.Redirect.values().length) {
          throw in.malformed("unknown split redirect " + redirect);
        }
        yield new SplitRequests.Refused(SnapshotReads.Redirect.values()[redirect], hint(in), text(in, "why"));
      }
      case 2 -> new SplitRequests.Unknown(text(in, "why"));
      default -> throw in.malformed("unknown split answer " + tag);
    };
  }

  // ---------------------------------------------------------------------------------------------

  @FunctionalInterface
  interface Writer<T> {
    BinaryWriter write(T value, BinaryWriter out);
  }

  static <T> Codec<T> codec(Writer<T> writer, Function<BinaryReader, T> reader) {
    return new Codec<>() {
      @Override
      public byte[] encode(T value) {
        BinaryWriter out = new BinaryWriter(64).u8(VERSION_1);
        writer.write(value, out);
        return out.toByteArray();
      }

      @Override
      public T decode(byte[] bytes) {
        if (bytes.length > RangeCommandCodec.MAX_COMMAND_BYTES) {
          throw new BinaryReader.MalformedException("a range request of " + bytes.length + " bytes is over the limit");
        }
        BinaryReader in = new BinaryReader(bytes);
        int version = in.u8("version");
        if (version != VERSION_1) {
          throw in.malformed("range request payload of unknown version " + version + " (this node reads "
              + VERSION_1 + ")");
        }
        T value;
        try {
          value = reader.apply(in);
        } catch (BinaryReader.MalformedException e) {
          throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
          throw in.malformed("range request payload holds an invalid value: " + e.getMessage());
        }
        in.expectEnd("range request payload");
        return value;
      }
    };
  }

  private static BinaryWriter keys(BinaryWriter out, List<Key> keys) {
    out.i32(keys.size());
    keys.forEach(k -> key(out, k));
    return out;
  }

  private static List<Key> keys(BinaryReader in) {
    int count = in.count("read keys", 4, Integer.MAX_VALUE);
    List<Key> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(key(in, "read key"));
    }
    return keys;
  }

  static BinaryWriter text(BinaryWriter out, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_TEXT_BYTES) {
      bytes = java.util.Arrays.copyOf(bytes, MAX_TEXT_BYTES);
    }
    return out.bytes(bytes);
  }

  static String text(BinaryReader in, String what) {
    return new String(in.bytes(what, MAX_TEXT_BYTES), StandardCharsets.UTF_8);
  }

  static BinaryWriter hint(BinaryWriter out, NodeId hint) {
    return out.i32(hint == null ? 0 : hint.value());
  }

  static NodeId hint(BinaryReader in) {
    int value = in.i32("leaseholder hint");
    return value == 0 ? null : new NodeId(value);
  }

  static BinaryWriter encodeVersions(List<Version> versions, BinaryWriter out) {
    out.i32(versions.size());
    for (Version version : versions) {
      ts(key(out, version.key()), version.commitTs()).bool(version.value() != null);
      if (version.value() != null) {
        out.bytes(version.value());
      }
    }
    return out;
  }

  static List<Version> decodeVersions(BinaryReader in) {
    int count = in.count("versions", 4 + 8 + 1, Integer.MAX_VALUE);
    List<Version> versions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Key key = key(in, "version key");
      Timestamp commitTs = ts(in, "commit timestamp");
      byte[] value = in.bool("has value") ? in.bytes("value", RangeCommandCodec.MAX_COMMAND_BYTES) : null;
      versions.add(new Version(key, commitTs, value));
    }
    return versions;
  }

  private static BinaryWriter encodeReadAnswer(SnapshotReads.Answer answer, BinaryWriter out) {
    switch (answer) {
      case SnapshotReads.Versions versions -> encodeVersions(versions.versions(), out.u8(0));
      case SnapshotReads.Refused refused ->
          text(hint(out.u8(1).u8(refused.redirect().ordinal()), refused.leaseholderHint()), refused.why());
    }
    return out;
  }

  private static SnapshotReads.Answer decodeReadAnswer(BinaryReader in) {
    int tag = in.u8("read answer");
    return switch (tag) {
      case 0 -> new SnapshotReads.Versions(decodeVersions(in));
      case 1 -> {
        int redirect = in.u8("redirect");
        if (redirect >= SnapshotReads.Redirect.values().length) {
          throw in.malformed("unknown read redirect " + redirect);
        }
        yield new SnapshotReads.Refused(SnapshotReads.Redirect.values()[redirect], hint(in), text(in, "why"));
      }
      default -> throw in.malformed("unknown read answer " + tag);
    };
  }

  private static BinaryWriter encodeReply(ParticipantReply reply, BinaryWriter out) {
    switch (reply) {
      case ParticipantReply.Prepared p -> ts(out.u8(0x01), p.prepareTs());
      case ParticipantReply.Committed c -> ts(out.u8(0x02), c.commitTs());
      case ParticipantReply.Conflict c -> {
        out.u8(0x03).bool(c.key() != null);
        if (c.key() != null) {
          key(out, c.key());
        }
        text(out, c.reason());
      }
      case ParticipantReply.Redirect r -> out.u8(0x04).u8(r.reason().ordinal());
      case ParticipantReply.OutcomeUnknown u -> text(out.u8(0x05), u.why());
      case ParticipantReply.Recorded r -> outcome(out.u8(0x06), r.outcome(), r.commitTs());
      case ParticipantReply.Undecided u -> ts(out.u8(0x07), u.expiresAt());
      case ParticipantReply.Resolved r -> out.u8(0x08);
    }
    return out;
  }

  private static ParticipantReply decodeReply(BinaryReader in) {
    int tag = in.u8("reply");
    return switch (tag) {
      case 0x01 -> new ParticipantReply.Prepared(ts(in, "prepare timestamp"));
      case 0x02 -> new ParticipantReply.Committed(ts(in, "commit timestamp"));
      case 0x03 -> {
        Key key = in.bool("has key") ? key(in, "conflict key") : null;
        yield new ParticipantReply.Conflict(key, text(in, "reason"));
      }
      case 0x04 -> {
        int reason = in.u8("redirect reason");
        if (reason >= ParticipantReply.Redirect.Reason.values().length) {
          throw in.malformed("unknown redirect reason " + reason);
        }
        yield new ParticipantReply.Redirect(ParticipantReply.Redirect.Reason.values()[reason]);
      }
      case 0x05 -> new ParticipantReply.OutcomeUnknown(text(in, "why"));
      case 0x06 -> {
        FieldCodec.Decision decision = outcome(in);
        yield new ParticipantReply.Recorded(decision.outcome(), decision.commitTs());
      }
      case 0x07 -> new ParticipantReply.Undecided(ts(in, "expires at"));
      case 0x08 -> new ParticipantReply.Resolved();
      default -> throw in.malformed("unknown participant reply " + tag);
    };
  }
}
