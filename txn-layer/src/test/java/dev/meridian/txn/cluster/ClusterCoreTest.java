package dev.meridian.txn.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.txn.cluster.ClusterCore.Liveness;
import dev.meridian.txn.cluster.ClusterCore.MemberStatus;
import dev.meridian.txn.cluster.ClusterCore.Ready;
import dev.meridian.txn.cluster.Messages.AlreadyInitialized;
import dev.meridian.txn.cluster.Messages.Initialized;
import dev.meridian.txn.cluster.Messages.JoinAnswer;
import dev.meridian.txn.cluster.Messages.JoinRefused;
import dev.meridian.txn.cluster.Messages.JoinRequest;
import dev.meridian.txn.cluster.Messages.Joined;
import dev.meridian.txn.cluster.Messages.NotInitialized;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The formation and liveness core driven step by step: a few cores exchange their {@link Ready}s'
 * join requests and heartbeats synchronously, with time advanced by the test, nodes stopped and
 * restarted, and links cut. Every test states the liveness each node must see.
 */
class ClusterCoreTest {

  private final ClusterHarness h = new ClusterHarness();

  private static final ClusterCore.Config CONFIG = ClusterCore.Config.defaults();
  private static final String CLUSTER_A = "aaaaaaaa-0000-0000-0000-000000000001";
  private static final String CLUSTER_B = "bbbbbbbb-0000-0000-0000-000000000002";

  private void formThree() {
    h.startWaiting(1);
    h.startWaiting(2);
    h.startWaiting(3);
    h.advance(1_000_000);
    assertThat(h.nodes.get(2).phase()).isEqualTo(ClusterCore.Phase.WAITING_FOR_INIT);
    Initialized initialized = (Initialized) h.nodes.get(1).init(CLUSTER_A, h.nowMicros);
    assertThat(initialized.founders()).extracting(m -> m.nodeId().value()).containsExactly(1, 2, 3);
    h.advance(1_000_000);
  }

