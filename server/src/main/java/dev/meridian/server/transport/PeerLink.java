package dev.meridian.server.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.meridian.runtime.NodeId;
import dev.meridian.server.transport.proto.Frame;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Everything this node keeps for one peer: the bounded outbound queue and the established stream, if
 * any. The queue outlives streams: what is queued while no stream is up goes out on the next one.
 *
 * <p>Backpressure: the queue holds at most {@code maxQueuedMessages} envelopes and {@code
 * maxQueuedBytes} bytes; an envelope that does not fit is dropped and counted ({@link #enqueue}
 * returns false). Frames are written to gRPC only while the stream reports {@code isReady}, so gRPC
 * buffers at most one frame beyond its own small threshold; everything else waits here, bounded.
 *
 * <p>Invariants: at most one drain runs at a time (guarded by {@code drainScheduled}), so frames
 * leave in queue order; queue and stream fields are guarded by this object.
 */
final class PeerLink {

  /** A drain writes at most this many frames before yielding its thread to other peers. */
  private static final int FRAMES_PER_DRAIN = 16;

  /** Per-envelope overhead a frame adds (protobuf tag and length), counted against batch size. */
  private static final int ENVELOPE_OVERHEAD_BYTES = 6;

  final NodeId peer;
  private final NodeTransport transport;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private long queuedBytes;
  private PeerStream stream;
  private boolean everConnected;
  private boolean closed;
  private InetSocketAddress address;
  /** Present when this node dials the peer (its id is the smaller). */
  private final Dialer dialer;

  PeerLink(NodeTransport transport, NodeId peer, InetSocketAddress address, boolean dials) {
    this.transport = transport;
    this.peer = peer;
    this.address = address;
    this.dialer = dials ? new Dialer(transport, this) : null;
  }

  void start() {
    if (dialer != null) {
      dialer.dialNow();
    }
  }

  synchronized InetSocketAddress address() {
    return address;
  }

  /** Points the link at a new address; a dialer drops its stream and dials the new one. */
  void moveTo(InetSocketAddress newAddress) {
    PeerStream old;
    synchronized (this) {
      if (newAddress.equals(address)) {
        return;
      }
      address = newAddress;
      old = stream;
    }
    if (dialer != null) {
      if (old != null) {
        old.close(Status.UNAVAILABLE.withDescription(peer + " moved to " + newAddress));
      }
      dialer.dialNow();
    }
  }

  /** Queues an envelope; false (and counted as dropped) when the queue is full or the link closed. */
  boolean enqueue(byte[] envelope) {
    synchronized (this) {
      TransportOptions options = transport.options();
      if (closed || queue.size() >= options.maxQueuedMessages()
          || queuedBytes + envelope.length > options.maxQueuedBytes()) {
        transport.counters().dropped.increment();
        return false;
      }
      queue.add(envelope);
      queuedBytes += envelope.length;
      if (stream == null) {
        return true;
      }
    }
    scheduleDrain();
    return true;
  }

  synchronized boolean writable() {
    TransportOptions options = transport.options();
    return !closed && queue.size() < options.maxQueuedMessages()
        && queuedBytes < options.maxQueuedBytes();
  }

  synchronized int queuedMessages() {
    return queue.size();
  }

  synchronized long queuedBytes() {
    return queuedBytes;
  }

  synchronized boolean connected() {
    return stream != null;
  }

  /**
   * Makes {@code established} the link's stream (its handshake has completed); a previous stream is
   * closed — the peer has evidently given up on it. Returns false if the link is closed.
   */
  boolean attach(PeerStream established) {
    // The stream must know its link before anyone can see it on the link, so that its close
    // callback can detach it.
    established.bindLink(this);
    PeerStream old;
    synchronized (this) {
      if (closed) {
        return false;
      }
      old = stream;
      stream = established;
      if (everConnected) {
        transport.counters().reconnects.increment();
      }
      everConnected = true;
    }
    if (old != null) {
      old.close(Status.UNAVAILABLE.withDescription("replaced by a newer stream from " + peer));
    }
    if (established.isClosed()) {
      // It closed before we published it, so its close callback found nothing to detach.
      detach(established);
      return true;
    }
    established.requestInbound();
    scheduleDrain();
    return true;
  }

  /** Called when a stream closes; forgets it if it is the link's stream. */
  synchronized void detach(PeerStream ended) {
    if (stream == ended) {
      stream = null;
    }
  }

  void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      transport.io().execute(this::drain);
    }
  }

  private void drain() {
    for (int frames = 0; frames < FRAMES_PER_DRAIN; ) {
      if (writeOneFrame()) {
        frames++;
        continue;
      }
      drainScheduled.set(false);
      // Work that arrived between the failed attempt and clearing the flag scheduled no drain.
      if (!hasWork() || !drainScheduled.compareAndSet(false, true)) {
        return;
      }
    }
    transport.io().execute(this::drain);
  }

  private synchronized boolean hasWork() {
    return stream != null && !queue.isEmpty() && stream.isReady();
  }

  private boolean writeOneFrame() {
    PeerStream target;
    List<ByteString> batch = new ArrayList<>();
    synchronized (this) {
      if (stream == null || queue.isEmpty() || !stream.isReady()) {
        return false;
      }
      target = stream;
      int maxBatchBytes = transport.options().maxBatchBytes();
      int batchBytes = 0;
      while (!queue.isEmpty()) {
        byte[] next = queue.peek();
        int cost = next.length + ENVELOPE_OVERHEAD_BYTES;
        if (!batch.isEmpty() && batchBytes + cost > maxBatchBytes) {
          break;
        }
        queue.poll();
        queuedBytes -= next.length;
        batchBytes += cost;
        batch.add(UnsafeByteOperations.unsafeWrap(next));
      }
    }
    Frame frame = Frame.newBuilder().addAllEnvelopes(batch).build();
    if (target.write(frame)) {
      transport.counters().sent.add(batch.size());
    } else {
      transport.counters().dropped.add(batch.size());
    }
    return true;
  }

  /** Drops the queue and the stream and stops dialing; the link is not used again. */
  void close() {
    PeerStream old;
    synchronized (this) {
      closed = true;
      queue.clear();
      queuedBytes = 0;
      old = stream;
      stream = null;
    }
    if (dialer != null) {
      dialer.close();
    }
    if (old != null) {
      old.close(Status.UNAVAILABLE.withDescription("peer link closed"));
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  Dialer dialer() {
    return dialer;
  }
}
