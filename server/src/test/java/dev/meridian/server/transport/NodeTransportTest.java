package dev.meridian.server.transport;

import static dev.meridian.server.transport.TestNode.PATIENCE;
import static dev.meridian.server.transport.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.rpc.Envelope;
import dev.meridian.server.transport.TestNode.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real transports on 127.0.0.1 talking over real sockets. Tests wait on queues, futures and
 * counters with generous bounds ({@link TestNode#PATIENCE}) and assert outcomes, never durations.
 */
class NodeTransportTest {

  private final List<TestNode> nodes = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    nodes.forEach(TestNode::close);
  }

  private TestNode node(int id) throws Exception {
    return track(TestNode.start(id));
  }

  private TestNode track(TestNode node) {
    nodes.add(node);
    return node;
  }

  private static void connect(TestNode... cluster) {
    for (TestNode a : cluster) {
      for (TestNode b : cluster) {
        if (a != b) {
          a.peer(b);
        }
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void threeNodesExchangeMessagesBothWaysOverOneStreamPerPair() throws Exception {
    TestNode n1 = node(1);
    TestNode n2 = node(2);
    TestNode n3 = node(3);
    List<TestNode> all = List.of(n1, n2, n3);
    connect(n1, n2, n3);
    int perPair = 200;
    for (int seq = 0; seq < perPair; seq++) {
      for (TestNode from : all) {
        for (TestNode to : all) {
          if (from != to) {
            assertThat(from.send(to, from.id + "->" + to.id + ":" + seq)).isTrue();
          }
        }
      }
    }
    for (TestNode to : all) {
      Map<NodeId, Integer> next = new HashMap<>();
      for (int i = 0; i < 2 * perPair; i++) {
        Received received = to.take();
        int seq = next.getOrDefault(received.from(), 0);
        assertThat(received.text()).isEqualTo(received.from() + "->" + to.id + ":" + seq);
        next.put(received.from(), seq + 1);
      }
      assertThat(next.keySet()).hasSize(2);
    }
    // The smaller id dials: n1 dials n2 and n3, n2 dials n3, and nothing else was opened.
    assertThat(List.of(n1, n2, n3).stream().map(n -> n.transport.stats().streamsDialed()).toList())
        .containsExactly(2L, 1L, 0L);
    assertThat(List.of(n1, n2, n3).stream().map(n -> n.transport.stats().streamsAccepted()).toList())
        .containsExactly(0L, 1L, 2L);
    for (TestNode node : all) {
      // A batch is counted as sent once gRPC took it, which can be after the peer received it.
      TransportStats stats = settledStats(node, 2L * perPair);
      assertThat(stats.connectedPeers()).isEqualTo(2);
      assertThat(stats.reconnects()).isZero();
      assertThat(stats.messagesDropped()).isZero();
      assertThat(stats.messagesSent()).isEqualTo(2L * perPair);
      assertThat(stats.messagesReceived()).isEqualTo(2L * perPair);
    }
  }

  /** The node's stats once its sent count reaches {@code sent}, or after 10 s, whichever is first. */
  private static TransportStats settledStats(TestNode node, long sent) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    TransportStats stats = node.transport.stats();
    while (stats.messagesSent() < sent && System.nanoTime() < deadline) {
      Thread.sleep(10);
      stats = node.transport.stats();
    }
    return stats;
  }

  @Test
  void manyMessagesArriveInSendOrderWhileConnected() throws Exception {
    TestNode n1 = node(1);
    TestNode n2 = node(2);
    connect(n1, n2);
    await("n1 and n2 are connected", () -> n1.transport.stats().connectedPeers() == 1
        && n2.transport.stats().connectedPeers() == 1);
    int accepted = 0;
    for (int seq = 0; seq < 50_000; seq++) {
      // The acceptor's direction: n2 answers on the stream n1 dialed.
      while (!n2.transport.writable(n1.id)) {
        Thread.yield();
      }
      if (n2.send(n1, Integer.toString(seq))) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(50_000);
    for (int expected = 0; expected < accepted; expected++) {
      assertThat(n1.take().text()).isEqualTo(Integer.toString(expected));
    }
    assertThat(n2.transport.stats().messagesDropped()).isZero();
  }

  @Test
  void restartedPeerOnTheSamePortIsReconnected() throws Exception {
    TestNode n1 = node(1);
    TestNode n2 = TestNode.start(2);
    int port = n2.transport.port();
    connect(n1, n2);
    n1.send(n2, "before");
    assertThat(n2.take().text()).isEqualTo("before");

    n2.close();
    TestNode n2Again = track(TestNode.start(2, TestNode.CLUSTER, port, TestNode.fastOptions()));
    n2Again.peer(n1);
    // A message written into the dying stream is lost (at most once): keep sending until one lands.
    Received received = null;
    for (int attempt = 0; received == null && attempt < 300; attempt++) {
      n1.send(n2Again, "after");
      received = n2Again.inbox.poll(100, TimeUnit.MILLISECONDS);
    }
    assertThat(received).isNotNull();
    assertThat(received.text()).isEqualTo("after");
    assertThat(n2Again.send(n1, "back")).isTrue();
    Received back;
    do {
      back = n1.take();
    } while (!back.text().equals("back"));
    assertThat(n1.transport.stats().reconnects()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void restartedDialerReplacesItsOldStream() throws Exception {
    TestNode n1 = TestNode.start(1);
    TestNode n2 = node(2);
    connect(n1, n2);
    n1.send(n2, "first");
    assertThat(n2.take().text()).isEqualTo("first");

    n1.close();
    TestNode n1Again = node(1);
    n2.peer(n1Again);
    n1Again.peer(n2);
    n1Again.send(n2, "second");
    assertThat(n2.take().text()).isEqualTo("second");
    assertThat(n2.send(n1Again, "reply")).isTrue();
    assertThat(n1Again.take().text()).isEqualTo("reply");
    assertThat(n2.transport.stats().streamsAccepted()).isEqualTo(2);
  }

  @Test
  void sendsToADownPeerBeyondTheQueueBoundAreDroppedThenTheQueueDrainsOnConnect()
      throws Exception {
    int port = TestNode.unusedPort();
    TransportOptions bounded =
        TestNode.fastOptions().withMaxMessageBytes(64 << 10).withQueueBounds(100, 1 << 20);
    TestNode n1 = track(TestNode.start(1, TestNode.CLUSTER, 0, bounded));
    n1.transport.setPeer(new NodeId(2), new java.net.InetSocketAddress("127.0.0.1", port));
    String payload = "x".repeat(200);
    int accepted = 0;
    for (int i = 0; i < 10_000; i++) {
      accepted += n1.transport.send(new NodeId(2), bytes(i + ":" + payload)) ? 1 : 0;
    }
    assertThat(accepted).isEqualTo(100);
    TransportStats stats = n1.transport.stats();
    assertThat(stats.messagesDropped()).isEqualTo(9_900);
    assertThat(stats.queuedMessages()).isEqualTo(100);
    assertThat(n1.transport.queuedBytes(new NodeId(2))).isLessThanOrEqualTo(1 << 20);
    assertThat(n1.transport.writable(new NodeId(2))).isFalse();
    CompletableFuture<byte[]> rejected =
        n1.transport.request(new NodeId(2), bytes("q"), Duration.ofSeconds(30));
    assertThat(rejected).isCompletedExceptionally();
    assertThatThrownBy(rejected::get).hasCauseInstanceOf(TransportException.class);

    // The peer comes up: what was queued (and only that) is delivered, in order.
    TestNode n2 = track(TestNode.start(2, TestNode.CLUSTER, port, TestNode.fastOptions()));
    n2.peer(n1);
    for (int i = 0; i < 100; i++) {
      assertThat(n2.take().text()).isEqualTo(i + ":" + payload);
    }
    await("n1's queue drained", () -> n1.transport.queuedMessages(new NodeId(2)) == 0);
    assertThat(n1.transport.writable(new NodeId(2))).isTrue();
  }

  @Test
  void theByteBoundDropsToo() throws Exception {
    TransportOptions bounded =
        TestNode.fastOptions().withMaxMessageBytes(1024)
            .withQueueBounds(10_000, 10 * (1000 + Envelope.HEADER_BYTES) + 500);
    TestNode n1 = track(TestNode.start(1, TestNode.CLUSTER, 0, bounded));
    n1.transport.setPeer(new NodeId(2),
        new java.net.InetSocketAddress("127.0.0.1", TestNode.unusedPort()));
    int accepted = 0;
    for (int i = 0; i < 100; i++) {
      accepted += n1.transport.send(new NodeId(2), new byte[1000]) ? 1 : 0;
    }
    // 1000 bytes and a header an envelope: ten fit.
    assertThat(accepted).isEqualTo(10);
    assertThat(n1.transport.queuedBytes(new NodeId(2))).isEqualTo(10 * (1000 + Envelope.HEADER_BYTES));
    assertThat(n1.transport.stats().messagesDropped()).isEqualTo(90);
    assertThatThrownBy(() -> n1.transport.send(new NodeId(2), new byte[1025]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requestsAreAnsweredInBothDirections() throws Exception {
    TestNode n1 = node(1);
    TestNode n2 = node(2);
    connect(n1, n2);
    n1.transport.setRequestHandler((from, payload) ->
        CompletableFuture.completedFuture(bytes("n1 got " + text(payload) + " from " + from)));
    n2.transport.setRequestHandler((from, payload) ->
        CompletableFuture.supplyAsync(() -> bytes(text(payload).toUpperCase())));

    byte[] answer = n1.transport.request(n2.id, bytes("ping"), PATIENCE)
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(text(answer)).isEqualTo("PING");
    byte[] back = n2.transport.request(n1.id, bytes("pong"), PATIENCE)
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertThat(text(back)).isEqualTo("n1 got pong from n2");

    List<CompletableFuture<byte[]>> many = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(n1.transport.request(n2.id, bytes("r" + i), PATIENCE));
    }
    for (int i = 0; i < 500; i++) {
      assertThat(text(many.get(i).get(PATIENCE.toSeconds(), TimeUnit.SECONDS))).isEqualTo("R" + i);
    }
    assertThat(n1.transport.stats().pendingRequests()).isZero();
  }

  @Test
  void aRequestNobodyAnswersTimesOutAndItsLateResponseIsDropped() throws Exception {
    TestNode n1 = node(1);
    TestNode n2 = node(2);
    connect(n1, n2);
    CompletableFuture<byte[]> never = new CompletableFuture<>();
    n2.transport.setRequestHandler((from, payload) -> never);

    CompletableFuture<byte[]> response =
        n1.transport.request(n2.id, bytes("hello?"), Duration.ofMillis(200));
    assertThatThrownBy(() -> response.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat(n1.transport.stats().pendingRequests()).isZero();

    // The answer comes after the deadline: n2 drops it, or (its deadline counts from the request's
    // arrival, so it ends a little later than n1's) n1 receives it and drops it as late.
    never.complete(bytes("too late"));
    await("the late response is dropped and counted once", () ->
        n2.transport.stats().rpc().answersDropped() + n1.transport.stats().lateResponses() == 1);
  }

  @Test
  void aFailingHandlerBecomesAnErrorResponse() throws Exception {
    TestNode n1 = node(1);
    TestNode n2 = node(2);
    connect(n1, n2);
    n2.transport.setRequestHandler((from, payload) -> {
      if (text(payload).equals("throw")) {
        throw new IllegalStateException("handler blew up");
      }
      return CompletableFuture.failedFuture(new UnsupportedOperationException("not today"));
    });
    assertThatThrownBy(() -> n1.transport.request(n2.id, bytes("throw"), PATIENCE)
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RemoteRequestException.class)
        .hasMessageContaining("IllegalStateException: handler blew up");
    assertThatThrownBy(() -> n1.transport.request(n2.id, bytes("fail"), PATIENCE)
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RemoteRequestException.class)
        .hasMessageContaining("UnsupportedOperationException: not today")
        .satisfies(e -> assertThat(((RemoteRequestException) e).certainlyNotRun()).isFalse());

    // A node without a request handler refuses the request, and one-way traffic still flows.
    assertThatThrownBy(() -> n2.transport.request(n1.id, bytes("anyone?"), PATIENCE)
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(RemoteRequestException.class)
        .hasMessageContaining("no request handler")
        .satisfies(e -> assertThat(((RemoteRequestException) e).certainlyNotRun()).isTrue());
    n1.send(n2, "still fine");
    assertThat(n2.take().text()).isEqualTo("still fine");
  }

  @Test
  void aDialerFromAnotherClusterIsRefused() throws Exception {
    TestNode n1 = track(TestNode.start(1, "cluster-a", 0, TestNode.fastOptions()));
    TestNode n2 = track(TestNode.start(2, "cluster-b", 0, TestNode.fastOptions()));
    connect(n1, n2);
    n1.send(n2, "let me in");
    n2.send(n1, "nor me");
    await("n2 refused n1", () -> n2.transport.stats().handshakesRefused() >= 2);
    assertThat(n1.transport.stats().connectedPeers()).isZero();
    assertThat(n2.transport.stats().connectedPeers()).isZero();
    assertThat(n2.transport.stats().streamsAccepted()).isZero();
    assertThat(n1.inbox).isEmpty();
    assertThat(n2.inbox).isEmpty();
  }

  @Test
  void closeLeavesNoNonDaemonThreads() throws Exception {
    Set<Thread> before = nonDaemonThreads();
    // Earlier tests' transports may still be finishing their own threads, under the same names.
    Set<Thread> running = Set.copyOf(Thread.getAllStackTraces().keySet());
    TestNode n1 = TestNode.start(1);
    TestNode n2 = TestNode.start(2);
    connect(n1, n2);
    n2.transport.setRequestHandler((from, payload) -> CompletableFuture.completedFuture(payload));
    n1.transport.setRequestHandler((from, payload) -> new CompletableFuture<>());
    assertThat(n1.transport.request(n2.id, bytes("x"), PATIENCE)
        .get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(bytes("x"));
    CompletableFuture<byte[]> pending =
        n2.transport.request(n1.id, bytes("unanswered"), PATIENCE);
    n1.close();
    n2.close();
    assertThatThrownBy(() -> pending.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .hasCauseInstanceOf(TransportException.class);
    await("no new non-daemon threads remain", () -> {
      Set<Thread> left = nonDaemonThreads();
      left.removeAll(before);
      return left.isEmpty();
    });
    await("the transports' own threads end", () -> Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !running.contains(t))
        .noneMatch(t -> t.getName().startsWith("meridian-transport-") && t.isAlive()));
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }
}
