package dev.meridian.paxos.messages;

import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import java.util.List;

/**
 * The messages between replicas of one group. Every message names its group (a node routes to the
 * replica) and a ballot: for requests the sender's ballot, for replies the ballot of the request they
 * answer, so a stale reply is recognised and dropped.
 *
 * <p>Transport may lose, delay, duplicate and reorder any of them; each handler is idempotent.
 *
 * <p>Two of them never reach a replica: {@link SnapshotChunk} and {@link SnapshotChunkAck} are
 * between the drivers of two nodes, which stream a snapshot's data for one group (the replica core
 * sends only the metadata, in {@link InstallSnapshot}, and the driver turns that into a transfer;
 * see {@code dev.meridian.paxos.driver.SnapshotTransfers}). They travel in the same envelopes so
 * that every transport carries them unchanged.
 */
public sealed interface Message {

  GroupId group();

  Ballot ballot();

  /**
   * Would you promise {@code ballot} if I asked? Changes no state at the receiver: lets a node that
   * lost its leader check that a majority also lost it before it raises ballots and disrupts anyone.
   */
  record PreVote(GroupId group, Ballot ballot) implements Message {
    @Override
    public String toString() {
      return "PreVote " + ballot;
    }
  }

  /** Answer to {@link PreVote}; {@code promised} lets a candidate that lags on rounds catch up. */
  record PreVoteReply(GroupId group, Ballot ballot, boolean granted, Ballot promised)
      implements Message {
    @Override
    public String toString() {
      return "PreVoteReply " + ballot + (granted ? " granted" : " denied promised=" + promised);
    }
  }

  /**
   * Phase 1a for every slot from {@code fromSlot} (the candidate's commit point + 1) on. {@code
   * transferFrom} is the ballot of a leader that handed leadership to the candidate with {@link
   * TimeoutNow} and gave up its lease, or {@link Ballot#ZERO}.
   */
  record Prepare(GroupId group, Ballot ballot, Slot fromSlot, Ballot transferFrom)
      implements Message {
    @Override
    public String toString() {
      return "Prepare " + ballot + " from=" + fromSlot
          + (transferFrom.isZero() ? "" : " transfer-from=" + transferFrom);
    }
  }

  /**
   * Phase 1b: the acceptor promised {@code ballot}. Carries every entry it accepted at or after the
   * candidate's {@code fromSlot} (with the ballot it accepted it at), its commit point, and the lease
   * vote it held before promising, which the new leader must wait out. {@code behind} means the
   * acceptor compacted slots the candidate still needs: it sends an {@link InstallSnapshot} too, and
   * the promise must not be counted.
   */
  record Promise(
      GroupId group,
      Ballot ballot,
      List<Entry> accepted,
      Slot commit,
      LeaseVote priorLease,
      boolean behind)
      implements Message {
    public Promise {
      accepted = List.copyOf(accepted);
    }

    @Override
    public String toString() {
      return "Promise " + ballot + " commit=" + commit + " accepted=" + accepted
          + " prior-lease=" + priorLease + (behind ? " BEHIND" : "");
    }
  }

