package dev.meridian.paxos.driver;

import dev.meridian.paxos.replica.DurableState;
import dev.meridian.paxos.replica.HardState;
import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.LeaseVote;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the crash workload persists, as a pure function of (group, round), so that the test can say
 * exactly what the durable state must be after round R of a group and nothing else.
 *
 * <p>Round r of group g persists one Ready: hard state with promised ballot (r, node) and a lease
 * vote for it ending at {@code r * 1000 + g}; entries for slots {@code (r-1)*K .. r*K}, which
 * rewrites the last slot of round r-1 at the new ballot; commit point {@code (r-1)*K}; round 1 adds
 * the group's initial snapshot; every {@link #SNAPSHOT_EVERY}th round a snapshot at the commit point
 * that compacts the log through it.
 */
final class CrashPlan {

  static final int GROUPS = 6;
  static final long K = 3;
  static final long SNAPSHOT_EVERY = 5;
  static final Membership VOTERS = Membership.ofVoters(new NodeId(1), new NodeId(2), new NodeId(3));

  private CrashPlan() {}

  static GroupId group(int g) {
    return new GroupId(1000 + g);
  }

  private static Ballot ballot(int g, long round) {
    return new Ballot(round, 1 + g % 3);
  }

  static HardState hardState(int g, long round) {
    Ballot ballot = ballot(g, round);
    return new HardState(ballot, new LeaseVote(ballot, round * 1000 + g), Slot.of((round - 1) * K));
  }

  private static Entry entry(int g, long slot, long round) {
    return Entry.command(
        Slot.of(slot), ballot(g, round), ("g" + g + "s" + slot + "r" + round).getBytes(StandardCharsets.UTF_8));
  }

  private static Snapshot snapshotOf(int g, long round) {
    long slot = (round - 1) * K;
    return new Snapshot(Slot.of(slot), VOTERS, ("snap g" + g + " r" + round).getBytes(StandardCharsets.UTF_8));
  }

  static Ready ready(int g, long round) {
    Snapshot snapshot = null;
    Slot compactThrough = null;
    if (round == 1) {
      snapshot = Snapshot.initial(VOTERS);
    } else if (round % SNAPSHOT_EVERY == 0) {
      snapshot = snapshotOf(g, round);
      compactThrough = snapshot.lastSlot();
    }
    List<Entry> entries = new ArrayList<>();
    for (long slot = Math.max(1, (round - 1) * K); slot <= round * K; slot++) {
      entries.add(entry(g, slot, round));
    }
    return new Ready(snapshot, compactThrough, entries, hardState(g, round), List.of(), null, List.of());
  }

  /** The whole durable state of group g after its rounds 1..round and no more (round >= 1). */
  static DurableState expected(int g, long round) {
    long snapshotRound = round - round % SNAPSHOT_EVERY;
    Snapshot snapshot = snapshotRound == 0 ? Snapshot.initial(VOTERS) : snapshotOf(g, snapshotRound);
    List<Entry> entries = new ArrayList<>();
    for (long slot = snapshot.lastSlot().value() + 1; slot <= round * K; slot++) {
      long writtenFirst = (slot + K - 1) / K;
      long lastWriter = slot % K == 0 && writtenFirst + 1 <= round ? writtenFirst + 1 : writtenFirst;
      entries.add(entry(g, slot, lastWriter));
    }
    return new DurableState(hardState(g, round), snapshot, entries, snapshot.lastSlot());
  }

  /** The last round of group g in {@code storage}: its promised round, 0 if nothing is stored. */
  static long recoveredRound(PaxosStorage storage, int g) {
    return storage.load(group(g)).map(s -> s.hardState().promised().round()).orElse(0L);
  }
}
