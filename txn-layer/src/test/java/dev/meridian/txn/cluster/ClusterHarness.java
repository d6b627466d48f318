package dev.meridian.txn.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.ClusterCore.OutgoingHeartbeat;
import dev.meridian.txn.cluster.ClusterCore.Ready;
import dev.meridian.txn.cluster.Messages.HeartbeatAnswer;
import dev.meridian.txn.cluster.Messages.JoinAnswer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A few {@link ClusterCore}s wired together synchronously, as their drivers would be: each round
 * every running node ticks, and the join requests and heartbeats of its {@link Ready} are delivered
 * (and answered) at once where the link is up. Epochs a Ready asks to persist are checked to grow
 * and kept, as on disk, and every join request, heartbeat and heartbeat answer is checked to carry
 * no epoch its sender has not persisted. Time moves only when a test says so, in 100 ms rounds.
 */
final class ClusterHarness {

  /** Cores by node id, a time, the nodes that are down and the links that are cut. */
  final Map<Integer, ClusterCore> nodes = new TreeMap<>();
  /** The epoch each node last persisted, as the driver would have it on disk. */
  final Map<Integer, Long> persistedEpochs = new TreeMap<>();
  final Set<Integer> down = new HashSet<>();
  final Set<String> cut = new HashSet<>();
  long nowMicros = 1_000_000;
  /** The node every waiting node joins through. */
  int joinTarget = 1;

  static Member member(int id, String store, long epoch) {
    return new Member(new NodeId(id), store, "r" + id, "", new Member.Addresses("127.0.0.1:" + (7000 + id),
        "127.0.0.1:" + (8000 + id), "127.0.0.1:" + (9000 + id)), epoch, 0);
  }

  void startWaiting(int id) {
    persistedEpochs.put(id, 1L);
    nodes.put(id, ClusterCore.waitingForInit(member(id, "store-" + id, 1), ClusterCore.Config.defaults()));
  }

  /** A restart: the driver persisted one more than the stored epoch before building the core. */
  void restart(int id, String clusterId) {
    long epoch = persistedEpochs.merge(id, 1L, Long::sum);
    nodes.put(id, ClusterCore.ofCluster(clusterId, member(id, "store-" + id, epoch), true, ClusterCore.Config.defaults()));
    down.remove(id);
  }

  /**
   * A pause ends (a GC pause, SIGSTOP then SIGCONT): the node goes on with the state it had, on the
   * same epoch, and its first tick sees how long it was away.
   */
  void resume(int id) {
    assertThat(down.remove(id)).as("n%d was paused", id).isTrue();
  }

  private boolean linked(int from, int to) {
    return !down.contains(from) && !down.contains(to) && !cut.contains(from + "-" + to) && !cut.contains(to + "-" + from);
  }

  /** One round: every running node ticks, and its join request and heartbeats are delivered where linked. */
  List<String> round() {
    List<String> log = new ArrayList<>();
    for (Map.Entry<Integer, ClusterCore> entry : nodes.entrySet()) {
      int id = entry.getKey();
      if (down.contains(id)) {
        continue;
      }
      ClusterCore core = entry.getValue();
      carryOut(id, core, core.tick(nowMicros), log);
    }
    return log;
  }

  private void carryOut(int id, ClusterCore core, Ready ready, List<String> log) {
    ready.persistEpoch().ifPresent(epoch -> {
      assertThat(epoch).isGreaterThan(persistedEpochs.get(id));
      persistedEpochs.put(id, epoch);
      log.add("n" + id + " persists epoch " + epoch);
    });
    // An ended epoch says why (how many did not hear it, or who said so); other changes just flip.
    ready.changes().forEach(change -> log.add("n" + id + " sees " + change.node() + " " + change.to() + "@"
        + change.epoch() + (change.why().startsWith("epoch ") ? " (" + change.why() + ")" : "")));
    ready.refusal().ifPresent(reason -> log.add("n" + id + " refused: " + reason));
    // What the driver sends carries no epoch it has not persisted (ClusterCore's invariant, checked
    // where the message leaves as well as where the Ready asks to persist).
    ready.join().ifPresent(join -> assertSent(id, join.joiner()));
    ready.heartbeats().forEach(out -> assertSent(id, out.heartbeat().from()));
    if (ready.join().isPresent() && linked(id, joinTarget) && id != joinTarget) {
      JoinAnswer answer = nodes.get(joinTarget).onJoin(ready.join().get(), nowMicros);
      carryOut(id, core, core.onJoinAnswer(answer, nowMicros), log);
    }
    for (OutgoingHeartbeat out : ready.heartbeats()) {
      int to = out.to().nodeId().value();
      if (linked(id, to) && nodes.containsKey(to)) {
        HeartbeatAnswer answer = nodes.get(to).onHeartbeat(out.heartbeat(), nowMicros);
        if (answer instanceof Messages.HeartbeatAck ack) {
          assertSent(to, ack.responder());
        }
        carryOut(id, core, core.onHeartbeatAnswer(out.to().nodeId(), answer, nowMicros), log);
      }
    }
  }

  private void assertSent(int id, Member sender) {
    assertThat(sender.epoch()).as("n%d sends epoch %d, persisted %d", id, sender.epoch(), persistedEpochs.get(id))
        .isLessThanOrEqualTo(persistedEpochs.get(id));
  }

  /** Rounds every 100 ms until {@code micros} have passed; what happened, in order. */
  List<String> advance(long micros) {
    List<String> log = new ArrayList<>();
    long end = nowMicros + micros;
    while (nowMicros < end) {
      nowMicros += 100_000;
      log.addAll(round());
    }
    return log;
  }

  /** {@code 1:SELF@1 2:LIVE@1 3:DEAD@2} as node {@code id} sees the cluster. */
  String view(int id) {
    return nodes.get(id).members(nowMicros).stream()
        .sorted((a, b) -> a.member().nodeId().compareTo(b.member().nodeId()))
        .map(s -> s.member().nodeId().value() + ":" + s.liveness() + "@" + s.member().epoch())
        .collect(Collectors.joining(" "));
  }
}
