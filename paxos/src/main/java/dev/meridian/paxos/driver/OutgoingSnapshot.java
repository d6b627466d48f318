package dev.meridian.paxos.driver;

import dev.meridian.paxos.messages.Message.SnapshotChunk;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.Invariants;
import dev.meridian.runtime.NodeId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One snapshot transfer from this node to {@code peer}: a window of chunks sent and not yet
 * acknowledged, read from the state machine's {@link SnapshotSource} only as the window opens (go-back-N
 * flow control: the receiver acknowledges the next chunk it expects, cumulatively).
 *
 * <p>Invariants: {@code acked <= sent}; the chunks {@code [acked, sent)} are kept (at most {@code
 * window} of them, each at most {@code chunkBytes}), so memory per transfer is bounded whatever the
 * state size; exactly one chunk, the one read when the source ran dry, is marked last.
 */
final class OutgoingSnapshot {

  final long id;
  final NodeId peer;
  final GroupId group;
  final Ballot ballot;
  final Slot lastSlot;
  final Membership membership;
  final Slot commit;
  private final SnapshotSource source;
  private final int chunkBytes;
  private final int window;
  private final ArrayDeque<byte[]> unacked = new ArrayDeque<>();
  /** Seq of the first chunk in {@code unacked}: what the receiver has asked for next. */
  private int acked;
  /** Seq of the next chunk to read from the source. */
  private int sent;
  /** The source's next chunk, read ahead so that the chunk before it knows whether it is last. */
  private byte[] lookahead;
  /** Seq of the last chunk, once the source ran dry (-1 before). */
  private int lastSeq = -1;
  private int idleTicks;
  private int resends;
  /** The position last sent again on a repeated ack (-1: none). */
  private int fastResentAt = -1;

  OutgoingSnapshot(long id, NodeId peer, GroupId group, Ballot ballot, Slot lastSlot, Membership membership,
      Slot commit, SnapshotSource source, int chunkBytes, int window) {
    this.id = id;
    this.peer = peer;
    this.group = group;
    this.ballot = ballot;
    this.lastSlot = lastSlot;
    this.membership = membership;
    this.commit = commit;
    this.source = source;
    this.chunkBytes = chunkBytes;
    this.window = window;
    this.lookahead = read();
  }

  /** Reads the chunks the window has room for; returns them to send. */
  List<SnapshotChunk> fill() {
    List<SnapshotChunk> out = new ArrayList<>();
    while (lastSeq < 0 && unacked.size() < window) {
      byte[] data = lookahead == null ? new byte[0] : lookahead;
      lookahead = lookahead == null ? null : read();
      int seq = sent++;
      if (lookahead == null) {
        lastSeq = seq;
      }
      unacked.addLast(data);
      out.add(chunk(seq, data));
    }
    return out;
  }

  /**
   * The receiver expects {@code nextSeq}: drops what it has, returns what the window now lets out
   * (and, for a repeated ack, the chunk it waits for).
   */
  List<SnapshotChunk> acked(int nextSeq) {
    Invariants.require(acked <= sent, "snapshot transfer acked past what it sent");
    if (nextSeq > sent) {
      // An ack of chunks never sent: from another incarnation of this transfer id. Resend.
      return resend();
    }
    if (nextSeq > acked) {
      while (acked < nextSeq) {
        unacked.pollFirst();
        acked++;
      }
      idleTicks = 0;
      resends = 0;
      return fill();
    }
    // A repeated ack: the receiver holds later chunks and waits for this one (lost, or slow). Sent
    // again once per position only: resending at every repeated ack would answer each duplicate
    // with a chunk that draws another ack, a loop the network's duplication makes grow.
    List<SnapshotChunk> out = new ArrayList<>();
    if (nextSeq == acked && !unacked.isEmpty() && fastResentAt != acked) {
      fastResentAt = acked;
      out.add(chunk(acked, unacked.peekFirst()));
    }
    out.addAll(fill());
    return out;
  }

  /**
   * One tick without an ack: after {@code resendTicks} of them, every unacknowledged chunk goes again
   * (a chunk or its ack was lost). Returns null once {@code maxResends} resends went unanswered: the
   * transfer is abandoned (the replica asks for a snapshot again later).
   */
  List<SnapshotChunk> tick(int resendTicks, int maxResends) {
    if (++idleTicks < resendTicks) {
      return List.of();
    }
    idleTicks = 0;
    if (++resends > maxResends) {
      return null;
    }
    return resend();
  }

  int resends() {
    return resends;
  }

  private List<SnapshotChunk> resend() {
    List<SnapshotChunk> out = new ArrayList<>();
    int seq = acked;
    for (byte[] data : unacked) {
      out.add(chunk(seq++, data));
    }
    return out;
  }

  private SnapshotChunk chunk(int seq, byte[] data) {
    return new SnapshotChunk(group, ballot, id, seq, lastSlot, membership, commit, data, seq == lastSeq);
  }

  private byte[] read() {
    byte[] data = source.next(chunkBytes);
    Invariants.require(data == null || (data.length > 0 && data.length <= chunkBytes),
        "a snapshot source returned a chunk of %d bytes (limit %d)", data == null ? 0 : data.length, chunkBytes);
    return data;
  }

  void close() {
    source.close();
  }
}