  @Test
  void waitingNodesBecomeFoundersAtInitAndEveryNodeSeesThreeLive() {
    h.startWaiting(1);
    h.startWaiting(2);
    h.startWaiting(3);
    h.round();
    assertThat(h.nodes.get(2).clusterId()).isEmpty();
    assertThat(h.nodes.get(1).onHeartbeat(new Messages.Heartbeat(CLUSTER_A, ClusterHarness.member(2, "store-2", 1), List.of(),
        List.of(), List.of()),
        h.nowMicros)).isInstanceOf(Messages.NotAMember.class);
    formThree();
    for (int id = 1; id <= 3; id++) {
      assertThat(h.nodes.get(id).clusterId()).contains(CLUSTER_A);
      assertThat(h.nodes.get(id).phase()).isEqualTo(ClusterCore.Phase.MEMBER);
    }
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@1");
    assertThat(h.view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:LIVE@1");
    assertThat(h.view(3)).isEqualTo("1:LIVE@1 2:LIVE@1 3:SELF@1");
  }

  @Test
  void aSecondInitSaysAlreadyInitializedWithTheClusterId() {
    formThree();
    assertThat(h.nodes.get(1).init(CLUSTER_B, h.nowMicros)).isEqualTo(new AlreadyInitialized(CLUSTER_A));
    assertThat(h.nodes.get(3).init(CLUSTER_B, h.nowMicros)).isEqualTo(new AlreadyInitialized(CLUSTER_A));
  }

  @Test
  void aJoinerAdoptsTheClusterIdOnceAndSaysSoInItsReady() {
    ClusterCore founder = ClusterCore.ofCluster(CLUSTER_A, ClusterHarness.member(1, "store-1", 1), false, CONFIG);
    ClusterCore joiner = ClusterCore.waitingForInit(ClusterHarness.member(2, "store-2", 1), CONFIG);
    JoinAnswer answer = founder.onJoin(joiner.tick(h.nowMicros).join().orElseThrow(), h.nowMicros);
    Ready ready = joiner.onJoinAnswer(answer, h.nowMicros);
    assertThat(ready.adoptClusterId()).contains(CLUSTER_A);
    assertThat(joiner.phase()).isEqualTo(ClusterCore.Phase.MEMBER);
    assertThat(joiner.tick(h.nowMicros + 1).join()).isEmpty();
    assertThat(joiner.tick(h.nowMicros + 1).adoptClusterId()).isEmpty();
  }

  @Test
  void aNodeKilledIsDeclaredDeadAndComesBackWithAHigherEpoch() {
    formThree();
    h.down.add(3);
    h.advance(2_000_000);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@1");
    h.advance(1_500_000);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:DEAD@1");
    assertThat(h.view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:DEAD@1");

    h.restart(3, CLUSTER_A);
    assertThat(h.nodes.get(3).phase()).isEqualTo(ClusterCore.Phase.REJOINING);
    h.advance(1_000_000);
    assertThat(h.nodes.get(3).phase()).isEqualTo(ClusterCore.Phase.MEMBER);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@2");
    assertThat(h.view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:LIVE@2");
    assertThat(h.view(3)).isEqualTo("1:LIVE@1 2:LIVE@1 3:SELF@2");
  }

  @Test
  void aNodeCutOffFromAMajorityMustComeBackWithALargerEpochEvenWithoutARestartAndOnlyIt() {
    formThree();
    h.cut.add("3-1");
    h.cut.add("3-2");
    h.advance(3_500_000);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:DEAD@1");
    assertThat(h.view(3)).isEqualTo("1:DEAD@1 2:DEAD@1 3:SELF@1");
    assertThat(h.nodes.get(1).members(h.nowMicros).get(2).endedEpoch()).as("n1 and n2 ended n3's epoch 1")
        .isEqualTo(1);
    assertThat(h.nodes.get(3).members(h.nowMicros)).as("n3 alone is no majority: it ended no one's epoch")
        .allMatch(status -> status.endedEpoch() == 0);

    h.cut.clear();
    List<String> log = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      h.nowMicros += 100_000;
      log.addAll(h.round());
    }
    // n1 and n2, a majority, did not hear n3: its epoch 1 ended and it comes back at epoch 2,
    // persisted before it is sent. n3 not hearing them was one vote: their epochs stay.
    assertThat(h.persistedEpochs).containsEntry(1, 1L).containsEntry(2, 1L).containsEntry(3, 2L);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@2");
    assertThat(h.view(3)).isEqualTo("1:LIVE@1 2:LIVE@1 3:SELF@2");
    assertThat(log).contains("n1 sees n3 LIVE@2", "n2 sees n3 LIVE@2", "n3 sees n1 LIVE@1", "n3 sees n2 LIVE@1");
    assertThat(log).doesNotContain("n1 sees n3 LIVE@1");
  }

  @Test
  void aPausedNodeComingBackRaisesNoOtherNodesEpochAndGetsANewOneItself() {
    formThree();
    // SIGSTOP for 5 s: n3 neither ticks nor answers, and keeps its state.
    h.down.add(3);
    h.advance(5_000_000);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:DEAD@1");
    h.resume(3);
    List<String> log = h.advance(2_000_000);
    // n3 finds its inputs stopped for 5 s: it was not running, so its peers' silence in that time
    // is not held against them (and had it been, its one vote of three would end nothing).
    assertThat(log).noneMatch(line -> line.startsWith("n3 sees n1 DEAD") || line.startsWith("n3 sees n2 DEAD"));
    assertThat(h.persistedEpochs).containsEntry(1, 1L).containsEntry(2, 1L).containsEntry(3, 2L);
    assertThat(log).filteredOn(line -> line.contains("persists")).containsExactly("n3 persists epoch 2");
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@2");
    assertThat(h.view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:LIVE@2");
    assertThat(h.view(3)).isEqualTo("1:LIVE@1 2:LIVE@1 3:SELF@2");
    for (int id = 1; id <= 3; id++) {
      assertThat(h.nodes.get(id).members(h.nowMicros)).as("n%d", id).allMatch(s -> s.endedEpoch() < s.member().epoch());
    }
  }

  @Test
  void aNodeOnlyOneMemberHearsGetsOneNewEpochNotOneEveryTimeout() {
    for (int id = 1; id <= 5; id++) {
      h.startWaiting(id);
    }
    h.advance(1_000_000);
    h.nodes.get(1).init(CLUSTER_A, h.nowMicros);
    h.advance(1_000_000);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@1 4:LIVE@1 5:LIVE@1");
    // n5 reaches only n1: n2, n3 and n4 (three of five) do not hear it.
    for (int other = 2; other <= 4; other++) {
      h.cut.add("5-" + other);
    }
    h.advance(20_000_000);
    // Its epoch 1 ended once; at epoch 2 n1 hears it, and the others' votes still name epoch 1,
    // which ended already: no further epoch ends while the cut lasts.
    assertThat(h.persistedEpochs).containsEntry(5, 2L).containsEntry(1, 1L).containsEntry(2, 1L)
        .containsEntry(3, 1L).containsEntry(4, 1L);
    assertThat(h.view(1)).isEqualTo("1:SELF@1 2:LIVE@1 3:LIVE@1 4:LIVE@1 5:LIVE@2");
    assertThat(h.view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:LIVE@1 4:LIVE@1 5:DEAD@2");
  }

  @Test
  void anEpochEndsOnMoreThanHalfOfTheRegisteredMembersAtTheLargestEpochVoted() {
    assertThat(ClusterCore.endedByMajority(3, List.of(1L))).isEmpty();
    assertThat(ClusterCore.endedByMajority(3, List.of(1L, 2L))).hasValue(2);
    assertThat(ClusterCore.endedByMajority(4, List.of(3L, 3L))).as("half is not a majority").isEmpty();
    assertThat(ClusterCore.endedByMajority(4, List.of(3L, 3L, 1L))).hasValue(3);
    assertThat(ClusterCore.endedByMajority(2, List.of(1L))).as("two nodes: never without the other").isEmpty();
    assertThat(ClusterCore.endedByMajority(1, List.of())).isEmpty();
  }

  @Test
  void aDataDirectoryOfAnotherClusterIsRefusedNamingBothClusterIds() {
    formThree();
    ClusterCore stranger = ClusterCore.ofCluster(CLUSTER_B, ClusterHarness.member(4, "store-4", 3), true, CONFIG);
    JoinAnswer answer = h.nodes.get(1).onJoin(stranger.tick(h.nowMicros).join().orElseThrow(), h.nowMicros);
    assertThat(answer).isInstanceOf(JoinRefused.class);
    assertThat(((JoinRefused) answer).reason()).contains("belongs to cluster " + CLUSTER_B,
        "belongs to cluster " + CLUSTER_A);
    Ready ready = stranger.onJoinAnswer(answer, h.nowMicros);
    assertThat(ready.refusal()).isPresent();
    assertThat(h.nodes.get(1).members(h.nowMicros)).hasSize(3);
  }

  @Test
  void aNodeIdTakenByAnotherDataDirectoryIsRefusedNamingBothDirectories() {
    formThree();
    JoinAnswer answer = h.nodes.get(2).onJoin(new JoinRequest("", ClusterHarness.member(3, "store-imposter", 1)), h.nowMicros);
    assertThat(((JoinRefused) answer).reason()).contains("node id 3 is already taken", "store-3",
        "store-imposter");
    // The node's own id, from another directory, too.
    JoinAnswer selfAnswer = h.nodes.get(2).onJoin(new JoinRequest("", ClusterHarness.member(2, "store-other", 1)), h.nowMicros);
    assertThat(selfAnswer).isInstanceOf(JoinRefused.class);
    // The real node 3 with its own directory is welcome: asking again in the same run keeps its epoch.
    Joined joined = (Joined) h.nodes.get(2).onJoin(new JoinRequest(CLUSTER_A, ClusterHarness.member(3, "store-3", 1)), h.nowMicros);
    assertThat(joined.minimumEpoch()).isEqualTo(1);
    // Declared dead at epoch 1, it must come back above it even if its directory says 1.
    h.down.add(3);
    h.advance(3_500_000);
    assertThat(h.view(2)).isEqualTo("1:LIVE@1 2:SELF@1 3:DEAD@1");
    Joined again = (Joined) h.nodes.get(2).onJoin(new JoinRequest(CLUSTER_A, ClusterHarness.member(3, "store-3", 1)), h.nowMicros);
    assertThat(again.minimumEpoch()).isEqualTo(2);
  }

  @Test
  void aRejoiningNodeThatReachesItselfIsNotRegisteredByItself() {
    // Its --join names its own endpoint as "localhost:7003" while it listens as 127.0.0.1:7003.
    ClusterCore rejoining = ClusterCore.ofCluster(CLUSTER_A, ClusterHarness.member(3, "store-3", 2), true, CONFIG);
    JoinRequest request = rejoining.tick(h.nowMicros).join().orElseThrow();
    JoinAnswer answer = rejoining.onJoin(request, h.nowMicros);
    assertThat(answer).isInstanceOf(NotInitialized.class);
    rejoining.onJoinAnswer(answer, h.nowMicros);
    assertThat(rejoining.phase()).as("still waiting for a join target that checks it").isEqualTo(
        ClusterCore.Phase.REJOINING);
  }

  @Test
  void aWaitingNodeRemembersJoinersForABoundedTimeAndNumber() {
    ClusterCore waiting = ClusterCore.waitingForInit(ClusterHarness.member(1, "store-1", 1), new ClusterCore.Config(500_000,
        3_000_000, 500_000, 1_000_000, 2));
    assertThat(waiting.onJoin(new JoinRequest("", ClusterHarness.member(2, "s2", 1)), 0)).isInstanceOf(NotInitialized.class);
    waiting.onJoin(new JoinRequest("", ClusterHarness.member(3, "s3", 1)), 100_000);
    waiting.onJoin(new JoinRequest("", ClusterHarness.member(4, "s4", 1)), 900_000);
    // n2 fell out of the bound of 2; n3 is past the 1 s memory at 1.2 s; n4 is a founder.
    Initialized initialized = (Initialized) waiting.init(CLUSTER_A, 1_200_000);
    assertThat(initialized.founders()).extracting(m -> m.nodeId().value()).containsExactly(1, 4);
  }

  @Test
  void aPeerNeverHeardIsUnknownNotLiveAndRecordsFromPeersAboutThisNodeAreIgnored() {
    ClusterCore one = ClusterCore.ofCluster(CLUSTER_A, ClusterHarness.member(1, "store-1", 4), false, CONFIG);
    one.onHeartbeatAnswer(new NodeId(2), new Messages.HeartbeatAck(ClusterHarness.member(2, "store-2", 1),
        List.of(ClusterHarness.member(1, "store-1", 9), ClusterHarness.member(5, "store-5", 1)), List.of(), List.of()),
        h.nowMicros);
    List<MemberStatus> members = one.members(h.nowMicros);
    assertThat(members).extracting(s -> s.member().nodeId().value() + ":" + s.liveness() + "@" + s.member().epoch())
        .containsExactly("1:SELF@4", "2:LIVE@1", "5:UNKNOWN@1");
    assertThat(members.get(2).heardAgoMicros()).isEqualTo(-1);
    assertThat(one.members(h.nowMicros + 3_100_000).get(1).liveness()).isEqualTo(Liveness.DEAD);
  }

  @Test
  void aKeptRegistryLetsAWholeClusterRestartFindItsPeersAndKeepsTakenIdsTaken() {
    formThree();
    List<Member> kept = new ArrayList<>();
    // What node 1's driver kept: the last registry its Readys handed out.
    ClusterCore one = h.nodes.get(1);
    Ready ready = one.updateAddresses(new Member.Addresses("127.0.0.1:7001", "127.0.0.1:8001", "127.0.0.1:9001"));
    kept.addAll(ready.persistMembers().orElseThrow());
    assertThat(kept).extracting(m -> m.nodeId().value()).containsExactly(1, 2, 3);
    assertThat(one.tick(h.nowMicros).persistMembers()).isEmpty();

    // Everyone restarts, with no join targets at all: node 1 heartbeats the members it kept.
    for (int id = 1; id <= 3; id++) {
      long epoch = h.persistedEpochs.merge(id, 1L, Long::sum);
      h.nodes.put(id, ClusterCore.ofCluster(CLUSTER_A, ClusterHarness.member(id, "store-" + id, epoch),
          id == 1 ? kept : List.of(), false, CONFIG));
    }
    assertThat(h.view(1)).isEqualTo("1:SELF@2 2:UNKNOWN@1 3:UNKNOWN@1");
    h.advance(1_000_000);
    for (int id = 1; id <= 3; id++) {
      assertThat(h.view(id)).as("n" + id).isEqualTo(switch (id) {
        case 1 -> "1:SELF@2 2:LIVE@2 3:LIVE@2";
        case 2 -> "1:LIVE@2 2:SELF@2 3:LIVE@2";
        default -> "1:LIVE@2 2:LIVE@2 3:SELF@2";
      });
    }
    JoinAnswer imposter = h.nodes.get(1).onJoin(new JoinRequest("", ClusterHarness.member(3, "store-imposter", 1)), h.nowMicros);
    assertThat(imposter).isInstanceOf(JoinRefused.class);
  }
}
