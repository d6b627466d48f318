package dev.meridian.storage.rocks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import dev.meridian.storage.mvcc.StorageBusyException;

/**
 * Group commit: a bounded queue of operations and one thread that drains up to {@code maxGroup} of
 * them at a time, hands them to a {@link GroupWriter} as one group (one synced write), and then
 * completes their futures. Every operation submitted before {@link #stop} is written or failed before
 * {@code stop} returns.
 *
 * <p>Invariants: operations are written in submission order; a future completes only after the write
 * that holds its operation has returned; after the first failed write every later group fails too
 * (a failed fsync leaves the log in an unknown state, so carrying on could acknowledge writes that are
 * not durable; the node must restart and recover from the WAL).
 */
final class GroupCommitter<O> {

  /** Writes one group atomically and durably, or throws. Runs on the committer's thread. */
  @FunctionalInterface
  interface GroupWriter<O> {
    void write(List<O> group) throws Exception;
  }

  private record Pending<O>(O operation, CompletableFuture<Void> future) {}

  private final int maxGroup;
  private final int maxPending;
  private final GroupWriter<O> writer;
  private final BiFunction<String, Throwable, RuntimeException> failure;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Pending<O>> queue = new ArrayDeque<>();
  private final Thread thread;
  private final AtomicLong groupsWritten = new AtomicLong();
  private final AtomicLong operationsWritten = new AtomicLong();
  private final AtomicLong largestGroup = new AtomicLong();
  private boolean stopping;
  /** The first write failure; sticky. Touched only by the committer thread. */
  private Throwable firstFailure;

  /**
   * @param failure makes the exception that failed futures carry, from a description of what failed
   *     and its cause; the engine names its directory in it
   */
  GroupCommitter(
      int maxGroup,
      int maxPending,
      GroupWriter<O> writer,
      BiFunction<String, Throwable, RuntimeException> failure,
      ThreadFactory threadFactory) {
    if (maxGroup < 1 || maxPending < 1) {
      throw new IllegalArgumentException("maxGroup and maxPending must be at least 1");
    }
    this.maxGroup = maxGroup;
    this.maxPending = maxPending;
    this.writer = writer;
    this.failure = failure;
    this.thread = threadFactory.newThread(this::run);
    thread.start();
  }

  /**
   * Queues {@code operation}; the future completes once it is durable. Never blocks: callers are
   * event loops. When the queue is full the disk is the bottleneck, and the call is refused before
   * anything is queued, so the caller can shed or retry the work (a failed future would instead look
   * like a broken disk).
   *
   * @throws StorageBusyException if {@code maxPending} operations are already queued
   * @throws IllegalStateException if the committer is stopping
   */
  CompletableFuture<Void> submit(O operation) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    lock.lock();
    try {
      if (stopping) {
        throw new IllegalStateException("engine is closed");
      }
      if (queue.size() >= maxPending) {
        throw new StorageBusyException(
            "the write queue is full ("
                + maxPending
                + " operations waiting for the disk); nothing was written, retry later");
      }
      queue.addLast(new Pending<>(operation, future));
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    return future;
  }

  /** Operations queued and not yet taken into a group: the queue depth metric. */
  int pending() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  long groupsWritten() {
    return groupsWritten.get();
  }

  long operationsWritten() {
    return operationsWritten.get();
  }

  long largestGroup() {
    return largestGroup.get();
  }

  boolean isCommitterThread() {
    return Thread.currentThread() == thread;
  }

  /** Writes what is queued, then stops the thread and waits for it. Not callable from that thread. */
  void stop() {
    if (isCommitterThread()) {
      throw new IllegalStateException(
          "cannot close the engine from its sync thread (a future callback): hop to another thread first");
    }
    lock.lock();
    try {
      stopping = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Pending<O>> group = new ArrayList<>(Math.min(maxGroup, 1024));
    while (true) {
      lock.lock();
      try {
        while (queue.isEmpty() && !stopping) {
          notEmpty.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return;
        }
        while (group.size() < maxGroup && !queue.isEmpty()) {
          group.add(queue.pollFirst());
        }
      } finally {
        lock.unlock();
      }
      writeGroup(group);
      group.clear();
    }
  }

  private void writeGroup(List<Pending<O>> group) {
    if (firstFailure != null) {
      failAll(group, failure.apply("an earlier synced write failed; restart the node", firstFailure));
      return;
    }
    List<O> operations = new ArrayList<>(group.size());
    for (Pending<O> pending : group) {
      operations.add(pending.operation());
    }
    try {
      writer.write(operations);
    } catch (Throwable t) {
      // Errors too: the futures must not hang, and the sticky failure stops all later writes.
      firstFailure = t;
      failAll(group, failure.apply("synced write of " + group.size() + " operations failed", t));
      return;
    }
    groupsWritten.incrementAndGet();
    operationsWritten.addAndGet(group.size());
    largestGroup.accumulateAndGet(group.size(), Math::max);
    for (Pending<O> pending : group) {
      pending.future().complete(null);
    }
  }

  private static <O> void failAll(List<Pending<O>> group, RuntimeException cause) {
    for (Pending<O> pending : group) {
      pending.future().completeExceptionally(cause);
    }
  }
}
