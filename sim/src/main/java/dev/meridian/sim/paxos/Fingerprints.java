package dev.meridian.sim.paxos;

import static dev.meridian.sim.Trace.fold;

import dev.meridian.paxos.messages.Message;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Snapshot;
import java.util.Arrays;
import java.util.List;

/**
 * Stable 64-bit fingerprints of Paxos values for the trace hash. Records' own {@code hashCode}s are no
 * good here: those of enums (an entry's kind, a reject's reason) are identity hashes and differ from
 * one JVM to the next, and a seed must give the same hash on every run.
 */
final class Fingerprints {

  private Fingerprints() {}

  static long of(Message message) {
    long h = fold(message.group().value(), ballot(message.ballot()));
    return switch (message) {
      case Message.PreVote m -> fold(h, 1);
      case Message.PreVoteReply m -> fold(fold(fold(h, 2), m.granted() ? 1 : 0), ballot(m.promised()));
      case Message.Prepare m ->
          fold(fold(fold(h, 3), m.fromSlot().value()), ballot(m.transferFrom()));
      case Message.Promise m ->
          fold(fold(fold(fold(fold(h, 4), entries(m.accepted())), m.commit().value()), lease(m.priorLease())),
              m.behind() ? 1 : 0);
      case Message.Accept m -> fold(fold(fold(h, 5), entries(m.entries())), m.commit().value());
      case Message.Accepted m ->
          fold(fold(fold(fold(h, 6), m.match().value()), m.lastReceived().value()), m.leaseGrantEndMicros());
      case Message.Reject m ->
          fold(fold(fold(fold(h, 7), m.reason().ordinal()), ballot(m.promised())), m.leaseEndMicros());
      case Message.Heartbeat m -> fold(fold(h, 8), m.commit().value());
      case Message.HeartbeatAck m -> fold(fold(fold(h, 9), m.match().value()), m.leaseGrantEndMicros());
      case Message.InstallSnapshot m -> fold(fold(fold(h, 10), snapshot(m.snapshot())), m.commit().value());
      case Message.TimeoutNow m -> fold(h, 11);
      case Message.SnapshotChunk m -> fold(fold(fold(fold(fold(h, 12), m.transferId()), m.seq()),
          m.lastSlot().value()), fold(java.util.Arrays.hashCode(m.data()), m.last() ? 1 : 0));
      case Message.SnapshotChunkAck m ->
          fold(fold(fold(fold(h, 13), m.transferId()), m.nextSeq()), m.status().ordinal());
    };
  }

  static long ballot(Ballot b) {
    return fold(b.round(), b.nodeId());
  }

  static long lease(LeaseVote vote) {
    return fold(ballot(vote.ballot()), vote.endMicros());
  }

  static long entry(Entry e) {
    return fold(fold(fold(e.slot().value(), ballot(e.ballot())), e.kind().ordinal()), Arrays.hashCode(e.data()));
  }

  static long entries(List<Entry> entries) {
    long h = entries.size();
    for (Entry e : entries) {
      h = fold(h, entry(e));
    }
    return h;
  }

  static long snapshot(Snapshot s) {
    long h = fold(s.lastSlot().value(), Arrays.hashCode(s.data()));
    for (var voter : s.membership().voters()) {
      h = fold(h, voter.value());
    }
    return h;
  }
}
