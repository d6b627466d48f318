package dev.meridian.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.server.admin.ClusterView.Liveness;
import dev.meridian.server.admin.ClusterView.Node;
import dev.meridian.server.admin.PeerClusterView.Member;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three members over real admin endpoints on 127.0.0.1: node 1 asks node 2's {@code /api/node}
 * (answers), node 3's (nothing listens) and node 4's (answers, but the cluster holds it dead).
 */
class PeerClusterViewTest {

  @Test
  void fetchesEveryMemberAndListsTheOnesThatDoNotAnswer() throws Exception {
    Node two = ClusterViewTest.live(2, "eu-west");
    Node four = ClusterViewTest.live(4, "us-west");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (AdminServer admin2 = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "");
        AdminServer admin4 = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "");
        HttpClient http = PeerClusterView.httpClient()) {
      admin2.serveConsole(() -> null, () -> two);
      admin4.serveConsole(() -> null, () -> four);
      List<Member> members = List.of(
          new Member(1, "us-east", "", URI.create("http://127.0.0.1:1/")),
          new Member(2, "eu-west", "eu-west-a", URI.create("http://127.0.0.1:" + admin2.port() + "/")),
          new Member(3, "ap-south", "", URI.create("http://127.0.0.1:" + closedPort + "/")),
          new Member(4, "us-west", "", URI.create("http://127.0.0.1:" + admin4.port() + "/")));
      Map<Integer, Liveness> verdicts = Map.of(3, Liveness.SUSPECT, 4, Liveness.DEAD);
      PeerClusterView view = new PeerClusterView("c", 1, () -> ClusterViewTest.live(1, "us-east"), () -> members,
          id -> verdicts.getOrDefault(id, Liveness.LIVE),
          () -> List.of(new ClusterView.Range(1, "", "", List.of(new ClusterView.Replica(1, "us-east", "voter"),
              new ClusterView.Replica(2, "eu-west", "voter"), new ClusterView.Replica(3, "ap-south", "voter")), 2, null)),
          http);

      ClusterView.Snapshot snapshot = view.snapshot();

      assertThat(snapshot.nodes()).extracting(Node::nodeId).containsExactly(1, 2, 3, 4);
      assertThat(snapshot.nodes().get(1).liveness()).isEqualTo(Liveness.LIVE);
      assertThat(snapshot.nodes().get(1).stats().commitsTotal()).isEqualTo(7);
      Node three = snapshot.nodes().get(2);
      assertThat(three.liveness()).isEqualTo(Liveness.UNREACHABLE);
      assertThat(three.region()).isEqualTo("ap-south");
      assertThat(three.stats()).isNull();
      assertThat(three.reason()).contains("ConnectException");
      assertThat(snapshot.nodes().get(3).liveness()).isEqualTo(Liveness.DEAD);
      assertThat(snapshot.nodes().get(3).stats()).isNotNull();
      assertThat(snapshot.ranges().get(0).leaseholder()).isEqualTo(2);
    }
  }

  @Test
  void aMemberAnsweringAsAnotherNodeIsUnreachable() throws Exception {
    try (AdminServer admin = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "");
        HttpClient http = PeerClusterView.httpClient()) {
      admin.serveConsole(() -> null, () -> ClusterViewTest.live(9, "r"));
      PeerClusterView view = new PeerClusterView("c", 1, () -> ClusterViewTest.live(1, "r"),
          () -> List.of(new Member(1, "r", "", URI.create("http://127.0.0.1:1/")),
              new Member(2, "r", "", URI.create("http://127.0.0.1:" + admin.port() + "/"))),
          id -> Liveness.LIVE, List::of, http);
      Node two = view.snapshot().nodes().get(1);
      assertThat(two.liveness()).isEqualTo(Liveness.UNREACHABLE);
      assertThat(two.reason()).contains("is node 9, not node 2");
    }
  }
}
