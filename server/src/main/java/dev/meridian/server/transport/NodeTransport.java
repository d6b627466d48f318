package dev.meridian.server.transport;

import com.google.protobuf.ByteString;
import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.real.EventLoop;
import dev.meridian.runtime.rpc.Codec;
import dev.meridian.runtime.rpc.Envelope;
import dev.meridian.runtime.rpc.Reply;
import dev.meridian.runtime.rpc.RequestType;
import dev.meridian.runtime.rpc.Responder;
import dev.meridian.runtime.rpc.Rpc;
import dev.meridian.runtime.rpc.RpcError;
import dev.meridian.runtime.rpc.RpcLimits;
import dev.meridian.runtime.rpc.RpcStats;
import dev.meridian.server.transport.proto.Frame;
import dev.meridian.server.transport.proto.Hello;
import dev.meridian.server.transport.proto.TransportGrpc;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Carries opaque payloads between the nodes of a cluster: one-way messages ({@link #send}) and
 * request/response ({@link #request}) on top of them. Everything on the wire is a runtime {@link
 * Envelope}, the one envelope of every module; request ids, deadlines, timeouts, error answers and
 * the pending bound are the runtime's {@link Rpc} endpoint, the same code the simulator runs over
 * its network. This class adds what only real processes need: streams, handshakes, flow control,
 * bounded queues and redials.
 *
 * <p><b>Topology.</b> Between two nodes there is exactly one gRPC bidirectional stream ({@code
 * Transport.Connect} in {@code transport.proto}), and both directions use it: the node with the
 * smaller id dials the larger one. The first frame each way is a {@code Hello} with the sender's node
 * id and cluster id; the acceptor refuses a dialer from another cluster, an unknown node, or a node
 * that should not be dialing it, and the dialer refuses an acceptor that is not the node it meant to
 * reach. When a stream breaks the dialer dials again with exponential backoff and jitter (see {@link
 * Dialer}); the acceptor waits for it.
 *
 * <p><b>Delivery.</b> At most once, and in send order per pair of nodes while one stream lasts.
 * There is no retransmission: envelopes in flight when a stream breaks are lost. That is what Paxos
 * (and everything built on it) assumes of a network; requests cover loss with their timeout.
 *
 * <p><b>Backpressure.</b> {@link #send} never blocks. Each peer has a bounded outbound queue
 * ({@link TransportOptions#maxQueuedMessages}, {@link TransportOptions#maxQueuedBytes}); what does not
 * fit is dropped and counted, and {@code send} returns false. The queue drains only while gRPC says the
 * stream is ready, so a slow network or a slow peer fills our queue, not gRPC's buffers; the receiver
 * asks gRPC for the next frame only after delivering the last one, so a slow handler slows its
 * senders through HTTP/2 flow control. A caller that wants to shed load early checks {@link
 * #writable}. While no stream is up, envelopes wait in the queue (within its bounds) and go out on the
 * next stream.
 *
 * <p><b>Threads.</b> Inbound frames are decoded on the inbound executor given to {@link #start}, one
 * frame at a time per stream, so per peer in arrival order; one-way messages are handled there.
 * Requests and answers go on to the RPC endpoint's own event loop (one daemon thread, which also runs
 * request timeouts), stamped with their arrival so that time spent queued counts against a request's
 * budget. gRPC callbacks run on its Netty event loops ({@code directExecutor}) and only hand work on;
 * frames are assembled and written on two daemon I/O threads; redial and handshake timers run on one
 * daemon thread. {@link #close} stops all of them.
 */
public final class NodeTransport implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeTransport.class.getName());

  private static final int IO_THREADS = 2;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /** The envelope type of {@link #send}'s one-way payloads (the protocols' own messages). */
  static final int MESSAGE_TYPE = 0;

  /**
   * The request type of {@link #request}: opaque bytes, run at most once (never retried: the
   * transport cannot know whether a payload is idempotent).
   */
  static final RequestType<byte[], byte[]> BYTES_REQUEST =
      RequestType.once(1, "transport-request", Codec.BYTES, Codec.BYTES);

  /** Receives one-way messages, on the inbound executor. */
  @FunctionalInterface
  public interface MessageHandler {
    void onMessage(NodeId from, byte[] payload);
  }

  /**
   * Answers requests, on the transport's RPC loop: it must not block (hand slow work elsewhere and
   * complete the future later). A failed future, or an exception thrown here, reaches the requester
   * as a {@link RemoteRequestException} with the exception's class and message; a null response is
   * sent as an empty one.
   */
  @FunctionalInterface
  public interface RequestHandler {
    CompletableFuture<byte[]> onRequest(NodeId from, byte[] payload);
  }

  private final NodeId self;
  private final String clusterId;
  private final TransportOptions options;
  private final Executor inboundExecutor;
  private final MessageHandler messageHandler;
  private volatile RequestHandler requestHandler;
  private final Map<NodeId, PeerLink> links = new ConcurrentHashMap<>();
  private final Counters stats = new Counters();
  private final ExecutorService io;
  private final ScheduledThreadPoolExecutor timers;
  /** Runs {@link #rpc}: every touch of it is a task of this loop. */
  private final EventLoop rpcLoop;
  private final Rpc rpc;
  /**
   * Set by the RPC endpoint's sink when a peer's queue refused an envelope; read right after the
   * call that sent it, on the RPC loop (so that a request that was never queued fails at once).
   */
  private boolean lastSendRefused;
  private final Server server;
  private volatile boolean closed;

  /**
   * @param listenAddress where the transport's own gRPC server listens, or null when {@code host}
   *     serves the transport's service on a server it runs (the node's cluster endpoint)
   */
  private NodeTransport(NodeId self, String clusterId, InetSocketAddress listenAddress,
      Consumer<BindableService> host,
      TransportOptions options, Executor inboundExecutor, MessageHandler messageHandler)
      throws IOException {
    this.self = self;
    this.clusterId = clusterId;
    this.options = options;
    this.inboundExecutor = inboundExecutor;
    this.messageHandler = messageHandler;
    this.io = Executors.newFixedThreadPool(IO_THREADS, daemonThreads("io"));
    this.timers = new ScheduledThreadPoolExecutor(1, daemonThreads("timer"));
    timers.setRemoveOnCancelPolicy(true);
    this.rpcLoop = new EventLoop("meridian-transport-" + self + "-rpc",
        failure -> LOG.log(Level.SEVERE, "the transport's RPC loop failed a task", failure));
    RpcLimits defaults = RpcLimits.defaults();
    this.rpc = new Rpc(self, this::sendEnvelope, rpcLoop, RandomSource.seeded(System.nanoTime()),
        new RpcLimits(options.maxPendingRequests(), defaults.maxHandling(), defaults.maxRemembered(),
            defaults.duplicateWindowNanos()));
    rpcLoop.execute(() -> rpc.register(BYTES_REQUEST, this::serve));
    if (listenAddress == null) {
      this.server = null;
      host.accept(new Service());
      return;
    }
    Server started;
    try {
      started = NettyServerBuilder.forAddress(listenAddress)
          .directExecutor()
          .maxInboundMessageSize(options.maxInboundFrameBytes())
          .permitKeepAliveTime(5, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .addService(new Service())
          .build()
          .start();
    } catch (IOException | RuntimeException e) {
      io.shutdownNow();
      timers.shutdownNow();
      rpcLoop.close();
      throw e;
    }
    this.server = started;
  }

  /**
   * Starts a transport for node {@code self} of cluster {@code clusterId}, listening on {@code
   * listenAddress} (port 0 picks a free port: see {@link #port}). Messages go to {@code onMessage} on
   * {@code inboundExecutor}.
   */
  public static NodeTransport start(NodeId self, String clusterId, InetSocketAddress listenAddress,
      TransportOptions options, Executor inboundExecutor, MessageHandler onMessage)
      throws IOException {
    return new NodeTransport(self, clusterId, listenAddress, null, options, inboundExecutor, onMessage);
  }

  /**
   * As {@link #start}, but without a server of its own: the transport's service is added to {@code
   * host}'s (a cluster node's {@code --port} endpoint, which also answers init, joins and heartbeats),
   * so a node has one port for all cluster traffic. That server must accept frames of {@link
   * TransportOptions#maxInboundFrameBytes} and keepalive pings every 5 s. Closing the transport leaves the server
   * running (its owner stops it); streams already accepted are closed.
   */
  public static NodeTransport attach(NodeId self, String clusterId, Consumer<BindableService> host,
      TransportOptions options,
      Executor inboundExecutor, MessageHandler onMessage) throws IOException {
    return new NodeTransport(self, clusterId, null, host, options, inboundExecutor, onMessage);
  }

  public NodeId self() {
    return self;
  }

  /** The port the transport listens on (a transport {@linkplain #attach attached} to another server has none). */
  public int port() {
    if (server == null) {
      throw new IllegalStateException("the transport of " + self + " is served on its host's server");
    }
    return server.getPort();
  }

  /** Installs the handler for requests from peers; until then requests are answered with an error. */
  public void setRequestHandler(RequestHandler handler) {
    this.requestHandler = handler;
  }

  /**
   * Adds a peer, or moves it to a new address. If this node's id is the smaller it dials the peer
   * (now, and again whenever the stream breaks); otherwise it waits for the peer to dial.
   */
  public synchronized void setPeer(NodeId peer, InetSocketAddress address) {
    if (peer.equals(self)) {
      throw new IllegalArgumentException("a node is not its own peer: " + peer);
    }
    if (closed) {
      throw new IllegalStateException("transport of " + self + " is closed");
    }
    PeerLink existing = links.get(peer);
    if (existing != null) {
      existing.moveTo(address);
      return;
    }
    PeerLink link = new PeerLink(this, peer, address, self.compareTo(peer) < 0);
    links.put(peer, link);
    link.start();
  }

  /** Forgets a peer: closes its stream, drops what is queued for it, and refuses its dials. */
  public synchronized void removePeer(NodeId peer) {
    PeerLink link = links.remove(peer);
    if (link != null) {
      link.close();
    }
  }

  /**
   * Queues a one-way message to {@code to}; never blocks. Returns false, and counts the message as
   * dropped, when the peer's outbound queue is full or the peer is unknown.
   *
   * @throws IllegalArgumentException if the payload is larger than {@link
   *     TransportOptions#maxMessageBytes}
   */
  public boolean send(NodeId to, byte[] payload) {
    checkSize(payload);
    return enqueue(to, Envelope.message(self, to, MESSAGE_TYPE, payload).encode());
  }

  /** Whether a message to {@code peer} would be queued now (the peer is known and its queue not full). */
  public boolean writable(NodeId peer) {
    PeerLink link = links.get(peer);
    return link != null && link.writable();
  }

  /**
   * Sends a request and returns its response. The future fails with a {@link TimeoutException} if no
   * response arrives within {@code timeout} (the request or the response may have been lost, or the
   * handler may be slow), with a {@link RemoteRequestException} if the peer refused the request or
   * its handler failed (its {@link RemoteRequestException#certainlyNotRun} says which), and with a
   * {@link TransportException} if the request could not be queued. It completes on the transport's
   * RPC loop. Cancelling it forgets the request; a response that arrives later is dropped.
   */
  public CompletableFuture<byte[]> request(NodeId to, byte[] payload, Duration timeout) {
    checkSize(payload);
    CompletableFuture<byte[]> response = new CompletableFuture<>();
    if (closed) {
      response.completeExceptionally(closedException());
      return response;
    }
    if (!writable(to)) {
      // Fails before the hop to the RPC loop; start() catches the queue filling up in between.
      response.completeExceptionally(notSent(to));
      return response;
    }
    try {
      rpcLoop.execute(() -> start(to, payload, timeout, response));
    } catch (RejectedExecutionException e) {
      response.completeExceptionally(closedException());
    }
    return response;
  }

  private void start(NodeId to, byte[] payload, Duration timeout, CompletableFuture<byte[]> response) {
    if (response.isDone()) {
      return; // Cancelled before the loop got to it.
    }
    lastSendRefused = false;
    Cancellable call = rpc.call(to, BYTES_REQUEST, payload, timeout.toNanos(),
        reply -> complete(to, timeout, reply, response));
    if (lastSendRefused && call.cancel()) {
      response.completeExceptionally(notSent(to));
    }
    response.whenComplete((body, error) -> {
      if (response.isCancelled()) {
        rpcLoop.execute(call::cancel);
      }
    });
  }

  private void complete(NodeId to, Duration timeout, Reply<byte[]> reply,
      CompletableFuture<byte[]> response) {
    switch (reply) {
      case Reply.Ok<byte[]> ok -> response.complete(ok.value());
      case Reply.Failed<byte[]> failed -> response.completeExceptionally(failure(to, timeout, failed.error()));
    }
  }

  private Exception failure(NodeId to, Duration timeout, RpcError error) {
    return switch (error.kind()) {
      case TIMEOUT -> new TimeoutException("no response from " + to + " within " + timeout);
      case REJECTED, FAILED, MALFORMED_RESPONSE -> new RemoteRequestException(to, error);
      case PENDING_LIMIT -> new TransportException(error.detail());
      case CLOSED -> closedException();
    };
  }

  private static TransportException notSent(NodeId to) {
    return new TransportException(
        "request to " + to + " not sent: its outbound queue is full or the peer is unknown");
  }

  private TransportException closedException() {
    return new TransportException("transport of " + self + " is closed");
  }

  /** Envelopes queued for {@code peer} and not yet handed to gRPC. */
  public int queuedMessages(NodeId peer) {
    PeerLink link = links.get(peer);
    return link == null ? 0 : link.queuedMessages();
  }

  /** Bytes queued for {@code peer} and not yet handed to gRPC. */
  public long queuedBytes(NodeId peer) {
    PeerLink link = links.get(peer);
    return link == null ? 0 : link.queuedBytes();
  }

  public TransportStats stats() {
    int connected = 0;
    long queued = 0;
    for (PeerLink link : links.values()) {
      connected += link.connected() ? 1 : 0;
      queued += link.queuedMessages();
    }
    return new TransportStats(stats.sent.sum(), stats.received.sum(), stats.dropped.sum(),
        stats.reconnects.sum(), connected, stats.streamsDialed.sum(), stats.streamsAccepted.sum(),
        stats.handshakesRefused.sum(), stats.malformedFrames.sum(), queued, rpc.stats());
  }

  /**
   * Stops listening, closes every stream and channel, fails pending requests with a {@link
   * TransportException}, and stops the transport's threads, waiting a bounded time for each.
   */
  @Override
  public void close() {
    List<ManagedChannel> channels = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (server != null) {
        server.shutdownNow();
      }
      for (PeerLink link : links.values()) {
        if (link.dialer() != null && link.dialer().channel() != null) {
          channels.add(link.dialer().channel());
        }
        link.close();
      }
      links.clear();
    }
    try {
      CompletableFuture.runAsync(rpc::close, rpcLoop).get(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RejectedExecutionException e) {
      LOG.log(Level.WARNING, "closing the RPC endpoint of " + self + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    rpcLoop.close();
    timers.shutdownNow();
    io.shutdownNow();
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    try {
      if (server != null) {
        server.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
      }
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
      }
      timers.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
      io.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- package-private: the parts of the transport its links, dialers and streams use ----

  TransportOptions options() {
    return options;
  }

  Counters counters() {
    return stats;
  }

  Executor io() {
    return io;
  }

  /** Runs {@code task} after {@code delayNanos} on the timer thread; null once closed. */
  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  Frame hello() {
    return Frame.newBuilder()
        .setHello(Hello.newBuilder().setClusterId(clusterId).setNodeId(self.value()))
        .build();
  }

  PeerStream newStream(String description, PeerStream.Handshake handshake,
      PeerStream.Closed onClosed) {
    return new PeerStream(description, handshake, this::deliver, inboundExecutor, onClosed,
        stats.malformedFrames::increment);
  }

  void armHandshakeTimeout(PeerStream stream) {
    schedule(() -> {
      if (!stream.isEstablished()) {
        stream.close(Status.DEADLINE_EXCEEDED.withDescription(
            "no hello within " + options.handshakeTimeout()));
      }
    }, options.handshakeTimeout().toNanos());
  }

  /** Why the dialer refuses the acceptor's hello, or null if it is the node it dialed. */
  String checkAcceptorHello(NodeId dialed, Hello hello) {
    String refusal = !hello.getClusterId().equals(clusterId)
        ? "cluster id mismatch: " + dialed + " is in cluster '" + hello.getClusterId()
            + "', this node in '" + clusterId + "'"
        : hello.getNodeId() != dialed.value()
            ? "dialed " + dialed + " but node " + hello.getNodeId() + " answered"
            : null;
    if (refusal != null) {
      refused(refusal);
    }
    return refusal;
  }

  // ---- inbound ----

  /** The acceptor's end of a new stream. */
  private final class Service extends TransportGrpc.TransportImplBase {
    @Override
    public StreamObserver<Frame> connect(StreamObserver<Frame> responses) {
      if (closed) {
        // Served on a host's server, which outlives this transport.
        responses.onError(Status.UNAVAILABLE.withDescription("the transport of " + self + " is closed")
            .asRuntimeException());
        return new StreamObserver<>() {
          @Override
          public void onNext(Frame frame) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
      }
      PeerStream stream = newStream("stream accepted by " + self, NodeTransport.this::onDialerHello,
          ended -> {
            PeerLink link = ended.link();
            if (link != null) {
              link.detach(ended);
            }
          });
      stream.bindServer((ServerCallStreamObserver<Frame>) responses);
      armHandshakeTimeout(stream);
      return stream;
    }
  }

  private void onDialerHello(PeerStream stream, Hello hello) {
    int dialer = hello.getNodeId();
    String refusal = !hello.getClusterId().equals(clusterId)
        ? "cluster id mismatch: dialer n" + dialer + " is in cluster '" + hello.getClusterId()
            + "', " + self + " in '" + clusterId + "'"
        : dialer <= 0 || dialer >= self.value()
            ? "node " + dialer + " may not dial " + self + ": the smaller id dials the larger"
            : null;
    PeerLink link = refusal == null ? links.get(new NodeId(dialer)) : null;
    if (refusal == null && link == null) {
      refusal = "n" + dialer + " is not a peer of " + self;
    }
    if (refusal != null) {
      refused(refusal);
      stream.close(Status.PERMISSION_DENIED.withDescription(refusal));
      return;
    }
    if (!stream.write(hello())) {
      return;
    }
    if (link.attach(stream)) {
      stats.streamsAccepted.increment();
    } else {
      stream.close(Status.UNAVAILABLE.withDescription("n" + dialer + " was removed"));
    }
  }

  private void refused(String refusal) {
    stats.handshakesRefused.increment();
    LOG.warning(() -> self + " refused a transport handshake: " + refusal);
  }

  private void deliver(PeerLink from, Frame frame) throws Envelope.MalformedException {
    long arrivedNanos = System.nanoTime();
    for (ByteString raw : frame.getEnvelopesList()) {
      Envelope envelope = Envelope.decode(raw.asReadOnlyByteBuffer());
      if (!envelope.from().equals(from.peer) || !envelope.to().equals(self)) {
        throw new Envelope.MalformedException("envelope " + envelope + " on the stream from "
            + from.peer + " to " + self);
      }
      stats.received.increment();
      if (closed) {
        continue;
      }
      if (envelope.kind() == Envelope.Kind.MESSAGE && envelope.type() == MESSAGE_TYPE) {
        try {
          messageHandler.onMessage(from.peer, envelope.payload());
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "message handler failed on a message from " + from.peer, e);
        }
      } else {
        try {
          rpcLoop.execute(() -> rpc.receive(envelope, arrivedNanos));
        } catch (RejectedExecutionException e) {
          return; // Closing.
        }
      }
    }
  }

  /** Serves {@link #BYTES_REQUEST}, on the RPC loop. */
  private void serve(byte[] payload, Responder<byte[]> responder) {
    RequestHandler handler = requestHandler;
    if (handler == null) {
      responder.reject("no request handler on " + self);
      return;
    }
    CompletableFuture<byte[]> answer;
    try {
      answer = handler.onRequest(responder.from(), payload);
      if (answer == null) {
        answer = CompletableFuture.failedFuture(
            new NullPointerException("request handler returned no future"));
      }
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((reply, error) -> {
      try {
        rpcLoop.execute(() -> answer(responder, reply, error));
      } catch (RejectedExecutionException closing) {
        // The transport is closing: nobody will carry the answer.
      }
    });
  }

  private void answer(Responder<byte[]> responder, byte[] reply, Throwable error) {
    byte[] body = reply == null ? new byte[0] : reply;
    if (error != null) {
      responder.fail(describe(error));
    } else if (body.length > options.maxMessageBytes()) {
      responder.fail("response of " + body.length + " bytes exceeds maxMessageBytes "
          + options.maxMessageBytes());
    } else {
      responder.ok(body);
    }
  }

  /** The RPC endpoint's sink, on the RPC loop. */
  private void sendEnvelope(NodeId to, Envelope envelope) {
    if (!enqueue(to, envelope.encode())) {
      lastSendRefused = true;
    }
  }

  // ---- helpers ----

  private boolean enqueue(NodeId to, byte[] envelope) {
    PeerLink link = links.get(to);
    if (link == null) {
      stats.dropped.increment();
      return false;
    }
    return link.enqueue(envelope);
  }

  private void checkSize(byte[] payload) {
    if (payload.length > options.maxMessageBytes()) {
      throw new IllegalArgumentException("payload of " + payload.length
          + " bytes exceeds maxMessageBytes " + options.maxMessageBytes());
    }
  }

  private static String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String name = cause.getClass().getSimpleName();
    return cause.getMessage() == null ? name : name + ": " + cause.getMessage();
  }

  private static long remaining(long deadlineNanos) {
    return Math.max(0, deadlineNanos - System.nanoTime());
  }

  private ThreadFactory daemonThreads(String role) {
    String prefix = "meridian-transport-" + self + "-" + role + "-";
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
