package dev.meridian.server.transport;

import dev.meridian.runtime.rpc.Envelope;
import dev.meridian.server.transport.proto.Frame;
import dev.meridian.server.transport.proto.Hello;
import io.grpc.Status;
import io.grpc.stub.CallStreamObserver;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One gRPC call between two nodes, seen from either end: the dialer's client call or the acceptor's
 * server call. It starts unestablished; its first inbound frame must be a hello, which the {@link
 * Handshake} judges. Once established it belongs to a {@link PeerLink} and carries envelopes both ways.
 *
 * <p>Invariants: writes to gRPC (frames, flow-control requests, the close) are serialized on this
 * object, because gRPC's observers are not thread-safe; lock order is stream, then link. Inbound
 * frames are delivered one at a time, in arrival order, on the inbound executor, and the next frame is
 * requested from gRPC only after one is delivered, so at most {@link #INBOUND_FRAMES} frames wait here:
 * a slow handler pushes back on the sender through HTTP/2 flow control instead of growing a queue.
 */
final class PeerStream implements ClientResponseObserver<Frame, Frame> {

  private static final Logger LOG = Logger.getLogger(PeerStream.class.getName());

  /** Frames requested from gRPC ahead of delivery once the stream is established. */
  static final int INBOUND_FRAMES = 4;

  /** Decides what a hello means: refuse the stream, or establish it on a link. */
  interface Handshake {
    void onHello(PeerStream stream, Hello hello);
  }

  /** Receives the envelopes of established streams, on the inbound executor. */
  interface Inbound {
    void deliver(PeerLink from, Frame frame) throws Envelope.MalformedException;
  }

  /** Told once when the stream closes, for whatever reason. */
  interface Closed {
    void onClosed(PeerStream stream);
  }

  private final String description;
  private final Handshake handshake;
  private final Inbound inbound;
  private final Executor inboundExecutor;
  private final Closed closed;
  private final Runnable onMalformed;
  private final Queue<Frame> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();

  private CallStreamObserver<Frame> out;
  private ClientCallStreamObserver<Frame> clientOut;
  private volatile PeerLink link;
  private boolean isClosed;

  PeerStream(String description, Handshake handshake, Inbound inbound, Executor inboundExecutor,
      Closed closed, Runnable onMalformed) {
    this.description = description;
    this.handshake = handshake;
    this.inbound = inbound;
    this.inboundExecutor = inboundExecutor;
    this.closed = closed;
    this.onMalformed = onMalformed;
  }

  /** The acceptor's end: call from the service method, before it returns. */
  void bindServer(ServerCallStreamObserver<Frame> call) {
    call.disableAutoRequest();
    call.setOnReadyHandler(this::onReady);
    out = call;
    call.request(1);
  }

  /** The dialer's end: gRPC calls this before the call starts. */
  @Override
  public void beforeStart(ClientCallStreamObserver<Frame> call) {
    call.disableAutoRequestWithInitial(1);
    call.setOnReadyHandler(this::onReady);
    out = call;
    clientOut = call;
  }

  PeerLink link() {
    return link;
  }

  boolean isEstablished() {
    return link != null;
  }

  boolean isReady() {
    return out.isReady();
  }

  /** Called once the hellos agree: from now on frames carry envelopes, for {@code owner}. */
  void bindLink(PeerLink owner) {
    link = owner;
  }

  /** Lets envelopes in, once the stream is its link's. */
  void requestInbound() {
    request(INBOUND_FRAMES);
  }

  synchronized boolean isClosed() {
    return isClosed;
  }

  /** Writes a frame; false if the stream is closed (or closes while writing). */
  synchronized boolean write(Frame frame) {
    if (isClosed) {
      return false;
    }
    try {
      out.onNext(frame);
      return true;
    } catch (RuntimeException e) {
      // The call ended under us (cancelled by the peer or the network); gRPC reports it as well.
      LOG.log(Level.FINE, "write on " + description + " failed", e);
      return false;
    }
  }

  private synchronized void request(int frames) {
    if (!isClosed) {
      out.request(frames);
    }
  }

  /** Ends the call, telling the peer {@code status} where gRPC can. Idempotent. */
  void close(Status status) {
    synchronized (this) {
      if (isClosed) {
        return;
      }
      isClosed = true;
      if (out != null) {
        try {
          if (clientOut != null) {
            clientOut.cancel(status.getDescription(), status.getCause());
          } else {
            out.onError(status.asRuntimeException());
          }
        } catch (RuntimeException e) {
          LOG.log(Level.FINE, "closing " + description + " failed", e);
        }
      }
    }
    inbox.clear();
    closed.onClosed(this);
  }

  @Override
  public void onNext(Frame frame) {
    if (!isEstablished()) {
      if (!frame.hasHello() || frame.getEnvelopesCount() > 0) {
        malformed("first frame is not a hello");
        return;
      }
      handshake.onHello(this, frame.getHello());
      return;
    }
    if (frame.hasHello()) {
      malformed("hello on an established stream");
      return;
    }
    inbox.add(frame);
    scheduleDelivery();
  }

  @Override
  public void onError(Throwable error) {
    Status status = Status.fromThrowable(error);
    LOG.log(Level.FINE, () -> description + " ended: " + status);
    close(status);
  }

  @Override
  public void onCompleted() {
    close(Status.UNAVAILABLE.withDescription("peer completed the stream"));
  }

  private void onReady() {
    PeerLink owner = link;
    if (owner != null) {
      owner.scheduleDrain();
    }
  }

  private void scheduleDelivery() {
    if (delivering.compareAndSet(false, true)) {
      try {
        inboundExecutor.execute(this::deliverPending);
      } catch (RejectedExecutionException e) {
        delivering.set(false);
        close(Status.UNAVAILABLE.withDescription("inbound executor refused work"));
      }
    }
  }

  private void deliverPending() {
    while (true) {
      Frame frame;
      while ((frame = inbox.poll()) != null) {
        try {
          inbound.deliver(link, frame);
        } catch (Envelope.MalformedException e) {
          malformed(e.getMessage());
          delivering.set(false);
          return;
        }
        request(1);
      }
      delivering.set(false);
      // A frame may have arrived after the poll came back empty and before the flag was cleared.
      if (inbox.isEmpty() || !delivering.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void malformed(String why) {
    LOG.warning(() -> "closing " + description + ": peer sent a malformed frame: " + why);
    onMalformed.run();
    close(Status.INVALID_ARGUMENT.withDescription("malformed frame: " + why));
  }

  @Override
  public String toString() {
    return description;
  }
}
