package dev.meridian.txn.range.state;

import static dev.meridian.txn.range.command.FieldCodec.key;
import static dev.meridian.txn.range.command.FieldCodec.range;
import static dev.meridian.txn.range.command.FieldCodec.span;
import static dev.meridian.txn.range.command.FieldCodec.ts;
import static dev.meridian.txn.range.command.FieldCodec.txn;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.range.LocalKind;
import dev.meridian.txn.range.command.FieldCodec;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The values of the range-local entries the state machine stores ({@link LocalKind}; the store
 * documents the keys: {@code be64(rangeId) | kindTag | suffix} in the {@code range_local} column
 * family). Field encodings as {@link FieldCodec}; every value opens with a format version byte so a
 * later release can change one layout and still read the old.
 *
 * <pre>
 * suffix of PREPARED, TXN_RECORD, COMMIT_MARKER := txn (be32 coordinatorNode | be64 sequence)
 *
 * META          := 0x01 | descriptor | be64 leaseSequence | be32 leaseHolder (0: none)
 *                  | ts leaseFloor | ts maxAppliedCommitTs | ts maxLeaseholderTs | ts closedTs
 *   descriptor  := range id | span | be32 count | replica* | be64 generation
 *   replica     := be32 node | be32 len | utf8 region | role(1)      role = ReplicaRole ordinal
 * PREPARED      := 0x01 | ts prepareTs | be64 leaseSequence | range coordinatorRange | be32 count | key* | be32 count | span*
 * TXN_RECORD    := 0x01 | outcome | be32 count | range*
 * COMMIT_MARKER := 0x01 | ts (the commit or prepare timestamp)
 * </pre>
 */
public final class RangeLocalLayout {

  private static final int FORMAT = 0x01;
  private static final int MAX_REPLICAS = 1024;

  /** Transaction ids in the order of their suffix bytes (unsigned), which is the store's order. */
  public static final Comparator<TxnId> TXN_ORDER =
      Comparator.<TxnId>comparingInt(t -> t.coordinatorNode() ^ Integer.MIN_VALUE)
          .thenComparingLong(t -> t.sequence() ^ Long.MIN_VALUE);

  private RangeLocalLayout() {}

  public static byte[] txnSuffix(TxnId txn) {
    return txn(new BinaryWriter(12), txn).toByteArray();
  }

  public static TxnId txnOfSuffix(byte[] suffix) {
    BinaryReader in = new BinaryReader(suffix);
    TxnId txn = txn(in);
    in.expectEnd("txn suffix");
    return txn;
  }

  // ------------------------------------------------------------------------------------ META

  public static byte[] encodeMeta(RangeMeta meta) {
    BinaryWriter out = new BinaryWriter(128).u8(FORMAT);
    descriptor(out, meta.descriptor());
    out.i64(meta.leaseSequence()).i32(meta.leaseHolder() == null ? 0 : meta.leaseHolder().value());
    ts(out, meta.leaseFloor());
    ts(out, meta.maxAppliedCommitTs());
    ts(out, meta.maxLeaseholderTs());
    ts(out, meta.closedTs());
    return out.toByteArray();
  }

  public static RangeMeta decodeMeta(byte[] value) {
    BinaryReader in = reader(value, "range meta");
    RangeDescriptor descriptor = descriptor(in);
    long leaseSequence = in.i64("lease sequence");
    int holder = in.i32("lease holder");
    RangeMeta meta = new RangeMeta(descriptor, leaseSequence, holder == 0 ? null : new NodeId(holder),
        ts(in, "lease floor"), ts(in, "max applied commit ts"), ts(in, "max leaseholder ts"), ts(in, "closed ts"));
    in.expectEnd("range meta");
    return meta;
  }

  static void descriptor(BinaryWriter out, RangeDescriptor descriptor) {
    range(out, descriptor.id());
    span(out, descriptor.span());
    out.i32(descriptor.replicas().size());
    for (ReplicaDescriptor replica : descriptor.replicas()) {
      out.i32(replica.node().value()).bytes(replica.region().getBytes(StandardCharsets.UTF_8)).u8(replica.role().ordinal());
    }
    out.i64(descriptor.generation());
  }

