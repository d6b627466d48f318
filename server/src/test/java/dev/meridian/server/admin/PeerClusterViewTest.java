package dev.meridian.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.server.admin.ClusterView.Liveness;
import dev.meridian.server.admin.ClusterView.Node;
import dev.meridian.server.admin.PeerClusterView.Member;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Members over real admin endpoints on 127.0.0.1: node 1 asks node 2's {@code /api/node}
 * (answers), node 3's (nothing listens), node 4's (answers, but the cluster holds it dead), node
 * 5's (nothing listens and the cluster holds it dead) and node 6 has no admin address yet.
 */
class PeerClusterViewTest {

  private static URI closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }
  }

  @Test
  void fetchesEveryMemberAndListsTheOnesThatDoNotAnswerWithTheReason() throws Exception {
    // n2 took epoch 6 a moment ago; the membership here still has 5.
    Node two = ClusterViewTest.live(2, "eu-west").asSeen(Liveness.LIVE, 6L, null);
    Node four = ClusterViewTest.live(4, "us-west");
    try (AdminServer admin2 = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "");
        AdminServer admin4 = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "");
        HttpClient http = PeerClusterView.httpClient()) {
      admin2.serveConsole(() -> null, () -> two);
      admin4.serveConsole(() -> null, () -> four);
      List<Member> members = List.of(
          new Member(1, "us-east", "", URI.create("http://127.0.0.1:1/"), Liveness.LIVE, 3, null),
          new Member(2, "eu-west", "eu-west-a", URI.create("http://127.0.0.1:" + admin2.port() + "/"), Liveness.LIVE,
              5, null),
          new Member(3, "ap-south", "", closedPort(), Liveness.LIVE, 1, null),
          new Member(4, "us-west", "", URI.create("http://127.0.0.1:" + admin4.port() + "/"), Liveness.DEAD, 2,
              "declared dead"),
          new Member(5, "sa-east", "", closedPort(), Liveness.DEAD, 7, "declared dead by node 1"),
          new Member(6, "af-south", "", null, Liveness.SUSPECT, 1, "never heard"));
      PeerClusterView view = new PeerClusterView("c", 1, () -> ClusterViewTest.live(1, "us-east"), () -> members,
          nodes -> nodes.stream().map(ClusterView.Range::localTo).toList(), http);

      ClusterView.Snapshot snapshot = view.snapshot();

      assertThat(snapshot.nodes()).extracting(Node::nodeId).containsExactly(1, 2, 3, 4, 5, 6);
      // Epochs are the membership's, for every node, answering or not, unless the node's own answer
      // is newer (n2's 6 over 5; n4's own 1 is older than the membership's 2).
      assertThat(snapshot.nodes()).extracting(Node::epoch).containsExactly(3L, 6L, 1L, 2L, 7L, 1L);
      assertThat(snapshot.nodes().get(1).liveness()).isEqualTo(Liveness.LIVE);
      assertThat(snapshot.nodes().get(1).stats().commitsTotal()).isEqualTo(7);
      Node three = snapshot.nodes().get(2);
      assertThat(three.liveness()).isEqualTo(Liveness.UNREACHABLE);
      assertThat(three.region()).isEqualTo("ap-south");
      assertThat(three.stats()).isNull();
      assertThat(three.reason()).contains("/api/node at http://127.0.0.1:", "ConnectException");
      Node fourSeen = snapshot.nodes().get(3);
      assertThat(fourSeen.liveness()).isEqualTo(Liveness.DEAD);
      assertThat(fourSeen.stats()).isNotNull();
      assertThat(fourSeen.reason()).isEqualTo("declared dead");
      Node five = snapshot.nodes().get(4);
      assertThat(five.liveness()).isEqualTo(Liveness.DEAD);
      assertThat(five.reason()).startsWith("declared dead by node 1; /api/node at").contains("ConnectException");
      Node six = snapshot.nodes().get(5);
      assertThat(six.liveness()).isEqualTo(Liveness.UNREACHABLE);
      assertThat(six.adminUrl()).isNull();
      assertThat(six.reason()).isEqualTo("never heard; its admin address is not known yet (it announces it once it serves)");
      // One local range per node, served only by the live ones that answered.
      assertThat(snapshot.ranges()).extracting(ClusterView.Range::localTo).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(snapshot.ranges()).extracting(ClusterView.Range::leaseholder)
          .containsExactly(1, 2, null, null, null, null);
    }
  }

  @Test
  void aMemberAnsweringAsAnotherNodeIsUnreachable() throws Exception {
    try (AdminServer admin = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "");
        HttpClient http = PeerClusterView.httpClient()) {
      admin.serveConsole(() -> null, () -> ClusterViewTest.live(9, "r"));
      PeerClusterView view = new PeerClusterView("c", 1, () -> ClusterViewTest.live(1, "r"),
          () -> List.of(new Member(1, "r", "", URI.create("http://127.0.0.1:1/"), Liveness.LIVE, 1, null),
              new Member(2, "r", "", URI.create("http://127.0.0.1:" + admin.port() + "/"), Liveness.LIVE, 1, null)),
          nodes -> List.of(), http);
      Node two = view.snapshot().nodes().get(1);
      assertThat(two.liveness()).isEqualTo(Liveness.UNREACHABLE);
      assertThat(two.reason()).contains("is node 9, not node 2");
    }
  }

  @Test
  void aMemberThatAcceptsButNeverAnswersIsCutOffAndListed() throws Exception {
    // Accepts connections (the backlog does) but never reads or answers: only the view's bound ends the fetch.
    try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        HttpClient http = PeerClusterView.httpClient()) {
      PeerClusterView view = new PeerClusterView("c", 1, () -> ClusterViewTest.live(1, "r"),
          () -> List.of(new Member(1, "r", "", URI.create("http://127.0.0.1:1/"), Liveness.LIVE, 1, null),
              new Member(2, "r", "", URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"), Liveness.LIVE, 1,
                  null)),
          nodes -> List.of(), http);
      Node two = view.snapshot().nodes().get(1);
      assertThat(two.liveness()).isEqualTo(Liveness.UNREACHABLE);
      assertThat(two.reason()).containsAnyOf("HttpTimeoutException", "no answer within");
    }
  }
}
