package dev.meridian.txn.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.ClusterCore.Liveness;
import dev.meridian.txn.cluster.ClusterCore.MemberStatus;
import dev.meridian.txn.cluster.ClusterCore.OutgoingHeartbeat;
import dev.meridian.txn.cluster.ClusterCore.Ready;
import dev.meridian.txn.cluster.Messages.AlreadyInitialized;
import dev.meridian.txn.cluster.Messages.HeartbeatAnswer;
import dev.meridian.txn.cluster.Messages.Initialized;
import dev.meridian.txn.cluster.Messages.JoinAnswer;
import dev.meridian.txn.cluster.Messages.JoinRefused;
import dev.meridian.txn.cluster.Messages.JoinRequest;
import dev.meridian.txn.cluster.Messages.Joined;
import dev.meridian.txn.cluster.Messages.NotInitialized;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The formation and liveness core driven step by step: a few cores exchange their {@link Ready}s'
 * join requests and heartbeats synchronously, with time advanced by the test, nodes stopped and
 * restarted, and links cut. Every test states the liveness each node must see.
 */
class ClusterCoreTest {

  private static final ClusterCore.Config CONFIG = ClusterCore.Config.defaults();
  private static final String CLUSTER_A = "aaaaaaaa-0000-0000-0000-000000000001";
  private static final String CLUSTER_B = "bbbbbbbb-0000-0000-0000-000000000002";

  /** Cores by node id, a time, the nodes that are down and the links that are cut. */
  private final Map<Integer, ClusterCore> nodes = new TreeMap<>();
  /** The epoch each node last persisted, as the driver would have it on disk. */
  private final Map<Integer, Long> persistedEpochs = new TreeMap<>();
  private final Set<Integer> down = new HashSet<>();
  private final Set<String> cut = new HashSet<>();
  private long nowMicros = 1_000_000;
  /** The node every waiting node joins through. */
  private int joinTarget = 1;

  private static Member member(int id, String store, long epoch) {
    return new Member(new NodeId(id), store, "r" + id, "", new Member.Addresses("127.0.0.1:" + (7000 + id),
        "127.0.0.1:" + (8000 + id), "127.0.0.1:" + (9000 + id)), epoch, 0);
  }

  private void startWaiting(int id) {
    persistedEpochs.put(id, 1L);
    nodes.put(id, ClusterCore.waitingForInit(member(id, "store-" + id, 1), CONFIG));
  }

  /** A restart: the driver persisted one more than the stored epoch before building the core. */
  private void restart(int id, String clusterId) {
    long epoch = persistedEpochs.merge(id, 1L, Long::sum);
    nodes.put(id, ClusterCore.ofCluster(clusterId, member(id, "store-" + id, epoch), true, CONFIG));
    down.remove(id);
  }

  private boolean linked(int from, int to) {
    return !down.contains(from) && !down.contains(to) && !cut.contains(from + "-" + to) && !cut.contains(to + "-" + from);
  }

