package dev.meridian.sim.paxos;

import dev.meridian.paxos.replica.Ready;
import dev.meridian.paxos.replica.Status;
import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Entry;
import dev.meridian.paxos.types.EntryKind;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.sim.SimViolation;
import dev.meridian.sim.SimViolation.Kind;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TTInterval;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The safety checks of one Paxos group in a simulation, run as the events happen (a run with
 * several groups has one checker per group). Knowledge comes only from what
 * a node has made durable or revealed (never from a replica's volatile state, which may run ahead of
 * its disk): a value counts as accepted once the write carrying it is synced, and a slot as committed
 * once a synced commit point or an apply covers it.
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>chosen
 *   <dd>Accepted, durably, at one ballot by a majority of the voters. At most one value per slot.
 *   <dt>committed
 *   <dd>Covered by some node's durable commit point, or applied by some node. Every node's committed
 *       prefix must agree with every other's, and with what was chosen.
 *   <dt>lease claim
 *   <dd>For a ballot: the span of true time from the first to the last moment one of its leaders was
 *       seen holding the lease ({@code hasLease} under its own TrueTime). Claims of different ballots
 *       must not overlap (they may touch).
 * </dl>
 */
final class PaxosChecker {

  private final GroupId group;
  private final int quorum;
  private final Map<Long, Map<Ballot, Set<Integer>>> acceptors = new HashMap<>();
  private final Map<Long, Map<Ballot, String>> acceptedValue = new HashMap<>();
  final TreeMap<Long, String> chosen = new TreeMap<>();
  final TreeMap<Long, String> committed = new TreeMap<>();
  final Set<String> proposed = new HashSet<>();
  final Map<String, Long> commandSlot = new HashMap<>();
  private final Map<Ballot, long[]> leaseClaims = new HashMap<>();
  private Ballot lastSampled;
  private final Map<Ballot, Long> leaseEnds = new HashMap<>();
  private final Set<Ballot> activated = new HashSet<>();
  /** Ballots whose leader handed over: the true time it had given its lease up by. */
  private final Map<Ballot, Long> givenUp = new HashMap<>();
  long snapshotsInstalled;
  long durabilityChecks;

