package dev.meridian.paxos.codec;

import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.messages.Message.Accept;
import dev.meridian.paxos.messages.Message.Accepted;
import dev.meridian.paxos.messages.Message.Heartbeat;
import dev.meridian.paxos.messages.Message.HeartbeatAck;
import dev.meridian.paxos.messages.Message.InstallSnapshot;
import dev.meridian.paxos.messages.Message.PreVote;
import dev.meridian.paxos.messages.Message.PreVoteReply;
import dev.meridian.paxos.messages.Message.Prepare;
import dev.meridian.paxos.messages.Message.Promise;
import dev.meridian.paxos.messages.Message.Reject;
import dev.meridian.paxos.messages.Message.RejectReason;
import dev.meridian.paxos.messages.Message.ChunkStatus;
import dev.meridian.paxos.messages.Message.SnapshotChunk;
import dev.meridian.paxos.messages.Message.SnapshotChunkAck;
import dev.meridian.paxos.messages.Message.TimeoutNow;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.ConfChange;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.NodeId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.codec.BinaryWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary codecs of the paxos types, for the disk ({@code RocksPaxosStorage}) and the network
 * transport alike.
 *
 * <h2>Byte layouts</h2>
 *
 * A standalone encoding is {@code version(1) | body} with version {@link Codec#FORMAT_VERSION} (1);
 * bodies nest without a version. Primitives: {@code uvarint} is an unsigned LEB128 varint (7 bits a
 * byte, low group first, high bit = more follows; a long's 64 bits as they are, so negative values take
 * 10 bytes); {@code bool} is one byte 0 or 1; {@code bytes} is {@code uvarint(length) | length bytes};
 * {@code list<X>} is {@code uvarint(count) | count X}.
 *
 * <pre>
 * Slot            uvarint(value)
 * GroupId         uvarint(value)
 * NodeId          uvarint(value)                                 (must be positive)
 * Ballot          uvarint(round) | uvarint(nodeId)               (both 0, or both positive)
 * LeaseVote       Ballot | uvarint(endMicros)
 * HardState       Ballot promised | LeaseVote | Slot commit
 * Membership      list&lt;NodeId&gt; voters | list&lt;NodeId&gt; learners      (disjoint)
 * Entry           Slot | Ballot | kind(1) | bytes data
 *                 kind: 0 COMMAND, 1 NOOP, 2 CONF_CHANGE (data is a {@link ConfChange}: type(1) | be32 node)
 * Snapshot        Slot lastSlot | Membership | bytes data
 * Message         tag(1) | GroupId | Ballot | fields of the tag:
 *   1 PreVote          -
 *   2 PreVoteReply     bool granted | Ballot promised
 *   3 Prepare          Slot fromSlot | Ballot transferFrom
 *   4 Promise          list&lt;Entry&gt; accepted | Slot commit | LeaseVote priorLease | bool behind
 *   5 Accept           list&lt;Entry&gt; entries | Slot commit
 *   6 Accepted         Slot match | Slot lastReceived | uvarint(leaseGrantEndMicros)
 *   7 Reject           reason(1: 0 HIGHER_BALLOT, 1 LEASE_HELD) | Ballot promised | uvarint(leaseEndMicros)
 *   8 Heartbeat        Slot commit
 *   9 HeartbeatAck     Slot match | uvarint(leaseGrantEndMicros)
 *  10 InstallSnapshot  Snapshot | Slot commit
 *  11 TimeoutNow       -
 *  12 SnapshotChunk    uvarint(transferId) | uvarint(seq) | Slot lastSlot | Membership | Slot commit
 *                      | bytes data (at most MAX_SNAPSHOT_CHUNK_BYTES) | bool last
 *  13 SnapshotChunkAck uvarint(transferId) | uvarint(nextSeq) | status(1: 0 NEXT, 1 DONE, 2 RESTART)
 * Messages        list&lt;Message&gt;   (a heartbeat batch; its sender and destination are the transport's)
 * </pre>
 *
 * Small numbers take one byte each, so the common messages are tiny: a {@code Heartbeat} of group 7
 * at ballot (12, n3) with commit 1000 has a 6-byte body (tag, group, round, node, two for the commit).
 * Codes and tags are fixed here, never derived from enum ordinals, so reordering a Java enum cannot
 * change the format.
 *
 * <p>Decoding checks every length and count against the bytes left before allocating, and every
 * value against its type's invariants, and fails with {@link CodecException}. A snapshot chunk's data
 * longer than {@link Message#MAX_SNAPSHOT_CHUNK_BYTES} is refused before it is copied.
 *
 * <p>Tags 12 and 13 were added to format version 1 without changing any existing body: a build that
 * predates them refuses them as unknown tags (and so never installs a partial snapshot).
 */
public final class PaxosCodecs {

  private PaxosCodecs() {}

  // Message tags.
  private static final int PRE_VOTE = 1;
  private static final int PRE_VOTE_REPLY = 2;
  private static final int PREPARE = 3;
  private static final int PROMISE = 4;
  private static final int ACCEPT = 5;
  private static final int ACCEPTED = 6;
  private static final int REJECT = 7;
  private static final int HEARTBEAT = 8;
  private static final int HEARTBEAT_ACK = 9;
  private static final int INSTALL_SNAPSHOT = 10;
  private static final int TIMEOUT_NOW = 11;
  private static final int SNAPSHOT_CHUNK = 12;
  private static final int SNAPSHOT_CHUNK_ACK = 13;

  /** Fewest bytes of an encoded entry (slot, ballot, kind, empty data) and message (tag, group, ballot). */
  private static final int MIN_ENTRY_BYTES = 5;
  private static final int MIN_MESSAGE_BYTES = 4;

  public static final Codec<Slot> SLOT =
      new Codec<>("Slot", (out, s) -> out.varLong(s.value()), in -> Slot.of(in.varLong("slot")));

  public static final Codec<GroupId> GROUP_ID =
      new Codec<>("GroupId", (out, g) -> out.varLong(g.value()), in -> new GroupId(in.varLong("group id")));

  public static final Codec<NodeId> NODE_ID =
      new Codec<>("NodeId", (out, n) -> out.varInt(n.value()), in -> new NodeId(in.varInt("node id")));

  public static final Codec<Ballot> BALLOT =
      new Codec<>(
          "Ballot",
          (out, b) -> out.varLong(b.round()).varInt(b.nodeId()),
          in -> new Ballot(in.varLong("ballot round"), in.varInt("ballot node")));

  public static final Codec<LeaseVote> LEASE_VOTE =
      new Codec<>(
          "LeaseVote",
          (out, v) -> {
            BALLOT.write(out, v.ballot());
            out.varLong(v.endMicros());
          },
          in -> new LeaseVote(BALLOT.read(in), in.varLong("lease end")));

  public static final Codec<HardState> HARD_STATE =
      new Codec<>(
          "HardState",
          (out, h) -> {
            BALLOT.write(out, h.promised());
            LEASE_VOTE.write(out, h.leaseVote());
            SLOT.write(out, h.commit());
          },
          in -> new HardState(BALLOT.read(in), LEASE_VOTE.read(in), SLOT.read(in)));

  public static final Codec<Membership> MEMBERSHIP =
      new Codec<>(
          "Membership",
          (out, m) -> {
            writeList(out, m.voters(), NODE_ID);
            writeList(out, m.learners(), NODE_ID);
          },
          in -> new Membership(readList(in, "voters", 1, NODE_ID), readList(in, "learners", 1, NODE_ID)));

  public static final Codec<Entry> ENTRY =
      new Codec<>("Entry", PaxosCodecs::writeEntry, PaxosCodecs::readEntry);

  public static final Codec<Snapshot> SNAPSHOT =
      new Codec<>(
          "Snapshot",
          (out, s) -> {
            SLOT.write(out, s.lastSlot());
            MEMBERSHIP.write(out, s.membership());
            out.varBytes(s.data());
          },
          in -> new Snapshot(SLOT.read(in), MEMBERSHIP.read(in), in.varBytes("snapshot data", Integer.MAX_VALUE)));

  public static final Codec<Message> MESSAGE =
      new Codec<>("Message", PaxosCodecs::writeMessage, PaxosCodecs::readMessage);

  /**
   * Messages of many groups sent together: a {@link dev.meridian.paxos.messages.HeartbeatBatch}'s
   * messages on the wire, where the transport's envelope names its sender and destination.
   */
  public static final Codec<List<Message>> MESSAGES =
      new Codec<>(
          "Messages",
          (out, messages) -> writeList(out, messages, MESSAGE),
          in -> readList(in, "messages", MIN_MESSAGE_BYTES, MESSAGE));

  // ------------------------------------------------------------------------------------ entries

  private static void writeEntry(BinaryWriter out, Entry entry) {
    SLOT.write(out, entry.slot());
    BALLOT.write(out, entry.ballot());
    out.u8(switch (entry.kind()) {
      case COMMAND -> 0;
      case NOOP -> 1;
      case CONF_CHANGE -> 2;
    });
    out.varBytes(entry.data());
  }

  private static Entry readEntry(BinaryReader in) {
    Slot slot = SLOT.read(in);
    Ballot ballot = BALLOT.read(in);
    int code = in.u8("entry kind");
    EntryKind kind = switch (code) {
      case 0 -> EntryKind.COMMAND;
      case 1 -> EntryKind.NOOP;
      case 2 -> EntryKind.CONF_CHANGE;
      default -> throw in.malformed("entry kind: unknown code " + code);
    };
    byte[] data = in.varBytes("entry data", Integer.MAX_VALUE);
    if (kind == EntryKind.CONF_CHANGE) {
      checkConfChange(in, data);
    }
    return new Entry(slot, ballot, kind, data);
  }

  /** A conf change entry must hold one that decodes, or the replica would fail applying it. */
  private static void checkConfChange(BinaryReader in, byte[] data) {
    if (data.length != 5) {
      throw in.malformed("conf change: expected 5 bytes, got " + data.length);
    }
    if ((data[0] & 0xFF) >= ConfChange.Type.values().length) {
      throw in.malformed("conf change: unknown type " + (data[0] & 0xFF));
    }
    ConfChange.decode(data); // the node id: NodeId refuses non-positive ones
  }

  // ----------------------------------------------------------------------------------- messages

  private static void writeMessage(BinaryWriter out, Message message) {
    out.u8(tagOf(message));
    GROUP_ID.write(out, message.group());
    BALLOT.write(out, message.ballot());
    switch (message) {
      case PreVote m -> {}
      case PreVoteReply m -> {
        out.bool(m.granted());
        BALLOT.write(out, m.promised());
      }
      case Prepare m -> {
        SLOT.write(out, m.fromSlot());
        BALLOT.write(out, m.transferFrom());
      }
      case Promise m -> {
        writeList(out, m.accepted(), ENTRY);
        SLOT.write(out, m.commit());
        LEASE_VOTE.write(out, m.priorLease());
        out.bool(m.behind());
      }
      case Accept m -> {
        writeList(out, m.entries(), ENTRY);
        SLOT.write(out, m.commit());
      }
      case Accepted m -> {
        SLOT.write(out, m.match());
        SLOT.write(out, m.lastReceived());
        out.varLong(m.leaseGrantEndMicros());
      }
      case Reject m -> {
        out.u8(switch (m.reason()) {
          case HIGHER_BALLOT -> 0;
          case LEASE_HELD -> 1;
        });
        BALLOT.write(out, m.promised());
        out.varLong(m.leaseEndMicros());
      }
      case Heartbeat m -> SLOT.write(out, m.commit());
      case HeartbeatAck m -> {
        SLOT.write(out, m.match());
        out.varLong(m.leaseGrantEndMicros());
      }
      case InstallSnapshot m -> {
        SNAPSHOT.write(out, m.snapshot());
        SLOT.write(out, m.commit());
      }
      case TimeoutNow m -> {}
      case SnapshotChunk m -> {
        out.varLong(m.transferId()).varInt(m.seq());
        SLOT.write(out, m.lastSlot());
        MEMBERSHIP.write(out, m.membership());
        SLOT.write(out, m.commit());
        out.varBytes(m.data());
        out.bool(m.last());
      }
      case SnapshotChunkAck m -> {
        out.varLong(m.transferId()).varInt(m.nextSeq());
        out.u8(switch (m.status()) {
          case NEXT -> 0;
          case DONE -> 1;
          case RESTART -> 2;
        });
      }
    }
  }

  private static int tagOf(Message message) {
    return switch (message) {
      case PreVote m -> PRE_VOTE;
      case PreVoteReply m -> PRE_VOTE_REPLY;
      case Prepare m -> PREPARE;
      case Promise m -> PROMISE;
      case Accept m -> ACCEPT;
      case Accepted m -> ACCEPTED;
      case Reject m -> REJECT;
      case Heartbeat m -> HEARTBEAT;
      case HeartbeatAck m -> HEARTBEAT_ACK;
      case InstallSnapshot m -> INSTALL_SNAPSHOT;
      case TimeoutNow m -> TIMEOUT_NOW;
      case SnapshotChunk m -> SNAPSHOT_CHUNK;
      case SnapshotChunkAck m -> SNAPSHOT_CHUNK_ACK;
    };
  }

  private static Message readMessage(BinaryReader in) {
    int tag = in.u8("message tag");
    GroupId group = GROUP_ID.read(in);
    Ballot ballot = BALLOT.read(in);
    return switch (tag) {
      case PRE_VOTE -> new PreVote(group, ballot);
      case PRE_VOTE_REPLY -> new PreVoteReply(group, ballot, in.bool("granted"), BALLOT.read(in));
      case PREPARE -> new Prepare(group, ballot, SLOT.read(in), BALLOT.read(in));
      case PROMISE -> new Promise(
          group,
          ballot,
          readList(in, "accepted entries", MIN_ENTRY_BYTES, ENTRY),
          SLOT.read(in),
          LEASE_VOTE.read(in),
          in.bool("behind"));
      case ACCEPT -> new Accept(group, ballot, readList(in, "entries", MIN_ENTRY_BYTES, ENTRY), SLOT.read(in));
      case ACCEPTED -> new Accepted(group, ballot, SLOT.read(in), SLOT.read(in), in.varLong("lease grant end"));
      case REJECT -> new Reject(group, ballot, readRejectReason(in), BALLOT.read(in), in.varLong("lease end"));
      case HEARTBEAT -> new Heartbeat(group, ballot, SLOT.read(in));
      case HEARTBEAT_ACK -> new HeartbeatAck(group, ballot, SLOT.read(in), in.varLong("lease grant end"));
      case INSTALL_SNAPSHOT -> new InstallSnapshot(group, ballot, SNAPSHOT.read(in), SLOT.read(in));
      case TIMEOUT_NOW -> new TimeoutNow(group, ballot);
      case SNAPSHOT_CHUNK -> readChunk(in, group, ballot);
      case SNAPSHOT_CHUNK_ACK -> new SnapshotChunkAck(
          group, ballot, in.varLong("transfer id"), in.varInt("next chunk"), readChunkStatus(in));
      default -> throw in.malformed("message tag: unknown tag " + tag);
    };
  }

  private static SnapshotChunk readChunk(BinaryReader in, GroupId group, Ballot ballot) {
    long transferId = in.varLong("transfer id");
    int seq = in.varInt("chunk seq");
    Slot lastSlot = SLOT.read(in);
    Membership membership = MEMBERSHIP.read(in);
    Slot commit = SLOT.read(in);
    byte[] data = in.varBytes("snapshot chunk data", Message.MAX_SNAPSHOT_CHUNK_BYTES);
    return new SnapshotChunk(group, ballot, transferId, seq, lastSlot, membership, commit, data, in.bool("last"));
  }

  private static ChunkStatus readChunkStatus(BinaryReader in) {
    int code = in.u8("chunk status");
    return switch (code) {
      case 0 -> ChunkStatus.NEXT;
      case 1 -> ChunkStatus.DONE;
      case 2 -> ChunkStatus.RESTART;
      default -> throw in.malformed("chunk status: unknown code " + code);
    };
  }

  private static RejectReason readRejectReason(BinaryReader in) {
    int code = in.u8("reject reason");
    return switch (code) {
      case 0 -> RejectReason.HIGHER_BALLOT;
      case 1 -> RejectReason.LEASE_HELD;
      default -> throw in.malformed("reject reason: unknown code " + code);
    };
  }

  // -------------------------------------------------------------------------------------- lists

  private static <T> void writeList(BinaryWriter out, List<T> values, Codec<T> codec) {
    out.varInt(values.size());
    for (T value : values) {
      codec.write(out, value);
    }
  }

  private static <T> List<T> readList(BinaryReader in, String field, int minBytesPerElement, Codec<T> codec) {
    int count = in.varCount(field, minBytesPerElement, Integer.MAX_VALUE);
    List<T> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(codec.read(in));
    }
    return out;
  }
}
