package dev.meridian.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster of {@code meridian paxos-node} processes on 127.0.0.1, for server's tests and the
 * benchmarks in {@code bench} (shared through server's test-jar, which holds this package only):
 * each node a child JVM on this JVM's class path with its data under {@code
 * DIR/node-N}, its output in {@code DIR/node-N.out}, transport ports picked free at start and kept
 * across restarts. {@link #kill} is SIGKILL. Closing kills what is still running; the directory
 * belongs to the caller.
 */
public final class LocalReplicationCluster implements AutoCloseable {

  private static final Pattern SERVING = Pattern.compile("admin at (http://\\S+/)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int FIRST_PORT = 20_000;
  private static final int LAST_PORT = 32_000;
  private static final Random RANDOM = new Random();

  /** One line of {@code /paxos/status}. */
  public record GroupStatus(int group, String role, String leader, boolean active, long commit, long applied,
      long commands, String fingerprint) {

    static GroupStatus parse(String line) {
      Map<String, String> fields = new HashMap<>();
      for (String pair : line.trim().split(" ")) {
        int eq = pair.indexOf('=');
        fields.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return new GroupStatus(Integer.parseInt(fields.get("group")), fields.get("role"), fields.get("leader"),
          Boolean.parseBoolean(fields.get("active")), Long.parseLong(fields.get("commit")),
          Long.parseLong(fields.get("applied")), Long.parseLong(fields.get("commands")), fields.get("fingerprint"));
    }
  }

  /** An admin HTTP answer. */
  public record Answer(int status, String body) {}

  private final Path directory;
  private final List<String> nodeArgs;
  private final Map<Integer, Integer> transportPorts = new TreeMap<>();
  private final Map<Integer, Process> processes = new TreeMap<>();
  private final Map<Integer, String> adminUrls = new TreeMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LocalReplicationCluster(Path directory, int nodes, List<String> nodeArgs) throws IOException {
    this.directory = directory;
    this.nodeArgs = List.copyOf(nodeArgs);
    for (int id = 1; id <= nodes; id++) {
      transportPorts.put(id, freePort());
    }
  }

  /**
   * Starts {@code nodes} nodes (ids 1..nodes, all voters) and waits until each serves its admin
   * endpoint. {@code nodeArgs} go to every node ({@code --groups}, timing options).
   */
  public static LocalReplicationCluster start(Path directory, int nodes, List<String> nodeArgs)
      throws IOException, InterruptedException {
    Files.createDirectories(directory);
    LocalReplicationCluster cluster = new LocalReplicationCluster(directory, nodes, nodeArgs);
    try {
      for (int id = 1; id <= nodes; id++) {
        cluster.launch(id, true);
      }
      for (int id = 1; id <= nodes; id++) {
        cluster.awaitServing(id);
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public List<Integer> nodeIds() {
    return List.copyOf(transportPorts.keySet());
  }

  public boolean isRunning(int id) {
    Process process = processes.get(id);
    return process != null && process.isAlive();
  }

  /** SIGKILL: the node gets no chance to flush or say goodbye. */
  public void kill(int id) throws InterruptedException {
    Process process = processes.remove(id);
    adminUrls.remove(id);
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts a killed node again on its data directory and transport port. */
  public void restart(int id) throws IOException, InterruptedException {
    if (isRunning(id)) {
      throw new IllegalStateException("node " + id + " is running");
    }
    launch(id, false);
    awaitServing(id);
  }

  /** The node's view of every group it hosts. */
  public List<GroupStatus> status(int id) throws IOException, InterruptedException {
    Answer answer = call(id, "GET", "/paxos/status", new byte[0]);
    if (answer.status() != 200) {
      throw new IOException("node " + id + " status: " + answer);
    }
    List<GroupStatus> groups = new ArrayList<>();
    for (String line : answer.body().split("\n")) {
      if (!line.isBlank()) {
        groups.add(GroupStatus.parse(line));
      }
    }
    return groups;
  }

  /** Proposes {@code command} to {@code group} at node {@code id}; 200 {@code slot=N} once applied there. */
  public Answer propose(int id, int group, byte[] command) throws IOException, InterruptedException {
    return call(id, "POST", "/paxos/propose?group=" + group, command);
  }

  /** Any admin request to node {@code id}. */
  public Answer call(int id, String method, String pathAndQuery, byte[] body) throws IOException, InterruptedException {
    String url = adminUrls.get(id);
    if (url == null) {
      throw new IOException("node " + id + " is not running");
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + pathAndQuery.substring(1)))
        .timeout(Duration.ofMinutes(5))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  /**
   * Proposes {@code command} to {@code group} at each running node but {@code excluded} in turn
   * until one commits it (or {@code timeout} passes); returns that node.
   */
  public int proposeUntilCommitted(int excluded, int group, byte[] command, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (int id : nodeIds()) {
        if (id != excluded && isRunning(id) && propose(id, group, command).status() == 200) {
          return id;
        }
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no node committed a proposal to group " + group + " within " + timeout);
  }

  /**
   * Waits until {@code node} has applied as much of {@code group} as {@code reference} and holds the
   * same state machine fingerprint; returns the reference's status.
   */
  public GroupStatus awaitCaughtUp(int node, int reference, int group, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      GroupStatus theirs = groupStatus(reference, group);
      GroupStatus mine = groupStatus(node, group);
      if (mine.applied() == theirs.applied() && mine.fingerprint().equals(theirs.fingerprint())) {
        return theirs;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("node " + node + " did not catch up with node " + reference + " in group "
        + group + " within " + timeout);
  }

  private GroupStatus groupStatus(int id, int group) throws IOException, InterruptedException {
    return status(id).stream().filter(g -> g.group() == group).findFirst()
        .orElseThrow(() -> new IllegalStateException("node " + id + " does not host group " + group));
  }

  /**
   * Waits until every group has an active leader that every running node names, and returns the
   * leader's id per group.
   */
  public Map<Integer, Integer> awaitLeaders(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<Integer, Integer> leaders = agreedLeaders();
      if (leaders != null) {
        return leaders;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no agreed active leader for every group within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  private Map<Integer, Integer> agreedLeaders() throws IOException, InterruptedException {
    Map<Integer, Integer> leaders = new TreeMap<>();
    for (int id : processes.keySet()) {
      for (GroupStatus group : status(id)) {
        if (group.active()) {
          leaders.put(group.group(), id);
        }
      }
    }
    for (int id : processes.keySet()) {
      for (GroupStatus group : status(id)) {
        Integer leader = leaders.get(group.group());
        if (leader == null || !group.leader().equals(String.valueOf(leader))) {
          return null;
        }
      }
    }
    return leaders;
  }

  private void launch(int id, boolean initialCluster) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    StringJoiner peers = new StringJoiner(",");
    transportPorts.forEach((peer, port) -> peers.add(peer + "=127.0.0.1:" + port));
    List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
        "-Xmx512m", "-cp", System.getProperty("meridian.classpath",
            System.getProperty("java.class.path")),
        "dev.meridian.server.Main", "paxos-node", "--node-id", String.valueOf(id),
        "--data-dir", directory.resolve("node-" + id).toString(), "--listen", "127.0.0.1",
        "--port", String.valueOf(transportPorts.get(id)), "--admin-port", "0", "--peers", peers.toString(),
        "--initial-cluster-state", initialCluster ? "new" : "existing"));
    command.addAll(nodeArgs);
    Path out = output(id);
    Files.deleteIfExists(out);
    Process process = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve("node-" + id + ".err").toFile()))
        .start();
    processes.put(id, process);
  }

  private void awaitServing(int id) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Process process = processes.get(id);
    while (System.nanoTime() < deadline) {
      if (Files.exists(output(id))) {
        Matcher matcher = SERVING.matcher(Files.readString(output(id), StandardCharsets.UTF_8));
        if (matcher.find()) {
          adminUrls.put(id, matcher.group(1));
          return;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("node " + id + " exited (" + process.exitValue() + ") before serving; see "
            + directory.resolve("node-" + id + ".err") + " and " + directory.resolve("node-" + id));
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("node " + id + " did not serve within " + START_TIMEOUT);
  }

  private Path output(int id) {
    return directory.resolve("node-" + id + ".out");
  }

  /**
   * A free port below the kernel's ephemeral range (usually 32768 and up): a node keeps its transport
   * port across restarts, and a port the kernel could hand out for an outgoing connection or a port-0
   * listener might be taken while the node is down.
   */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = FIRST_PORT + RANDOM.nextInt(LAST_PORT - FIRST_PORT);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // Try another.
      }
    }
    throw new IOException("no free port on 127.0.0.1 between " + FIRST_PORT + " and " + LAST_PORT);
  }

  @Override
  public void close() throws InterruptedException {
    for (int id : List.copyOf(processes.keySet())) {
      kill(id);
    }
    http.close();
  }
}
