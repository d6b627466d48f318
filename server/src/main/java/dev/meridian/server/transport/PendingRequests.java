package dev.meridian.server.transport;

import dev.meridian.runtime.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests this node sent that await a response, by request id. Invariant: an entry exists exactly
 * while its future is incomplete — a response, an error, the timeout, the caller's cancel or {@link
 * #failAll} completes the future, and completing it removes the entry and its timer. So the map is
 * bounded by {@code max} and by the request timeouts, and a late response finds nothing and is
 * counted.
 */
final class PendingRequests {

  private record Pending(NodeId peer, CompletableFuture<byte[]> future) {}

  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong lastId = new AtomicLong();
  private final AtomicInteger size = new AtomicInteger();
  private final LongAdder late = new LongAdder();
  private final int max;
  private final ScheduledExecutorService timers;

  PendingRequests(int max, ScheduledExecutorService timers) {
    this.max = max;
    this.timers = timers;
  }

  /**
   * Registers {@code future} as awaiting a response from {@code peer} and arms its timeout. Returns
   * the new request id, or -1 (and leaves the future alone) when {@code max} requests are pending.
   *
   * @throws RejectedExecutionException if the timer executor has shut down (nothing is registered)
   */
  long open(NodeId peer, CompletableFuture<byte[]> future, Duration timeout) {
    if (size.incrementAndGet() > max) {
      size.decrementAndGet();
      return -1;
    }
    long id = lastId.incrementAndGet();
    pending.put(id, new Pending(peer, future));
    ScheduledFuture<?> timer;
    try {
      timer = timers.schedule(
          () -> future.completeExceptionally(new TimeoutException(
              "no response from " + peer + " to request " + id + " within " + timeout)),
          timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      pending.remove(id);
      size.decrementAndGet();
      throw e;
    }
    future.whenComplete((body, error) -> {
      if (pending.remove(id) != null) {
        size.decrementAndGet();
      }
      timer.cancel(false);
    });
    return id;
  }

  void succeed(NodeId from, long id, byte[] body) {
    Pending p = matching(from, id);
    if (p != null) {
      p.future.complete(body);
    }
  }

  void fail(NodeId from, long id, String text) {
    Pending p = matching(from, id);
    if (p != null) {
      p.future.completeExceptionally(new RemoteRequestException(from, text));
    }
  }

  void failAll(RuntimeException cause) {
    for (Pending p : new ArrayList<>(pending.values())) {
      p.future.completeExceptionally(cause);
    }
  }

  int size() {
    return size.get();
  }

  long lateResponses() {
    return late.sum();
  }

  /** The pending request {@code id} if {@code from} is the peer it went to; else counts it late. */
  private Pending matching(NodeId from, long id) {
    Pending p = pending.get(id);
    if (p == null || !p.peer.equals(from)) {
      late.increment();
      return null;
    }
    return p;
  }
}
