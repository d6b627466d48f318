package dev.meridian.storage.range;

import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import dev.meridian.storage.mvcc.Intent;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte format of a snapshot chunk: a list of {@link RangeEntry}s. All integers big-endian.
 *
 * <pre>
 * chunk   := format(1) = 0x01 | count(be32) | entry*
 * entry   := section(1) | body
 *   section 0x00 local:   kindTag(1) | be32 len | suffix | be32 len | value
 *   section 0x01 version: be32 len | key | be64 commitMicros | tag(1) [ be32 len | row ]
 *   section 0x02 intent:  be32 len | key | be32 coordinatorNode | be64 sequence | be64 prepareMicros
 *                         | tag(1) [ be32 len | row ]
 *   tag 0x00 = tombstone / delete (no row follows), 0x01 = row
 * </pre>
 *
 * <p>Decoding trusts nothing: every length is checked against the bytes left and against {@link
 * #MAX_FIELD_BYTES} before allocating, counts against the bytes left, timestamps must be
 * non-negative, and trailing bytes are refused.
 */
public final class RangeEntryCodec {

  static final int FORMAT = 0x01;
  /** Most bytes of one key, suffix, or value in a chunk: far above any row, below a chunk. */
  public static final int MAX_FIELD_BYTES = 64 << 20;
  /** Smallest encoded entry (a local with empty suffix and value), for count checks. */
  private static final int MIN_ENTRY_BYTES = 1 + 1 + 4 + 4;
  private static final int TAG_TOMBSTONE = 0x00;
  private static final int TAG_ROW = 0x01;

  private RangeEntryCodec() {}

  /** Bytes of a chunk with no entries. */
  public static int headerBytes() {
    return 1 + 4;
  }

  /** The bytes {@code entry} adds to a chunk. */
  public static int encodedSize(RangeEntry entry) {
    return 1 + switch (entry) {
      case RangeEntry.Local local -> 1 + 4 + local.suffix().length + 4 + local.value().length;
      case RangeEntry.VersionEntry version -> 4 + version.key().length() + 8 + rowSize(version.value());
      case RangeEntry.IntentEntry intent -> 4 + intent.intent().key().length() + 4 + 8 + 8 + rowSize(intent.intent().value());
    };
  }

  private static int rowSize(byte[] row) {
    return 1 + (row == null ? 0 : 4 + row.length);
  }

  public static byte[] encode(List<RangeEntry> entries) {
    BinaryWriter out = new BinaryWriter(headerBytes() + entries.stream().mapToInt(RangeEntryCodec::encodedSize).sum());
    out.u8(FORMAT).i32(entries.size());
    for (RangeEntry entry : entries) {
      out.u8(entry.section());
      switch (entry) {
        case RangeEntry.Local local -> out.u8(local.kind().tag()).bytes(local.suffix()).bytes(local.value());
        case RangeEntry.VersionEntry version -> {
          out.bytes(version.key().unsafeBytes()).i64(version.commitTs().micros());
          row(out, version.value());
        }
        case RangeEntry.IntentEntry e -> {
          Intent intent = e.intent();
          out.bytes(intent.key().unsafeBytes())
              .i32(intent.txnId().coordinatorNode())
              .i64(intent.txnId().sequence())
              .i64(intent.prepareTs().micros());
          row(out, intent.value());
        }
      }
    }
    return out.toByteArray();
  }

  private static void row(BinaryWriter out, byte[] row) {
    if (row == null) {
      out.u8(TAG_TOMBSTONE);
    } else {
      out.u8(TAG_ROW).bytes(row);
    }
  }

  /** The entries of a chunk, or {@link BinaryReader.MalformedException} if it is not well formed. */
  public static List<RangeEntry> decode(byte[] chunk) {
    BinaryReader in = new BinaryReader(chunk);
    int format = in.u8("chunk format");
    if (format != FORMAT) {
      throw in.malformed("unknown snapshot chunk format " + format);
    }
    int count = in.count("chunk entries", MIN_ENTRY_BYTES, Integer.MAX_VALUE);
    List<RangeEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int section = in.u8("entry section");
      entries.add(switch (section) {
        case RangeEntry.SECTION_LOCAL -> {
          int tag = in.u8("local kind");
          LocalKind kind;
          try {
            kind = LocalKind.ofTag(tag);
          } catch (IllegalArgumentException e) {
            throw in.malformed(e.getMessage());
          }
          yield new RangeEntry.Local(kind, in.bytes("local suffix", MAX_FIELD_BYTES), in.bytes("local value", MAX_FIELD_BYTES));
        }
        case RangeEntry.SECTION_VERSION -> {
          Key key = Key.wrap(in.bytes("version key", MAX_FIELD_BYTES));
          Timestamp commitTs = timestamp(in, "version commit timestamp");
          yield new RangeEntry.VersionEntry(key, commitTs, readRow(in));
        }
        case RangeEntry.SECTION_INTENT -> {
          Key key = Key.wrap(in.bytes("intent key", MAX_FIELD_BYTES));
          TxnId txn = new TxnId(in.i32("intent coordinator"), in.i64("intent sequence"));
          Timestamp prepareTs = timestamp(in, "intent prepare timestamp");
          yield new RangeEntry.IntentEntry(new Intent(key, txn, prepareTs, readRow(in)));
        }
        default -> throw in.malformed("unknown entry section " + section);
      });
    }
    in.expectEnd("snapshot chunk");
    return entries;
  }

  private static Timestamp timestamp(BinaryReader in, String what) {
    long micros = in.i64(what);
    if (micros < 0) {
      throw in.malformed(what + " is negative: " + micros);
    }
    return Timestamp.ofMicros(micros);
  }

  private static byte[] readRow(BinaryReader in) {
    int tag = in.u8("row tag");
    return switch (tag) {
      case TAG_TOMBSTONE -> null;
      case TAG_ROW -> in.bytes("row", MAX_FIELD_BYTES);
      default -> throw in.malformed("unknown row tag " + tag);
    };
  }
}
