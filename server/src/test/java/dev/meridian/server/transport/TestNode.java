package dev.meridian.server.transport;

import dev.meridian.runtime.NodeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A transport on 127.0.0.1 whose one-way messages land in {@link #inbox}, for tests. */
final class TestNode implements AutoCloseable {

  /** Generous: a loaded CI machine may be slow, and a passing test never waits this long. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  static final String CLUSTER = "test-cluster";

  record Received(NodeId from, String text) {}

  final NodeId id;
  final NodeTransport transport;
  final BlockingQueue<Received> inbox;
  private final ExecutorService inbound;

  private TestNode(NodeId id, NodeTransport transport, ExecutorService inbound,
      BlockingQueue<Received> inbox) {
    this.id = id;
    this.transport = transport;
    this.inbound = inbound;
    this.inbox = inbox;
  }

  static TestNode start(int id) throws IOException {
    return start(id, CLUSTER, 0, fastOptions());
  }

  static TestNode start(int id, String cluster, int port, TransportOptions options)
      throws IOException {
    ExecutorService inbound = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "test-inbound-n" + id);
      thread.setDaemon(true);
      return thread;
    });
    BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    NodeTransport transport = NodeTransport.start(new NodeId(id), cluster,
        new InetSocketAddress("127.0.0.1", port), options, inbound,
        (from, payload) -> inbox.add(new Received(from, new String(payload, StandardCharsets.UTF_8))));
    return new TestNode(new NodeId(id), transport, inbound, inbox);
  }

  /** Redials fast, so restarts and refusals show up quickly in tests. */
  static TransportOptions fastOptions() {
    return TransportOptions.defaults()
        .withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(300));
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", transport.port());
  }

  void peer(TestNode other) {
    transport.setPeer(other.id, other.address());
  }

  boolean send(TestNode to, String text) {
    return transport.send(to.id, text.getBytes(StandardCharsets.UTF_8));
  }

  Received take() throws InterruptedException {
    Received received = inbox.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    if (received == null) {
      throw new AssertionError(id + " received nothing within " + PATIENCE);
    }
    return received;
  }

  @Override
  public void close() {
    transport.close();
    inbound.shutdownNow();
  }

  /** A port on 127.0.0.1 that nothing listens on (free when this returns). */
  static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  /** Polls {@code condition} until it holds; fails after {@link #PATIENCE}. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }
}