  /** One round: every running node ticks, and its join request and heartbeats are delivered where linked. */
  private List<String> round() {
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
    });
    ready.changes().forEach(change -> log.add("n" + id + " sees " + change.node() + " " + change.to() + "@"
        + change.epoch()));
    ready.refusal().ifPresent(reason -> log.add("n" + id + " refused: " + reason));
    if (ready.join().isPresent() && linked(id, joinTarget) && id != joinTarget) {
      JoinAnswer answer = nodes.get(joinTarget).onJoin(ready.join().get(), nowMicros);
      carryOut(id, core, core.onJoinAnswer(answer, nowMicros), log);
    }
    for (OutgoingHeartbeat out : ready.heartbeats()) {
      int to = out.to().nodeId().value();
      if (linked(id, to) && nodes.containsKey(to)) {
        HeartbeatAnswer answer = nodes.get(to).onHeartbeat(out.heartbeat(), nowMicros);
        carryOut(id, core, core.onHeartbeatAnswer(out.to().nodeId(), answer, nowMicros), log);
      }
    }
  }

  private void advance(long micros) {
    long end = nowMicros + micros;
    while (nowMicros < end) {
      nowMicros += 100_000;
      round();
    }
  }

  /** {@code 1:SELF@1 2:LIVE@1 3:DEAD@2} as node {@code id} sees the cluster. */
  private String view(int id) {
    return nodes.get(id).members(nowMicros).stream()
        .sorted((a, b) -> a.member().nodeId().compareTo(b.member().nodeId()))
        .map(s -> s.member().nodeId().value() + ":" + s.liveness() + "@" + s.member().epoch())
        .collect(Collectors.joining(" "));
  }

  private void formThree() {
    startWaiting(1);
    startWaiting(2);
    startWaiting(3);
    advance(1_000_000);
    assertThat(nodes.get(2).phase()).isEqualTo(ClusterCore.Phase.WAITING_FOR_INIT);
    Initialized initialized = (Initialized) nodes.get(1).init(CLUSTER_A, nowMicros);
    assertThat(initialized.founders()).extracting(m -> m.nodeId().value()).containsExactly(1, 2, 3);
    advance(1_000_000);
  }

  @Test
  void waitingNodesBecomeFoundersAtInitAndEveryNodeSeesThreeLive() {
    startWaiting(1);
    startWaiting(2);
    startWaiting(3);
    round();
    assertThat(nodes.get(2).clusterId()).isEmpty();
    assertThat(nodes.get(1).onHeartbeat(new Messages.Heartbeat(CLUSTER_A, member(2, "store-2", 1), List.of()),
        nowMicros)).isInstanceOf(Messages.NotAMember.class);
    formThree();
    for (int id = 1; id <= 3; id++) {
      assertThat(nodes.get(id).clusterId()).contains(CLUSTER_A);
      assertThat(nodes.get(id).phase()).isEqualTo(ClusterCore.Phase.MEMBER);
    }
    assertThat(view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@1");
    assertThat(view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:LIVE@1");
    assertThat(view(3)).isEqualTo("1:LIVE@1 2:LIVE@1 3:SELF@1");
  }

  @Test
  void aSecondInitSaysAlreadyInitializedWithTheClusterId() {
    formThree();
    assertThat(nodes.get(1).init(CLUSTER_B, nowMicros)).isEqualTo(new AlreadyInitialized(CLUSTER_A));
    assertThat(nodes.get(3).init(CLUSTER_B, nowMicros)).isEqualTo(new AlreadyInitialized(CLUSTER_A));
  }

  @Test
  void aJoinerAdoptsTheClusterIdOnceAndSaysSoInItsReady() {
    ClusterCore founder = ClusterCore.ofCluster(CLUSTER_A, member(1, "store-1", 1), false, CONFIG);
    ClusterCore joiner = ClusterCore.waitingForInit(member(2, "store-2", 1), CONFIG);
    JoinAnswer answer = founder.onJoin(joiner.tick(nowMicros).join().orElseThrow(), nowMicros);
    Ready ready = joiner.onJoinAnswer(answer, nowMicros);
    assertThat(ready.adoptClusterId()).contains(CLUSTER_A);
    assertThat(joiner.phase()).isEqualTo(ClusterCore.Phase.MEMBER);
    assertThat(joiner.tick(nowMicros + 1).join()).isEmpty();
    assertThat(joiner.tick(nowMicros + 1).adoptClusterId()).isEmpty();
  }

  @Test
  void aNodeKilledIsDeclaredDeadAndComesBackWithAHigherEpoch() {
    formThree();
    down.add(3);
    advance(2_000_000);
    assertThat(view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@1");
    advance(1_500_000);
    assertThat(view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:DEAD@1");
    assertThat(view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:DEAD@1");

    restart(3, CLUSTER_A);
    assertThat(nodes.get(3).phase()).isEqualTo(ClusterCore.Phase.REJOINING);
    advance(1_000_000);
    assertThat(nodes.get(3).phase()).isEqualTo(ClusterCore.Phase.MEMBER);
    assertThat(view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@2");
    assertThat(view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:LIVE@2");
    assertThat(view(3)).isEqualTo("1:LIVE@1 2:LIVE@1 3:SELF@2");
  }

  @Test
  void aNodeCutOffAndDeclaredDeadMustComeBackWithALargerEpochEvenWithoutARestart() {
    formThree();
    cut.add("3-1");
    cut.add("3-2");
    advance(3_500_000);
    assertThat(view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:DEAD@1");
    assertThat(view(3)).isEqualTo("1:DEAD@1 2:DEAD@1 3:SELF@1");

    cut.clear();
    List<String> log = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      nowMicros += 100_000;
      log.addAll(round());
    }
    // Both sides of the cut had declared the other dead at epoch 1: n3 declared n1 and n2, they
    // declared n3. Each comes back at epoch 2, persisted before it is sent.
    assertThat(persistedEpochs).containsEntry(1, 2L).containsEntry(2, 2L).containsEntry(3, 2L);
    assertThat(view(1)).isEqualTo("1:SELF@2 2:LIVE@2 3:LIVE@2");
    assertThat(view(3)).isEqualTo("1:LIVE@2 2:LIVE@2 3:SELF@2");
    assertThat(log).contains("n1 sees n3 LIVE@2", "n2 sees n3 LIVE@2");
    assertThat(log).doesNotContain("n1 sees n3 LIVE@1");
  }

  @Test
  void aDataDirectoryOfAnotherClusterIsRefusedNamingBothClusterIds() {
    formThree();
    ClusterCore stranger = ClusterCore.ofCluster(CLUSTER_B, member(4, "store-4", 3), true, CONFIG);
    JoinAnswer answer = nodes.get(1).onJoin(stranger.tick(nowMicros).join().orElseThrow(), nowMicros);
    assertThat(answer).isInstanceOf(JoinRefused.class);
    assertThat(((JoinRefused) answer).reason()).contains("belongs to cluster " + CLUSTER_B,
        "belongs to cluster " + CLUSTER_A);
    Ready ready = stranger.onJoinAnswer(answer, nowMicros);
    assertThat(ready.refusal()).isPresent();
    assertThat(nodes.get(1).members(nowMicros)).hasSize(3);
  }

  @Test
  void aNodeIdTakenByAnotherDataDirectoryIsRefusedNamingBothDirectories() {
    formThree();
    JoinAnswer answer = nodes.get(2).onJoin(new JoinRequest("", member(3, "store-imposter", 1)), nowMicros);
    assertThat(((JoinRefused) answer).reason()).contains("node id 3 is already taken", "store-3",
        "store-imposter");
    // The node's own id, from another directory, too.
    JoinAnswer selfAnswer = nodes.get(2).onJoin(new JoinRequest("", member(2, "store-other", 1)), nowMicros);
    assertThat(selfAnswer).isInstanceOf(JoinRefused.class);
    // The real node 3 with its own directory is welcome: asking again in the same run keeps its epoch.
    Joined joined = (Joined) nodes.get(2).onJoin(new JoinRequest(CLUSTER_A, member(3, "store-3", 1)), nowMicros);
    assertThat(joined.minimumEpoch()).isEqualTo(1);
    // Declared dead at epoch 1, it must come back above it even if its directory says 1.
    down.add(3);
    advance(3_500_000);
    assertThat(view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:DEAD@1");
    Joined again = (Joined) nodes.get(2).onJoin(new JoinRequest(CLUSTER_A, member(3, "store-3", 1)), nowMicros);
    assertThat(again.minimumEpoch()).isEqualTo(2);
  }

  @Test
  void aWaitingNodeRemembersJoinersForABoundedTimeAndNumber() {
    ClusterCore waiting = ClusterCore.waitingForInit(member(1, "store-1", 1), new ClusterCore.Config(500_000,
        3_000_000, 500_000, 1_000_000, 2));
    assertThat(waiting.onJoin(new JoinRequest("", member(2, "s2", 1)), 0)).isInstanceOf(NotInitialized.class);
    waiting.onJoin(new JoinRequest("", member(3, "s3", 1)), 100_000);
    waiting.onJoin(new JoinRequest("", member(4, "s4", 1)), 900_000);
    // n2 fell out of the bound of 2; n3 is past the 1 s memory at 1.2 s; n4 is a founder.
    Initialized initialized = (Initialized) waiting.init(CLUSTER_A, 1_200_000);
    assertThat(initialized.founders()).extracting(m -> m.nodeId().value()).containsExactly(1, 4);
  }

  @Test
  void aPeerNeverHeardIsUnknownNotLiveAndRecordsFromPeersAboutThisNodeAreIgnored() {
    ClusterCore one = ClusterCore.ofCluster(CLUSTER_A, member(1, "store-1", 4), false, CONFIG);
    one.onHeartbeatAnswer(new NodeId(2), new Messages.HeartbeatAck(member(2, "store-2", 1),
        List.of(member(1, "store-1", 9), member(5, "store-5", 1))), nowMicros);
    List<MemberStatus> members = one.members(nowMicros);
    assertThat(members).extracting(s -> s.member().nodeId().value() + ":" + s.liveness() + "@" + s.member().epoch())
        .containsExactly("1:SELF@4", "2:LIVE@1", "5:UNKNOWN@1");
    assertThat(members.get(2).heardAgoMicros()).isEqualTo(-1);
    assertThat(one.members(nowMicros + 3_100_000).get(1).liveness()).isEqualTo(Liveness.DEAD);
  }

  @Test
  void aKeptRegistryLetsAWholeClusterRestartFindItsPeersAndKeepsTakenIdsTaken() {
    formThree();
    List<Member> kept = new ArrayList<>();
    // What node 1's driver kept: the last registry its Readys handed out.
    ClusterCore one = nodes.get(1);
    Ready ready = one.updateAddresses(new Member.Addresses("127.0.0.1:7001", "127.0.0.1:8001", "127.0.0.1:9001"));
    kept.addAll(ready.persistMembers().orElseThrow());
    assertThat(kept).extracting(m -> m.nodeId().value()).containsExactly(1, 2, 3);
    assertThat(one.tick(nowMicros).persistMembers()).isEmpty();

    // Everyone restarts, with no join targets at all: node 1 heartbeats the members it kept.
    for (int id = 1; id <= 3; id++) {
      long epoch = persistedEpochs.merge(id, 1L, Long::sum);
      nodes.put(id, ClusterCore.ofCluster(CLUSTER_A, member(id, "store-" + id, epoch),
          id == 1 ? kept : List.of(), false, CONFIG));
    }
    assertThat(view(1)).isEqualTo("1:SELF@2 2:UNKNOWN@1 3:UNKNOWN@1");
    advance(1_000_000);
    for (int id = 1; id <= 3; id++) {
      assertThat(view(id)).as("n" + id).isEqualTo(switch (id) {
        case 1 -> "1:SELF@2 2:LIVE@2 3:LIVE@2";
        case 2 -> "1:LIVE@2 2:SELF@2 3:LIVE@2";
        default -> "1:LIVE@2 2:LIVE@2 3:SELF@2";
      });
    }
    JoinAnswer imposter = nodes.get(1).onJoin(new JoinRequest("", member(3, "store-imposter", 1)), nowMicros);
    assertThat(imposter).isInstanceOf(JoinRefused.class);
  }
}
