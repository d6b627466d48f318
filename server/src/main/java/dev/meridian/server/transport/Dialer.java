package dev.meridian.server.transport;

import dev.meridian.server.transport.proto.Hello;
import dev.meridian.server.transport.proto.TransportGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps one stream open from this node to a peer with a larger id: dials, and when a dial fails or the
 * stream breaks, dials again after an exponential backoff with jitter (from {@code
 * reconnectBackoffMin}, doubling up to {@code reconnectBackoffMax}, each delay drawn uniformly from
 * its upper half so that restarted peers are not dialed in lockstep). A completed handshake resets the
 * backoff.
 *
 * <p>Each dial uses a fresh channel, so gRPC's own reconnect backoff never stacks on ours; the
 * previous channel is shut down. Invariant: at most one dial (channel and stream) is current; events
 * from older ones are ignored. Streams are never closed while this object's lock is held, since
 * closing a stream calls back into {@link #streamEnded}.
 */
final class Dialer {

  private static final Logger LOG = Logger.getLogger(Dialer.class.getName());

  private final NodeTransport transport;
  private final PeerLink link;
  private ManagedChannel channel;
  private PeerStream current;
  private ScheduledFuture<?> redial;
  private int failures;
  private boolean closed;

  Dialer(NodeTransport transport, PeerLink link) {
    this.transport = transport;
    this.link = link;
  }

  /** Drops the current dial, if any, and dials at once. */
  void dialNow() {
    if (!stopCurrent(false, Status.CANCELLED.withDescription("redialing"))) {
      dial();
    }
  }

  /**
   * Cancels a pending redial and closes the current dial's stream (with {@code status}); with {@code
   * forGood}, no dial will follow. Returns whether the dialer was already closed.
   */
  private boolean stopCurrent(boolean forGood, Status status) {
    PeerStream old;
    synchronized (this) {
      boolean wasClosed = closed;
      closed |= forGood;
      if (redial != null) {
        redial.cancel(false);
        redial = null;
      }
      old = current;
      current = null;
      if (wasClosed) {
        return true;
      }
    }
    if (old != null) {
      old.close(status);
    }
    return false;
  }

  private void dial() {
    InetSocketAddress address = link.address();
    ManagedChannel oldChannel;
    ManagedChannel newChannel;
    PeerStream stream;
    synchronized (this) {
      if (closed || current != null) {
        return;
      }
      redial = null;
      oldChannel = channel;
      newChannel = NettyChannelBuilder.forAddress(address)
          .usePlaintext()
          .directExecutor()
          .maxInboundMessageSize(transport.options().maxInboundFrameBytes())
          .keepAliveTime(10, TimeUnit.SECONDS)
          .keepAliveTimeout(10, TimeUnit.SECONDS)
          .build();
      channel = newChannel;
      stream = transport.newStream("stream to " + link.peer + " at " + address,
          this::onHello, this::streamEnded);
      current = stream;
    }
    if (oldChannel != null) {
      oldChannel.shutdownNow();
    }
    TransportGrpc.newStub(newChannel).connect(stream);
    stream.write(transport.hello());
    transport.armHandshakeTimeout(stream);
  }

  private void onHello(PeerStream stream, Hello hello) {
    String refusal = transport.checkAcceptorHello(link.peer, hello);
    if (refusal != null) {
      stream.close(Status.PERMISSION_DENIED.withDescription(refusal));
      return;
    }
    boolean superseded;
    synchronized (this) {
      superseded = stream != current;
      if (!superseded) {
        failures = 0;
      }
    }
    // Closed outside the lock: a stream's close calls back into streamEnded (lock order stream, dialer).
    if (superseded) {
      stream.close(Status.CANCELLED.withDescription("superseded dial"));
      return;
    }
    if (link.attach(stream)) {
      transport.counters().streamsDialed.increment();
      LOG.fine(() -> "connected to " + link.peer + " at " + link.address());
    }
  }

  /** Any end of a dialed stream, established or not: forget it and schedule the next dial. */
  private void streamEnded(PeerStream stream) {
    link.detach(stream);
    synchronized (this) {
      if (stream != current || closed) {
        return;
      }
      current = null;
      long minNanos = transport.options().reconnectBackoffMin().toNanos();
      long maxNanos = transport.options().reconnectBackoffMax().toNanos();
      long ceiling = minNanos << Math.min(failures, 30);
      if (ceiling <= 0 || ceiling > maxNanos) {
        ceiling = maxNanos;
      }
      failures++;
      long delayNanos = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
      redial = transport.schedule(this::dial, delayNanos);
    }
  }

  /** Stops dialing for good and closes the channel; the caller closes the link's stream. */
  void close() {
    stopCurrent(true, Status.UNAVAILABLE.withDescription("dialer closed"));
    ManagedChannel last = channel();
    if (last != null) {
      last.shutdownNow();
    }
  }

  synchronized ManagedChannel channel() {
    return channel;
  }
}
