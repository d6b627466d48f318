package dev.meridian.paxos.codec;

import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.messages.Message.RejectReason;
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
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generators of paxos values for {@link dev.meridian.runtime.testing.PropertyCheck}, edge-biased:
 * zero and maximal numbers, empty and escape-heavy data, empty lists.
 */
public final class PaxosGen {

  private PaxosGen() {}

  /** The number of {@link Message} record types; {@link #message} draws each equally often. */
  public static final int MESSAGE_TYPES = 13;

  private static final long[] LONG_EDGES = {0, 1, 127, 128, 16_383, 16_384, Long.MAX_VALUE, Long.MAX_VALUE - 1};

  /** A non-negative long, often an edge. */
  public static long natural(RandomSource random) {
    return Gen.edgeBiased(random, 0.2, LONG_EDGES, r -> Math.abs(Gen.anyLong(r)) & Long.MAX_VALUE);
  }

  public static NodeId node(RandomSource random) {
    return new NodeId(random.chance(0.2) ? Integer.MAX_VALUE : Gen.between(random, 1, 200));
  }

  public static GroupId group(RandomSource random) {
    return new GroupId(random.chance(0.1) ? Gen.anyLong(random) : natural(random));
  }

  public static Slot slot(RandomSource random) {
    return Slot.of(natural(random));
  }

  public static Slot positiveSlot(RandomSource random) {
    return Slot.of(Math.max(1, natural(random)));
  }

  public static Ballot ballot(RandomSource random) {
    if (random.chance(0.15)) {
      return Ballot.ZERO;
    }
    return new Ballot(Math.max(1, natural(random)), node(random).value());
  }

  public static LeaseVote leaseVote(RandomSource random) {
    return random.chance(0.2) ? LeaseVote.NONE : new LeaseVote(ballot(random), natural(random));
  }

  public static HardState hardState(RandomSource random) {
    return new HardState(ballot(random), leaseVote(random), slot(random));
  }

  public static Membership membership(RandomSource random) {
    List<NodeId> voters = Gen.listOf(random, 6, PaxosGen::node);
    List<NodeId> learners = new ArrayList<>(Gen.listOf(random, 3, PaxosGen::node));
    learners.removeAll(voters);
    return new Membership(voters, learners);
  }

  public static Entry entry(RandomSource random) {
    return entry(random, positiveSlot(random));
  }

  public static Entry entry(RandomSource random, Slot slot) {
    Ballot ballot = ballot(random);
    return switch (Gen.oneOf(random, EntryKind.values())) {
      case COMMAND -> new Entry(slot, ballot, EntryKind.COMMAND, Gen.bytes(random, 40));
      case NOOP -> Entry.noop(slot, ballot);
      case CONF_CHANGE ->
          Entry.confChange(slot, ballot, new ConfChange(Gen.oneOf(random, ConfChange.Type.values()), node(random)));
    };
  }

  public static Snapshot snapshot(RandomSource random) {
    return new Snapshot(slot(random), membership(random), Gen.bytes(random, 64));
  }

  public static List<Entry> entries(RandomSource random) {
    return Gen.listOf(random, 5, PaxosGen::entry);
  }

  /** Any message, each of the {@link #MESSAGE_TYPES} types equally likely. */
  public static Message message(RandomSource random) {
    return message(random, random.nextInt(MESSAGE_TYPES));
  }

  /** A message of type {@code type} (0 to {@link #MESSAGE_TYPES} - 1, in declaration order). */
  public static Message message(RandomSource random, int type) {
    GroupId g = group(random);
    Ballot b = ballot(random);
    return switch (type) {
      case 0 -> new Message.PreVote(g, b);
      case 1 -> new Message.PreVoteReply(g, b, random.chance(0.5), ballot(random));
      case 2 -> new Message.Prepare(g, b, slot(random), ballot(random));
      case 3 -> new Message.Promise(g, b, entries(random), slot(random), leaseVote(random), random.chance(0.5));
      case 4 -> new Message.Accept(g, b, entries(random), slot(random));
      case 5 -> new Message.Accepted(g, b, slot(random), slot(random), natural(random));
      case 6 -> new Message.Reject(g, b, Gen.oneOf(random, RejectReason.values()), ballot(random), natural(random));
      case 7 -> new Message.Heartbeat(g, b, slot(random));
      case 8 -> new Message.HeartbeatAck(g, b, slot(random), natural(random));
      case 9 -> new Message.InstallSnapshot(g, b, snapshot(random), slot(random));
      case 10 -> new Message.TimeoutNow(g, b);
      case 11 -> {
        Slot one = slot(random);
        Slot other = slot(random);
        Slot last = one.value() <= other.value() ? one : other;
        Slot commit = last == one ? other : one;
        yield new Message.SnapshotChunk(g, b, natural(random), random.nextInt(1 << 20), last, membership(random),
            commit, Gen.bytes(random, 64), random.chance(0.5));
      }
      case 12 -> new Message.SnapshotChunkAck(
          g, b, natural(random), random.nextInt(1 << 20), Gen.oneOf(random, Message.ChunkStatus.values()));
      default -> throw new IllegalArgumentException("no message type " + type);
    };
  }

  /** What a heartbeat batch carries: heartbeats and acks of several groups. */
  public static List<Message> heartbeats(RandomSource random) {
    return Gen.listOf(random, 6, r -> r.chance(0.5) ? message(r, 7) : message(r, 8));
  }

  /**
   * Value equality of paxos values, including those holding a byte array in a record whose equals
   * compares it by reference ({@link Snapshot}, and the messages and batches that carry one).
   */
  public static boolean same(Object a, Object b) {
    return switch (a) {
      case Snapshot x when b instanceof Snapshot y ->
          x.lastSlot().equals(y.lastSlot()) && x.membership().equals(y.membership()) && Arrays.equals(x.data(), y.data());
      case Message.InstallSnapshot x when b instanceof Message.InstallSnapshot y ->
          x.group().equals(y.group()) && x.ballot().equals(y.ballot()) && x.commit().equals(y.commit())
              && same(x.snapshot(), y.snapshot());
      case Message.SnapshotChunk x when b instanceof Message.SnapshotChunk y ->
          x.group().equals(y.group()) && x.ballot().equals(y.ballot()) && x.transferId() == y.transferId()
              && x.seq() == y.seq() && x.lastSlot().equals(y.lastSlot()) && x.membership().equals(y.membership())
              && x.commit().equals(y.commit()) && Arrays.equals(x.data(), y.data()) && x.last() == y.last();
      case List<?> x when b instanceof List<?> y ->
          x.size() == y.size()
              && java.util.stream.IntStream.range(0, x.size()).allMatch(i -> same(x.get(i), y.get(i)));
      case null -> b == null;
      default -> a.equals(b);
    };
  }
}
