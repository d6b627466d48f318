package dev.meridian.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.server.admin.ClusterView.Liveness;
import dev.meridian.server.admin.PeerClusterView;
import dev.meridian.txn.cluster.ClusterCore;
import dev.meridian.txn.cluster.ClusterCore.MemberStatus;
import dev.meridian.txn.cluster.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the formation's member list becomes the console's members: liveness, epoch, admin address. */
class MembershipViewTest {

  private static Member member(int id, String region, String admin, long epoch) {
    return new Member(new NodeId(id), "store-" + id, region, region + "-a",
        new Member.Addresses("127.0.0.1:" + (9000 + id), admin.isEmpty() ? "" : "127.0.0.1:7070", admin), epoch, 0);
  }

  @Test
  void mapsTheCoresVerdictsAndKeepsTheEpochs() {
    List<PeerClusterView.Member> members = MembershipView.members(List.of(
        new MemberStatus(member(1, "us-east", "127.0.0.1:7101", 2), ClusterCore.Liveness.SELF, 0, 0),
        new MemberStatus(member(2, "eu-west", "127.0.0.1:7102", 1), ClusterCore.Liveness.LIVE, 400_000, 0),
        new MemberStatus(member(3, "ap-south", "127.0.0.1:7103", 4), ClusterCore.Liveness.DEAD, 3_500_000, 0),
        new MemberStatus(member(4, "sa-east", "", 1), ClusterCore.Liveness.UNKNOWN, -1, 0),
        new MemberStatus(member(5, "sa-east", "127.0.0.1:7105", 3), ClusterCore.Liveness.DEAD, 4_000_000, 3)), 1);

    assertThat(members).extracting(PeerClusterView.Member::verdict)
        .containsExactly(Liveness.LIVE, Liveness.LIVE, Liveness.DEAD, Liveness.SUSPECT, Liveness.DEAD);
    assertThat(members).extracting(PeerClusterView.Member::epoch).containsExactly(2L, 1L, 4L, 1L, 3L);
    assertThat(members).extracting(PeerClusterView.Member::region)
        .containsExactly("us-east", "eu-west", "ap-south", "sa-east", "sa-east");
    assertThat(members.get(1).adminUrl()).hasToString("http://127.0.0.1:7102/");
    assertThat(members.get(1).verdictReason()).isNull();
    assertThat(members.get(2).verdictReason()).isEqualTo(
        "declared dead by node 1's liveness (last heard 3.5 s ago); one node's view, which alone ends no epoch");
    assertThat(members.get(4).verdictReason()).isEqualTo("declared dead by node 1's liveness (last heard 4.0 s ago);"
        + " its epoch 3 ended: more than half of the members did not hear it");
    assertThat(members.get(3).adminUrl()).isNull();
    assertThat(members.get(3).verdictReason()).contains("not heard by node 1 since it started");
  }
}