  /**
   * Phase 2a, batched: accept these entries (all stamped with the leader's ballot) and learn that
   * every slot up to {@code commit} is chosen. Also a lease request: an acceptor that may grants one.
   */
  record Accept(GroupId group, Ballot ballot, List<Entry> entries, Slot commit)
      implements Message {
    public Accept {
      entries = List.copyOf(entries);
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder("Accept " + ballot + " commit=" + commit + " [");
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        out.append(i == 0 ? "" : " ").append(e.slot()).append(':').append(e.valueString());
      }
      return out.append(']').toString();
    }
  }

  /**
   * Phase 2b. {@code match}: the acceptor has accepted every slot in (its commit, match] at {@code
   * ballot}, and knows every slot up to its commit is chosen. {@code lastReceived}: the highest slot of
   * the Accept answered; {@code match < lastReceived} tells the leader an earlier batch was lost.
   * {@code leaseGrantEndMicros}: lease granted to {@code ballot} until then, 0 if none.
   */
  record Accepted(
      GroupId group, Ballot ballot, Slot match, Slot lastReceived, long leaseGrantEndMicros)
      implements Message {
    @Override
    public String toString() {
      return "Accepted " + ballot + " match=" + match
          + (lastReceived.equals(match) ? "" : " last-received=" + lastReceived)
          + " lease=" + leaseGrantEndMicros;
    }
  }

  /** Why a request was refused. */
  enum RejectReason {
    /** The acceptor promised a higher ballot: {@code promised}. */
    HIGHER_BALLOT,
    /** The acceptor's lease vote for another leader has not expired ({@code leaseEndMicros}). */
    LEASE_HELD
  }

  /** Nack of a Prepare, Accept, Heartbeat or InstallSnapshot at {@code ballot}. */
  record Reject(
      GroupId group, Ballot ballot, RejectReason reason, Ballot promised, long leaseEndMicros)
      implements Message {
    @Override
    public String toString() {
      return "Reject " + ballot + " " + reason.name().toLowerCase().replace('_', '-')
          + " promised=" + promised
          + (reason == RejectReason.LEASE_HELD ? " lease-end=" + leaseEndMicros : "");
    }
  }

  /**
   * Leader liveness, commit point, and lease request. Heartbeats of many groups between the same two
   * nodes are coalesced by the driver ({@link HeartbeatBatch}).
   */
  record Heartbeat(GroupId group, Ballot ballot, Slot commit) implements Message {
    @Override
    public String toString() {
      return "Heartbeat " + ballot + " commit=" + commit;
    }
  }

  /** Answer to a {@link Heartbeat}: as {@link Accepted}, without a batch. */
  record HeartbeatAck(GroupId group, Ballot ballot, Slot match, long leaseGrantEndMicros)
      implements Message {
    @Override
    public String toString() {
      return "HeartbeatAck " + ballot + " match=" + match + " lease=" + leaseGrantEndMicros;
    }
  }

  /**
   * The leader's (or a promising acceptor's) snapshot, for a replica that needs compacted slots.
   * The receiver answers with {@link Accepted} (match = the snapshot's last slot or more).
   */
  record InstallSnapshot(GroupId group, Ballot ballot, Snapshot snapshot, Slot commit)
      implements Message {
    @Override
    public String toString() {
      return "InstallSnapshot " + ballot + " " + snapshot + " commit=" + commit;
    }
  }

  /**
   * Leadership transfer: the leader of {@code ballot} has stopped serving and proposing and gave up
   * its lease; the receiver should campaign at once (skipping pre-vote).
   */
  record TimeoutNow(GroupId group, Ballot ballot) implements Message {
    @Override
    public String toString() {
      return "TimeoutNow " + ballot;
    }
  }

  /** Largest {@link SnapshotChunk#data()}: far below any transport frame, whatever the state size. */
  int MAX_SNAPSHOT_CHUNK_BYTES = 1 << 20;

  /**
   * Chunk {@code seq} (0, 1, ...) of snapshot transfer {@code transferId} from the sender's driver:
   * the state machine of {@code group} as of {@code lastSlot}, with the membership in force there,
   * sent under {@code ballot} (the ballot of the {@link InstallSnapshot} the sender's replica asked
   * for) with the sender's commit point. {@code last} marks the final chunk. Every chunk repeats the
   * metadata, so a receiver can start staging from chunk 0 alone and check the rest against it.
   */
  record SnapshotChunk(
      GroupId group,
      Ballot ballot,
      long transferId,
      int seq,
      Slot lastSlot,
      Membership membership,
      Slot commit,
      byte[] data,
      boolean last)
      implements Message {
    public SnapshotChunk {
      if (seq < 0 || data.length > MAX_SNAPSHOT_CHUNK_BYTES) {
        throw new IllegalArgumentException(
            "snapshot chunk " + seq + " of " + data.length + " bytes (limit " + MAX_SNAPSHOT_CHUNK_BYTES + ")");
      }
      if (commit.value() < lastSlot.value()) {
        throw new IllegalArgumentException("snapshot at " + lastSlot + " above its commit point " + commit);
      }
    }

    @Override
    public String toString() {
      return "SnapshotChunk " + ballot + " transfer=" + transferId + " seq=" + seq + " @" + lastSlot
          + " " + data.length + " bytes" + (last ? " last" : "");
    }
  }

  /** What a receiver says about a snapshot transfer. */
  enum ChunkStatus {
    /** Send from {@code nextSeq} on: every chunk below it is staged (a cumulative ack). */
    NEXT,
    /** The snapshot is staged and handed to the replica (or was not needed): stop sending. */
    DONE,
    /** The receiver knows nothing of the transfer (it restarted, or gave up on it): start over. */
    RESTART
  }

  /** The receiving driver's answer to a {@link SnapshotChunk}; {@code ballot} is the chunk's. */
  record SnapshotChunkAck(
      GroupId group, Ballot ballot, long transferId, int nextSeq, ChunkStatus status)
      implements Message {
    public SnapshotChunkAck {
      if (nextSeq < 0) {
        throw new IllegalArgumentException("negative next chunk " + nextSeq);
      }
    }

    @Override
    public String toString() {
      return "SnapshotChunkAck " + ballot + " transfer=" + transferId + " " + status.name().toLowerCase()
          + (status == ChunkStatus.NEXT ? " next=" + nextSeq : "");
    }
  }
}