  static RangeDescriptor descriptor(BinaryReader in) {
    RangeId id = range(in, "range id");
    KeySpan span = span(in, "range span");
    int count = in.count("replicas", 4 + 4 + 1, MAX_REPLICAS);
    List<ReplicaDescriptor> replicas = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      NodeId node = new NodeId(in.i32("replica node"));
      String region = new String(in.bytes("replica region", 1024), StandardCharsets.UTF_8);
      int role = in.u8("replica role");
      if (role >= ReplicaRole.values().length) {
        throw in.malformed("unknown replica role " + role);
      }
      replicas.add(new ReplicaDescriptor(node, region, ReplicaRole.values()[role]));
    }
    return new RangeDescriptor(id, span, replicas, in.i64("generation"));
  }

  // -------------------------------------------------------------------------------- PREPARED

  public static byte[] encodePrepared(PreparedTxn prepared) {
    BinaryWriter out = new BinaryWriter(64).u8(FORMAT);
    ts(out, prepared.prepareTs());
    out.i64(prepared.leaseSequence());
    range(out, prepared.coordinatorRange());
    out.i32(prepared.writeKeys().size());
    prepared.writeKeys().forEach(k -> key(out, k));
    out.i32(prepared.readSpans().size());
    prepared.readSpans().forEach(s -> span(out, s));
    return out.toByteArray();
  }

  public static PreparedTxn decodePrepared(TxnId txn, byte[] value) {
    BinaryReader in = reader(value, "prepared transaction");
    Timestamp prepareTs = ts(in, "prepare ts");
    long leaseSequence = in.i64("lease sequence");
    RangeId coordinator = range(in, "coordinator range");
    int keyCount = in.count("write keys", 4, Integer.MAX_VALUE);
    List<Key> keys = new ArrayList<>(keyCount);
    for (int i = 0; i < keyCount; i++) {
      keys.add(key(in, "write key"));
    }
    int spanCount = in.count("read spans", FieldCodec.MIN_SPAN_BYTES, Integer.MAX_VALUE);
    List<KeySpan> spans = new ArrayList<>(spanCount);
    for (int i = 0; i < spanCount; i++) {
      spans.add(span(in, "read span"));
    }
    in.expectEnd("prepared transaction");
    return new PreparedTxn(txn, prepareTs, leaseSequence, keys, spans, coordinator);
  }

  // ------------------------------------------------------------------------------ TXN_RECORD

  public static byte[] encodeRecord(TxnRecord record) {
    BinaryWriter out = new BinaryWriter(32).u8(FORMAT);
    FieldCodec.outcome(out, record.outcome(), record.commitTs());
    out.i32(record.participants().size());
    record.participants().forEach(p -> range(out, p));
    return out.toByteArray();
  }

  public static TxnRecord decodeRecord(TxnId txn, byte[] value) {
    BinaryReader in = reader(value, "transaction record");
    FieldCodec.Decision decision = FieldCodec.outcome(in);
    int count = in.count("participants", 8, Integer.MAX_VALUE);
    List<RangeId> participants = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      participants.add(range(in, "participant"));
    }
    in.expectEnd("transaction record");
    return new TxnRecord(txn, decision.outcome(), decision.commitTs(), participants);
  }

  // --------------------------------------------------------------------------- COMMIT_MARKER

  public static byte[] encodeMarker(Timestamp commitTs) {
    return ts(new BinaryWriter(9).u8(FORMAT), commitTs).toByteArray();
  }

  public static Timestamp decodeMarker(byte[] value) {
    BinaryReader in = reader(value, "commit marker");
    Timestamp ts = ts(in, "commit ts");
    in.expectEnd("commit marker");
    return ts;
  }

  private static BinaryReader reader(byte[] value, String what) {
    BinaryReader in = new BinaryReader(value);
    int format = in.u8(what + " format");
    if (format != FORMAT) {
      throw in.malformed(what + " has unknown format " + format);
    }
    return in;
  }
}
