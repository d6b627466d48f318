package dev.meridian.server.transport;

import dev.meridian.runtime.NodeId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A by-hand measure of loopback throughput between two transports, not an assertion (performance is
 * measured, never asserted, in unit tests). Run it with:
 *
 * <pre>
 *   ./mvnw -B -q -o -pl server test -Dtest=TransportThroughputCheck -Dtransport.throughput=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "transport.throughput", matches = "true")
class TransportThroughputCheck {

  private static final int PAYLOAD_BYTES = 200;
  private static final Duration RUN = Duration.ofSeconds(5);

  @Test
  void oneWayAndRequestResponseOnLoopback() throws Exception {
    ExecutorService inbound = Executors.newFixedThreadPool(2);
    AtomicLong received = new AtomicLong();
    NodeId a = new NodeId(1);
    NodeId b = new NodeId(2);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    try (NodeTransport n1 = NodeTransport.start(a, "bench", any, TransportOptions.defaults(),
            inbound, (from, payload) -> { });
        NodeTransport n2 = NodeTransport.start(b, "bench", any, TransportOptions.defaults(),
            inbound, (from, payload) -> received.incrementAndGet())) {
      n1.setPeer(b, new InetSocketAddress("127.0.0.1", n2.port()));
      n2.setPeer(a, new InetSocketAddress("127.0.0.1", n1.port()));
      n2.setRequestHandler((from, payload) -> CompletableFuture.completedFuture(payload));
      byte[] payload = new byte[PAYLOAD_BYTES];
      n1.request(b, payload, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);

      long start = System.nanoTime();
      long deadline = start + RUN.toNanos();
      long offered = 0;
      while (System.nanoTime() < deadline) {
        if (n1.writable(b)) {
          n1.send(b, payload);
          offered++;
        } else {
          Thread.onSpinWait();
        }
      }
      long elapsedNanos = System.nanoTime() - start;
      long delivered = received.get();
      System.out.printf("one-way: %d x %d B messages delivered in %.2f s = %.0f msg/s "
              + "(%d offered, %d dropped)%n", delivered, PAYLOAD_BYTES, elapsedNanos / 1e9,
          delivered / (elapsedNanos / 1e9), offered, n1.stats().messagesDropped());

      Semaphore window = new Semaphore(256);
      AtomicLong answered = new AtomicLong();
      start = System.nanoTime();
      deadline = start + RUN.toNanos();
      while (System.nanoTime() < deadline) {
        window.acquire();
        n1.request(b, payload, Duration.ofSeconds(30)).whenComplete((r, e) -> {
          answered.incrementAndGet();
          window.release();
        });
      }
      elapsedNanos = System.nanoTime() - start;
      System.out.printf("request/response, 256 outstanding: %.0f round trips/s%n",
          answered.get() / (elapsedNanos / 1e9));
    } finally {
      inbound.shutdownNow();
    }
  }
}
