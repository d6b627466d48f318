package dev.meridian.txn.wire;

import static dev.meridian.txn.range.command.FieldCodec.key;
import static dev.meridian.txn.range.command.FieldCodec.range;
import static dev.meridian.txn.range.command.FieldCodec.span;
import static dev.meridian.txn.range.command.FieldCodec.ts;
import static dev.meridian.txn.wire.WireCodec.codec;
import static dev.meridian.txn.wire.WireCodec.hint;
import static dev.meridian.txn.wire.WireCodec.text;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Codec;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.leaseholder.ClosedTimestampUpdate;
import dev.meridian.txn.leaseholder.LogSlot;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload encodings of the follower-read types ({@link FollowerReadMessages}, M7), in {@link
 * WireCodec}'s conventions: a version byte (1) first, {@code FieldCodec} fields, big-endian
 * integers; a decoder refuses unknown versions and tags, trailing bytes, and counts larger than the
 * bytes left.
 *
 * <pre>
 * follower-get    := v1 | range | generation(8) | key | readTs | strong(1)
 * follower-scan   := v1 | range | generation(8) | span | readTs | strong(1) | direction(1: 0 fwd, 1 rev) | limit(be32)
 * safe-time       := v1 | range | generation(8)
 * read-index      := v1 | range | generation(8) | span | readTs
 * answer          := v1 | 0x00 versions                      (versions as in WireCodec's read answer)
 *                  | v1 | 0x01 safeTime | text(why)          not yet
 *                  | v1 | 0x02 gcHorizon                     too old
 *                  | v1 | 0x03 safeTime                      safe time
 *                  | v1 | 0x04 slot(8)                       indexed
 *                  | v1 | 0x05 redirect(1) | hint | text(why) refused (SnapshotReads.Redirect ordinal)
 * closed-ts batch := v1 | from(be32) | be32 count | (range | leaseSequence(8) | closedTs | requiredSlot(8))*
 * </pre>
 *
 * A closed-timestamp entry is 32 bytes, so a node leading a thousand idle ranges sends each peer
 * about 32 KB per close interval (within the transport's frame limit; {@code ClosedTimestamps}
 * splits larger batches).
 */
public final class FollowerWireCodec {

  /** Bytes of one closed-timestamp entry in a batch. */
  public static final int CLOSED_ENTRY_BYTES = 8 + 8 + 8 + 8;

  private FollowerWireCodec() {}

  public static final Codec<FollowerReadMessages.FollowerGet> FOLLOWER_GET = codec(
      (g, out) -> key(range(out, g.range()).i64(g.generation()), g.key()).i64(g.readTs().micros()).bool(g.strong()),
      in -> new FollowerReadMessages.FollowerGet(range(in, "range"), in.i64("generation"), key(in, "key"),
          ts(in, "read timestamp"), in.bool("strong")));

  public static final Codec<FollowerReadMessages.FollowerScan> FOLLOWER_SCAN = codec(
      (s, out) -> ts(span(range(out, s.range()).i64(s.generation()), s.span()), s.readTs()).bool(s.strong())
          .u8(s.direction() == Direction.FORWARD ? 0 : 1).i32(s.limit()),
      in -> new FollowerReadMessages.FollowerScan(range(in, "range"), in.i64("generation"), span(in, "span"),
          ts(in, "read timestamp"), in.bool("strong"), direction(in), in.i32("limit")));

  public static final Codec<FollowerReadMessages.SafeTimeQuery> SAFE_TIME = codec(
      (q, out) -> range(out, q.range()).i64(q.generation()),
      in -> new FollowerReadMessages.SafeTimeQuery(range(in, "range"), in.i64("generation")));

  public static final Codec<FollowerReadMessages.ReadIndexRequest> READ_INDEX = codec(
      (r, out) -> ts(span(range(out, r.range()).i64(r.generation()), r.span()), r.readTs()),
      in -> new FollowerReadMessages.ReadIndexRequest(range(in, "range"), in.i64("generation"), span(in, "span"),
          ts(in, "read timestamp")));

  public static final Codec<FollowerReadMessages.Answer> ANSWER = codec(FollowerWireCodec::encodeAnswer,
      FollowerWireCodec::decodeAnswer);

  public static final Codec<FollowerReadMessages.ClosedTimestampBatch> CLOSED_TIMESTAMPS = codec(
      (b, out) -> {
        out.i32(b.from().value()).i32(b.updates().size());
        for (ClosedTimestampUpdate u : b.updates()) {
          ts(range(out, u.range()).i64(u.leaseSequence()), u.closedTs()).i64(u.requiredSlot().value());
        }
        return out;
      },
      in -> {
        NodeId from = new NodeId(in.i32("from"));
        int count = in.count("closed timestamps", CLOSED_ENTRY_BYTES, Integer.MAX_VALUE);
        List<ClosedTimestampUpdate> updates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          updates.add(new ClosedTimestampUpdate(range(in, "range"), in.i64("lease sequence"), ts(in, "closed timestamp"),
              new LogSlot(in.i64("required slot"))));
        }
        return new FollowerReadMessages.ClosedTimestampBatch(from, updates);
      });

  private static Direction direction(BinaryReader in) {
    int direction = in.u8("direction");
    if (direction > 1) {
      throw in.malformed("unknown scan direction " + direction);
    }
    return direction == 0 ? Direction.FORWARD : Direction.REVERSE;
  }

  private static BinaryWriter encodeAnswer(FollowerReadMessages.Answer answer, BinaryWriter out) {
    return switch (answer) {
      case FollowerReadMessages.Versions v -> WireCodec.encodeVersions(v.versions(), out.u8(0x00));
      case FollowerReadMessages.NotYet n -> text(ts(out.u8(0x01), n.safeTime()), n.why());
      case FollowerReadMessages.TooOld t -> ts(out.u8(0x02), t.gcHorizon());
      case FollowerReadMessages.SafeTime s -> ts(out.u8(0x03), s.safeTime());
      case FollowerReadMessages.Indexed i -> out.u8(0x04).i64(i.slot());
      case FollowerReadMessages.Refused r ->
          text(hint(out.u8(0x05).u8(r.redirect().ordinal()), r.leaseholderHint()), r.why());
    };
  }

  private static FollowerReadMessages.Answer decodeAnswer(BinaryReader in) {
    int tag = in.u8("follower answer");
    return switch (tag) {
      case 0x00 -> new FollowerReadMessages.Versions(WireCodec.decodeVersions(in));
      case 0x01 -> new FollowerReadMessages.NotYet(ts(in, "safe time"), text(in, "why"));
      case 0x02 -> new FollowerReadMessages.TooOld(ts(in, "gc horizon"));
      case 0x03 -> new FollowerReadMessages.SafeTime(ts(in, "safe time"));
      case 0x04 -> new FollowerReadMessages.Indexed(in.i64("slot"));
      case 0x05 -> {
        int redirect = in.u8("redirect");
        if (redirect >= SnapshotReads.Redirect.values().length) {
          throw in.malformed("unknown read redirect " + redirect);
        }
        yield new FollowerReadMessages.Refused(SnapshotReads.Redirect.values()[redirect], hint(in), text(in, "why"));
      }
      default -> throw in.malformed("unknown follower answer " + tag);
    };
  }
}
