package dev.meridian.txn.directory;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link RangeDescriptor}: the value of a meta entry ({@link MetaLayout}) and
 * what a range-not-found or stale-generation answer carries.
 *
 * <pre>
 *   version     u8     1
 *   rangeId     i64    big-endian, positive
 *   generation  i64    big-endian, non-negative
 *   startLen    u32    big-endian, at most maxKeyBytes
 *   start       startLen bytes
 *   endKind     u8     0 = the span runs to the end of the key space, 1 = bounded
 *   [endLen     u32    big-endian, at most maxKeyBytes      only when endKind = 1
 *    end        endLen bytes]
 *   replicas    u16    big-endian count, at most maxReplicas; then per replica:
 *     node      i32    big-endian, positive
 *     role      u8     1 VOTER, 2 LEARNER, 3 NON_VOTER
 *     regionLen u16    big-endian, at most maxRegionBytes
 *     region    regionLen bytes of well-formed UTF-8
 * </pre>
 *
 * <p>Decoding is total and defensive: every length is checked against its limit and against the
 * bytes that remain <em>before</em> anything is allocated, bytes left after the last replica are an
 * error, and the decoded fields must make a valid descriptor (non-empty span, no node twice). So a
 * hostile or truncated value costs at most its own length to refuse, never an allocation of a
 * claimed length. Role codes are explicit, not enum ordinals, so reordering {@link ReplicaRole} cannot
 * change what stored bytes mean. A new field means a new version; version 1 decoders refuse
 * versions they do not know rather than guess.
 */
public final class DescriptorCodec {

  public static final int VERSION = 1;

  private DescriptorCodec() {}

  public static byte[] encode(RangeDescriptor descriptor) {
    KeySpan span = descriptor.span();
    byte[] start = span.start().unsafeBytes();
    byte[] end = span.end() == null ? null : span.end().unsafeBytes();
    List<byte[]> regions = new ArrayList<>(descriptor.replicas().size());
    int size = 1 + 8 + 8 + 4 + start.length + 1 + (end == null ? 0 : 4 + end.length) + 2;
    for (ReplicaDescriptor replica : descriptor.replicas()) {
      byte[] region = replica.region().getBytes(StandardCharsets.UTF_8);
      if (region.length > 0xFFFF) {
        throw new IllegalArgumentException("region name of " + region.length + " bytes is too long");
      }
      regions.add(region);
      size += 4 + 1 + 2 + region.length;
    }
    if (descriptor.replicas().size() > 0xFFFF) {
      throw new IllegalArgumentException("too many replicas: " + descriptor.replicas().size());
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) VERSION);
    out.putLong(descriptor.id().value());
    out.putLong(descriptor.generation());
    out.putInt(start.length).put(start);
    if (end == null) {
      out.put((byte) 0);
    } else {
      out.put((byte) 1).putInt(end.length).put(end);
    }
    out.putShort((short) descriptor.replicas().size());
    for (int i = 0; i < regions.size(); i++) {
      ReplicaDescriptor replica = descriptor.replicas().get(i);
      out.putInt(replica.node().value());
      out.put(roleCode(replica.role()));
      out.putShort((short) regions.get(i).length).put(regions.get(i));
    }
    return out.array();
  }

  /**
   * The descriptor {@code bytes} encode.
   *
   * @throws CorruptDescriptorException if they are not exactly one valid encoding within {@code limits}
   */
  public static RangeDescriptor decode(byte[] bytes, DirectoryLimits limits) {
    Reader in = new Reader(bytes);
    int version = in.u8("version");
    if (version != VERSION) {
      throw new CorruptDescriptorException("unknown descriptor version " + version);
    }
    long id = in.i64("rangeId");
    long generation = in.i64("generation");
    Key start = Key.wrap(in.bytes("start key", in.u32("start key length"), limits.maxKeyBytes()));
    int endKind = in.u8("end kind");
    Key end =
        switch (endKind) {
          case 0 -> null;
          case 1 -> Key.wrap(in.bytes("end key", in.u32("end key length"), limits.maxKeyBytes()));
          default -> throw new CorruptDescriptorException("unknown end kind " + endKind);
        };
    int count = in.u16("replica count");
    if (count > limits.maxReplicas()) {
      throw new CorruptDescriptorException(
          "descriptor lists " + count + " replicas, more than the limit of " + limits.maxReplicas());
    }
    List<ReplicaDescriptor> replicas = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int node = in.i32("node of replica " + i);
      ReplicaRole role = role(in.u8("role of replica " + i));
      byte[] region = in.bytes("region of replica " + i, in.u16("region length"), limits.maxRegionBytes());
      if (node <= 0) {
        throw new CorruptDescriptorException("replica " + i + " has node id " + node);
      }
      replicas.add(new ReplicaDescriptor(new NodeId(node), utf8(region, i), role));
    }
    if (in.remaining() != 0) {
      throw new CorruptDescriptorException(in.remaining() + " bytes left after the last replica");
    }
    if (id <= 0) {
      throw new CorruptDescriptorException("range id " + id + " is not positive");
    }
    if (end != null && end.compareTo(start) <= 0) {
      throw new CorruptDescriptorException("empty span [" + start + ", " + end + ")");
    }
    try {
      return new RangeDescriptor(new RangeId(id), new KeySpan(start, end), replicas, generation);
    } catch (IllegalArgumentException invalid) {
      throw new CorruptDescriptorException("invalid descriptor: " + invalid.getMessage());
    }
  }

  private static byte roleCode(ReplicaRole role) {
    return switch (role) {
      case VOTER -> 1;
      case LEARNER -> 2;
      case NON_VOTER -> 3;
    };
  }

  private static ReplicaRole role(int code) {
    return switch (code) {
      case 1 -> ReplicaRole.VOTER;
      case 2 -> ReplicaRole.LEARNER;
      case 3 -> ReplicaRole.NON_VOTER;
      default -> throw new CorruptDescriptorException("unknown replica role " + code);
    };
  }

  private static String utf8(byte[] bytes, int replica) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException malformed) {
      throw new CorruptDescriptorException("region of replica " + replica + " is not UTF-8");
    }
  }

  /** Reads fields, refusing any that runs past the end before it is allocated. */
  private static final class Reader {
    private final byte[] bytes;
    private int at;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - at;
    }

    private void need(int count, String field) {
      if (count > remaining()) {
        throw new CorruptDescriptorException(
            field + " needs " + count + " bytes at offset " + at + ", only " + remaining() + " left");
      }
    }

    int u8(String field) {
      need(1, field);
      return bytes[at++] & 0xFF;
    }

    int u16(String field) {
      need(2, field);
      int value = ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
      at += 2;
      return value;
    }

    int i32(String field) {
      need(4, field);
      int value = ByteBuffer.wrap(bytes, at, 4).getInt();
      at += 4;
      return value;
    }

    /** An unsigned 32-bit length, as a long so that a length above 2^31 cannot turn negative. */
    long u32(String field) {
      return i32(field) & 0xFFFF_FFFFL;
    }

    long i64(String field) {
      need(8, field);
      long value = ByteBuffer.wrap(bytes, at, 8).getLong();
      at += 8;
      return value;
    }

    byte[] bytes(String field, long length, int limit) {
      if (length > limit) {
        throw new CorruptDescriptorException(
            field + " claims " + length + " bytes, more than the limit of " + limit);
      }
      need((int) length, field);
      byte[] out = java.util.Arrays.copyOfRange(bytes, at, at + (int) length);
      at += (int) length;
      return out;
    }
  }
}
