package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster formation through real processes on 127.0.0.1: three nodes started with {@code --join}
 * wait for init (and say so in {@code /health}); {@code meridian init} forms the cluster and every
 * node's {@code /nodes} shows three live nodes; a node paused with SIGSTOP past the liveness timeout
 * comes back with a new epoch and raises no other node's; a node killed with SIGKILL is seen dead
 * by the others, and restarted on its data directory it rejoins with its data and a higher epoch; a
 * second init says the cluster is already initialized; a data directory of another cluster is
 * refused when the refusal comes only after the node began serving (the process ends, exit 78) and
 * at start, and a node id already taken at start, naming both values; the whole cluster restarted
 * without {@code --join} finds itself again from the registry each node kept, except a node whose
 * kept registry is damaged, which is refused until it is given {@code --join} and then re-learns it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterFormationIT {

  private static final Pattern NODE = Pattern.compile(
      "\\{\"nodeId\":(\\d+),[^}]*\"epoch\":(\\d+),\"live\":(true|false),\"liveness\":\"(\\w+)\"");
  private static final Pattern CLUSTER_ID = Pattern.compile("\"clusterId\":\"([0-9a-f-]+)\"");

  @TempDir Path work;
  @RegisterExtension final StartedNodes started = new StartedNodes();

  @Test
  void threeNodesWaitForInitFormAClusterAndTrackEachOthersLiveness() throws Exception {
    int[] ports = freePorts(3);
    String join = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    NodeProcess[] nodes = new NodeProcess[3];
    for (int i = 0; i < 3; i++) {
      nodes[i] = track(NodeProcess.startWaiting(work.resolve("n" + (i + 1)), clusterArgs(i + 1, ports[i], join)));
    }
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> health = nodes[i].get("health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"status\":\"waiting for init\"", "\"nodeId\":" + (i + 1));
    }

    Init first = init(ports[1]);
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("initialized at 127.0.0.1:" + ports[1]);
    for (NodeProcess node : nodes) {
      node.awaitServing();
    }
    String clusterId = clusterId(nodes[0]);
    for (NodeProcess node : nodes) {
      assertThat(clusterId(node)).isEqualTo(clusterId);
      awaitView(node, view -> view.equals(Map.of(1, "live@1", 2, "live@1", 3, "live@1")));
    }
    assertThat(first.output()).contains(clusterId);
    String log = Files.readString(work.resolve("n1/meridian-0.log"), StandardCharsets.UTF_8);
    assertThat(log).contains("waiting for init", "joined cluster " + clusterId);

    Init second = init(ports[0]);
    assertThat(second.exitCode()).as(second.output()).isEqualTo(3);
    assertThat(second.output()).contains("already initialized", clusterId);

    // n2 paused past the liveness timeout (a GC pause, jepsen's SIGSTOP): n1 and n3, a majority,
    // end its epoch, and it comes back at epoch 2. It does not count its pause against them: their
    // epochs stay 1 (they used to rise, and with them would go every lease they hold).
    nodes[1].signal("STOP");
    awaitView(nodes[0], view -> "dead@1".equals(view.get(2)));
    Thread.sleep(2_000);
    nodes[1].signal("CONT");
    for (NodeProcess node : nodes) {
      awaitView(node, view -> view.equals(Map.of(1, "live@1", 2, "live@2", 3, "live@1")));
    }
    assertThat(Files.readString(work.resolve("n2/NODE_INCARNATION"), StandardCharsets.UTF_8)).contains("epoch=2");
    assertThat(Files.readString(work.resolve("n1/NODE_INCARNATION"), StandardCharsets.UTF_8)).contains("epoch=1");
    assertThat(Files.readString(work.resolve("n3/NODE_INCARNATION"), StandardCharsets.UTF_8)).contains("epoch=1");

    // The data directory of another (single-node) cluster, for the refusals below: a cluster node's
    // (--port without --join), so that it differs from the cluster's only by its cluster id.
    Path strangerDir = work.resolve("stranger");
    String strangerCluster;
    try (NodeProcess stranger = NodeProcess.start(strangerDir, "--node-id", "4", "--port",
        String.valueOf(freePorts(1)[0]))) {
      strangerCluster = clusterId(stranger);
      stranger.stop();
    }
    assertThat(strangerCluster).isNotEqualTo(clusterId);

    try (Connection c = Jdbc.connect(nodes[2])) {
      Jdbc.exec(c, "CREATE TABLE kept (id INT PRIMARY KEY, v VARCHAR)", "INSERT INTO kept VALUES (1, 'before the kill')");
    }
    nodes[2].kill();
    awaitView(nodes[0], view -> "dead@1".equals(view.get(3)));
    awaitView(nodes[1], view -> "dead@1".equals(view.get(3)));

    // The stranger, told to join through n3 while n3 is down, serves on its own identity after the
    // rejoin wait; when n3 is back and refuses it, it must stop serving: the process ends, exit 78.
    NodeProcess lateRefused = track(NodeProcess.start(strangerDir, "--port", String.valueOf(freePorts(1)[0]),
        "--join", "127.0.0.1:" + ports[2]));
    nodes[2] = track(NodeProcess.start(work.resolve("n3"), clusterArgs(3, ports[2], join)));
    assertThat(lateRefused.awaitExit(60)).isEqualTo(78);
    assertThat(Files.readString(work.resolve("stranger.stderr"), StandardCharsets.UTF_8))
        .contains("refused by the cluster after start", "belongs to cluster " + strangerCluster,
            "belongs to cluster " + clusterId);
    assertThat(Files.readString(strangerDir.resolve("meridian-0.log"), StandardCharsets.UTF_8))
        .contains("refused by the cluster after start", "This node stops (exit 78)");

    assertThat(clusterId(nodes[2])).isEqualTo(clusterId);
    try (Connection c = Jdbc.connect(nodes[2]); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kept WHERE id = 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("before the kill");
    }
    for (NodeProcess node : nodes) {
      awaitView(node, view -> view.equals(Map.of(1, "live@1", 2, "live@2", 3, "live@2")));
    }
    assertThat(nodes[0].get("metrics").body()).contains("meridian_cluster_nodes{liveness=\"live\"} 3");

    // Refused at start, the data directory of another cluster exits 78 too, naming both cluster ids.
    int strangerPort = freePorts(1)[0];
    assertThatThrownBy(() -> track(NodeProcess.start(strangerDir, "--port", String.valueOf(strangerPort), "--join",
        join)))
        .hasMessageContaining("node exited before serving (exit 78)");
    // (stderr is appended run after run: this line is the refusal at start, not the one above.)
    assertThat(Files.readString(work.resolve("stranger.stderr"), StandardCharsets.UTF_8))
        .containsPattern("meridian start: the data directory of node 4 belongs to cluster " + strangerCluster
            + ".*belongs to cluster " + clusterId);

    // A second data directory claiming node id 2 is refused, naming both directories.
    int duplicatePort = freePorts(1)[0];
    NodeProcess duplicate = track(NodeProcess.startWaiting(work.resolve("dup"), clusterArgs(2, duplicatePort, join)));
    assertThat(duplicate.awaitExit(60)).isEqualTo(78);
    String stored = Files.readString(work.resolve("n2/NODE_INCARNATION"), StandardCharsets.UTF_8);
    Matcher store = Pattern.compile("store-id=(\\S+)").matcher(stored);
    assertThat(store.find()).isTrue();
    assertThat(Files.readString(work.resolve("dup.stderr"), StandardCharsets.UTF_8))
        .contains("node id 2 is already taken", store.group(1));
    awaitView(nodes[0], view -> view.equals(Map.of(1, "live@1", 2, "live@2", 3, "live@2")));

    for (NodeProcess node : nodes) {
      assertThat(node.stop()).as("exit on SIGTERM").isIn(0, 143);
    }

    // n1's kept registry is damaged (cut short). Without --join it is n1's only way to its peers:
    // the start is refused, naming the file and what to do.
    Path members = work.resolve("n1/CLUSTER_MEMBERS");
    byte[] kept = Files.readAllBytes(members);
    Files.write(members, java.util.Arrays.copyOf(kept, kept.length / 2));
    assertThatThrownBy(() -> track(NodeProcess.start(work.resolve("n1"), "--port", String.valueOf(ports[0]))))
        .hasMessageContaining("node exited before serving (exit 1)");
    assertThat(Files.readString(work.resolve("n1.stderr"), StandardCharsets.UTF_8))
        .contains(members + " is damaged", "start it with --join HOST:PORT");

    // The whole cluster restarts without --join: each node heartbeats the members it kept; n1, now
    // with --join, sets the damaged file aside and re-learns the registry from n2.
    for (int i = 1; i < 3; i++) {
      nodes[i] = track(NodeProcess.start(work.resolve("n" + (i + 1)), "--port", String.valueOf(ports[i])));
    }
    nodes[0] = track(NodeProcess.start(work.resolve("n1"), "--port", String.valueOf(ports[0]), "--join",
        "127.0.0.1:" + ports[1]));
    assertThat(Files.readString(work.resolve("n1/meridian-0.log"), StandardCharsets.UTF_8))
        .contains(members + " is damaged", "re-learning the cluster registry from the join targets");
    assertThat(work.resolve("n1/CLUSTER_MEMBERS.damaged")).exists();
    // n1's refused start took an epoch too (a run's epoch is on disk before anything else).
    for (NodeProcess node : nodes) {
      assertThat(clusterId(node)).isEqualTo(clusterId);
      awaitView(node, view -> view.equals(Map.of(1, "live@3", 2, "live@3", 3, "live@3")));
    }
    for (NodeProcess node : nodes) {
      node.stop();
    }
  }

  private static String[] clusterArgs(int nodeId, int port, String join) {
    return new String[] {"--node-id", String.valueOf(nodeId), "--region", "r" + nodeId, "--port",
        String.valueOf(port), "--join", join};
  }

  private NodeProcess track(NodeProcess node) {
    return started.track(node);
  }

  private static String clusterId(NodeProcess node) throws IOException, InterruptedException {
    Matcher matcher = CLUSTER_ID.matcher(node.get("health").body());
    assertThat(matcher.find()).isTrue();
    return matcher.group(1);
  }

  /** {@code {1=live@1, 2=live@1, 3=dead@1}}: node id to liveness and epoch, from {@code /nodes}. */
  private static Map<Integer, String> view(NodeProcess node) throws IOException, InterruptedException {
    Map<Integer, String> view = new TreeMap<>();
    Matcher matcher = NODE.matcher(node.get("nodes").body());
    while (matcher.find()) {
      String liveness = matcher.group(3).equals("true") ? "live" : matcher.group(4);
      view.put(Integer.parseInt(matcher.group(1)), liveness + "@" + matcher.group(2));
    }
    return view;
  }

  /** Polls {@code /nodes} until {@code condition} holds, for at most 30 s (liveness times out after 3 s). */
  private static void awaitView(NodeProcess node, Predicate<Map<Integer, String>> condition)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<Integer, String> last = view(node);
    while (!condition.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the view of " + node.dataDir().getFileName() + " never got there; last: " + last);
      }
      Thread.sleep(200);
      last = view(node);
    }
  }

  record Init(int exitCode, String output) {}

  /** {@code meridian init --host 127.0.0.1:PORT} as its own process. */
  static Init init(int port) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(NodeProcess.javaCommand());
    command.addAll(List.of("init", "--host", "127.0.0.1:" + port));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Init(process.exitValue(), output);
  }

  static int[] freePorts(int count) throws IOException {
    int[] ports = new int[count];
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
    return ports;
  }
}