  PaxosChecker(GroupId group, int voters) {
    this.group = group;
    this.quorum = voters / 2 + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /** {@code node} has just synced {@code ready}'s persist section. */
  void onPersisted(PaxosNode node, Ready ready) {
    for (Entry entry : ready.entries()) {
      recordAcceptance(node.index, entry);
    }
    if (ready.hardState() != null) {
      PaxosNode.Replica replica = node.replica(group);
      long commit = ready.hardState().commit().value();
      for (long s = replica.checkedCommit + 1; s <= commit; s++) {
        Entry entry = node.disk.entry(group, s);
        if (entry == null) {
          check(node.disk.snapshotSlot(group) >= s, Kind.DURABILITY,
              "%s persisted commit point %d of %s but holds neither slot %d nor a snapshot covering it",
              node.id, commit, group, s);
          continue;
        }
        recordCommitted(node, s, entry.valueString(), "durable commit point");
      }
      replica.checkedCommit = Math.max(replica.checkedCommit, commit);
    }
  }

  private void recordAcceptance(int node, Entry entry) {
    long slot = entry.slot().value();
    String value = entry.valueString();
    String earlier =
        acceptedValue.computeIfAbsent(slot, s -> new HashMap<>()).putIfAbsent(entry.ballot(), value);
    check(earlier == null || earlier.equals(value), Kind.AGREEMENT,
        "ballot %s proposed two values at slot %d: %s and %s", entry.ballot(), slot, earlier, value);
    Set<Integer> who =
        acceptors.computeIfAbsent(slot, s -> new HashMap<>())
            .computeIfAbsent(entry.ballot(), b -> new HashSet<>());
    if (who.add(node) && who.size() == quorum) {
      String before = chosen.putIfAbsent(slot, value);
      check(before == null || before.equals(value), Kind.AGREEMENT,
          "two values chosen at slot %d: %s, then %s at ballot %s", slot, before, value, entry.ballot());
      String known = committed.get(slot);
      check(known == null || known.equals(value), Kind.AGREEMENT,
          "slot %d committed as %s but %s was chosen at ballot %s", slot, known, value, entry.ballot());
    }
  }

  private void recordCommitted(PaxosNode node, long slot, String value, String how) {
    String before = committed.putIfAbsent(slot, value);
    check(before == null || before.equals(value), Kind.AGREEMENT,
        "committed prefixes disagree at slot %d: %s has %s (%s), another node committed %s",
        slot, node.id, value, how, before);
    String chosenValue = chosen.get(slot);
    check(chosenValue == null || chosenValue.equals(value), Kind.AGREEMENT,
        "%s committed %s at slot %d (%s) but %s was chosen", node.id, value, slot, how, chosenValue);
  }

  // ---------------------------------------------------------------------------------------------
  // Applies

  void onProposed(String command) {
    proposed.add(command);
  }

  /**
   * {@code node}'s state machine applies {@code command}; its applied slot is still that of the
   * previous command. The driver hands the state machine commands only (no-ops and configuration
   * changes stay in the replica), so slots may be skipped, but never one known to hold a command.
   */
  void onApply(PaxosNode node, Entry command) {
    long slot = command.slot().value();
    long appliedSlot = node.replica(group).appliedSlot;
    check(command.kind() == EntryKind.COMMAND, Kind.APPLY,
        "%s's state machine was handed %s, which is no command", node.id, command);
    check(slot > appliedSlot, Kind.APPLY,
        "%s applies slot %d after slot %d: not each slot once, in order", node.id, slot, appliedSlot);
    for (long skipped = appliedSlot + 1; skipped < slot; skipped++) {
      String there = committed.get(skipped);
      check(there == null || !proposed.contains(there), Kind.APPLY,
          "%s applies slot %d but skipped slot %d, committed as command %s", node.id, slot, skipped, there);
    }
    recordCommitted(node, slot, command.valueString(), "applied");
    recordCommand(node, slot, command.valueString());
  }

  /**
   * {@code node} installs a snapshot whose state machine is {@code contents}: it must extend what the
   * node has applied so far.
   */
  void onInstallSnapshot(PaxosNode node, TreeMap<Long, String> contents) {
    for (Map.Entry<Long, String> applied : node.replica(group).stateMachine.entrySet()) {
      check(applied.getValue().equals(contents.get(applied.getKey())), Kind.APPLY,
          "%s installs a snapshot with %s at slot %d, where it already applied %s",
          node.id, contents.get(applied.getKey()), applied.getKey(), applied.getValue());
    }
    snapshotsInstalled++;
    for (Map.Entry<Long, String> e : contents.entrySet()) {
      recordCommitted(node, e.getKey(), e.getValue(), "snapshot");
      recordCommand(node, e.getKey(), e.getValue());
    }
  }

  private void recordCommand(PaxosNode node, long slot, String command) {
    check(proposed.contains(command), Kind.APPLY,
        "%s applied %s at slot %d, which no client proposed", node.id, command, slot);
    Long before = commandSlot.putIfAbsent(command, slot);
    check(before == null || before == slot, Kind.APPLY,
        "command %s applied twice: at slot %d and at slot %d", command, before, slot);
  }

  // ---------------------------------------------------------------------------------------------
  // Durability

  /**
   * Every committed slot is still held by a majority of disks (its value, or a snapshot covering
   * it): run after every crash, the moment state can be lost.
   */
  void checkDurable(PaxosNode[] nodes) {
    durabilityChecks++;
    for (Map.Entry<Long, String> e : committed.entrySet()) {
      long slot = e.getKey();
      int holders = 0;
      for (int i = 1; i < nodes.length; i++) {
        if (nodes[i].disk.durablyHolds(group, slot, e.getValue())) {
          holders++;
        }
      }
      check(holders >= quorum, Kind.DURABILITY,
          "committed slot %d of %s (%s) is held by only %d disks, fewer than a majority of %d",
          slot, group, e.getValue(), holders, quorum);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Leases

  /**
   * {@code node} sent TimeoutNow for {@code ballot} at true time {@code trueNow}: the leader handed
   * over. The replica gives its lease up and steps down before the message leaves ({@code
   * sendTimeoutNow}), and only for that reason may acceptors void their votes for {@code ballot}
   * (a Prepare naming it in {@code transferFrom}) and the target skip waiting for its lease. So the
   * sender must no longer lead {@code ballot}; from then on the ballot's lease counts as ended at
   * this moment, not at the end it had computed.
   */
  void onHandOver(PaxosNode node, Ballot ballot, long trueNow) {
    Status status = node.status(group);
    check(status == null || !status.active() || !status.promised().equals(ballot), Kind.LEASE,
        "%s handed %s over with TimeoutNow while still its active leader", node.id, ballot);
    givenUp.merge(ballot, trueNow, Math::min);
  }

  /**
   * Samples who leads and who holds a lease at true time {@code trueNow}; run after every event.
   * Two checks: the sampled holders (see the glossary), and the promise behind them — a leader
   * becomes active only once true time is past the end of every lower ballot's lease (the largest
   * {@code leaseEnd()} seen while that ballot led), or past the moment that ballot's leader gave
   * its lease up by handing over. The second does not depend on catching the old leader in the act
   * of serving, and it holds across crashes: a leader that crashed is held to the lease it had
   * computed, which its acceptors' durable votes (its own included) must still cover.
   */
  void checkLeases(long trueNow, PaxosNode[] nodes) {
    Ballot holder = null;
    for (int i = 1; i < nodes.length; i++) {
      PaxosNode node = nodes[i];
      Status status = node.status(group);
      if (status == null || !status.active()) {
        continue;
      }
      // An active leader has promised its own ballot (a higher promise makes it step down).
      Ballot leading = status.promised();
      long leaseEnd = status.leaseEndMicros();
      leaseEnds.merge(leading, leaseEnd, Math::max);
      if (activated.add(leading)) {
        for (Map.Entry<Ballot, Long> earlier : leaseEnds.entrySet()) {
          Ballot b = earlier.getKey();
          long end = Math.min(earlier.getValue(), givenUp.getOrDefault(b, Long.MAX_VALUE));
          check(!b.isBelow(leading) || end < trueNow, Kind.LEASE,
              "%s became an active leader at true time %d, before the lease of %s ended (at %d%s)",
              leading, trueNow, b, end, givenUp.containsKey(b) ? ", when it handed over" : "");
        }
      }
      TTInterval now;
      try {
        now = node.trueTime.now();
      } catch (ClockUnavailableException e) {
        continue;
      }
      // PaxosReplica.hasLease: an active leader whose lease ends after now.latest.
      if (now.latestMicros() >= leaseEnd) {
        continue;
      }
      Ballot ballot = leading;
      check(holder == null || holder.equals(ballot), Kind.LEASE,
          "two ballots hold a lease at true time %d: %s and %s", trueNow, holder, ballot);
      holder = ballot;
      check(trueNow < leaseEnd, Kind.LEASE,
          "%s holds a lease ending at %d at true time %d", node.id, leaseEnd, trueNow);
      long[] claim = leaseClaims.computeIfAbsent(ballot, b -> new long[] {trueNow, trueNow});
      claim[1] = Math.max(claim[1], trueNow);
      if (ballot.equals(lastSampled)) {
        // Checked against every other claim when it was last sampled, and none has grown since.
        continue;
      }
      lastSampled = ballot;
      for (Map.Entry<Ballot, long[]> other : leaseClaims.entrySet()) {
        long[] o = other.getValue();
        check(other.getKey().equals(ballot) || claim[1] <= o[0] || o[1] <= claim[0], Kind.LEASE,
            "leases overlap in true time: %s held one over [%d, %d] and %s over [%d, %d]",
            ballot, claim[0], claim[1], other.getKey(), o[0], o[1]);
      }
    }
  }

  /** {@link SimViolation#check}, naming the group. */
  private void check(boolean condition, Kind kind, String format, Object... args) {
    if (!condition) {
      throw new SimViolation(kind, group + ": " + String.format(format, args));
    }
  }

  int leaseHolders() {
    return leaseClaims.size();
  }
}
