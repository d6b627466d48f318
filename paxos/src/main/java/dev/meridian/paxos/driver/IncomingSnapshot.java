package dev.meridian.paxos.driver;

import dev.meridian.paxos.messages.Message.SnapshotChunk;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;
import java.io.ByteArrayOutputStream;
import java.util.TreeMap;

/**
 * One snapshot transfer into this node: the staging sink, the next chunk it expects, and (for a
 * volatile state machine only, whose image is small) the image itself, which the driver keeps in the
 * Paxos snapshot record. Chunks are staged strictly in order; a chunk that arrives early (the network
 * reorders) is held until its turn if it lies within the window, which bounds what is held to {@code
 * window} chunks; anything else is dropped and answered with the next chunk expected.
 */
final class IncomingSnapshot {

  final NodeId from;
  final long id;
  final Ballot ballot;
  final Slot lastSlot;
  final Membership membership;
  final Slot commit;
  final SnapshotSink sink;
  /** The image, for a volatile machine; null for a durable one (its staging is its own). */
  final ByteArrayOutputStream image;
  int nextSeq;
  int idleTicks;
  /** Chunks above {@code nextSeq} that arrived early, at most a window of them. */
  final TreeMap<Integer, SnapshotChunk> early = new TreeMap<>();

  IncomingSnapshot(SnapshotChunk first, NodeId from, SnapshotSink sink, boolean keepImage) {
    this.from = from;
    this.id = first.transferId();
    this.ballot = first.ballot();
    this.lastSlot = first.lastSlot();
    this.membership = first.membership();
    this.commit = first.commit();
    this.sink = sink;
    this.image = keepImage ? new ByteArrayOutputStream() : null;
  }

  /** Whether {@code chunk} belongs to this transfer (same sender, id and metadata). */
  boolean matches(NodeId sender, SnapshotChunk chunk) {
    return sender.equals(from)
        && chunk.transferId() == id
        && chunk.ballot().equals(ballot)
        && chunk.lastSlot().equals(lastSlot)
        && chunk.membership().equals(membership);
  }
}
