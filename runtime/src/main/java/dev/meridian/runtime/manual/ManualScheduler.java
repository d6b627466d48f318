package dev.meridian.runtime.manual;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Scheduler;
import java.util.PriorityQueue;

/**
 * A deterministic {@link Scheduler} on virtual time, for tests and the simulator. Nothing runs until
 * the driver calls {@link #runUntilIdle()}, {@link #advanceNanos(long)} or {@link #runNext()}; tasks
 * run in deadline order, ties in submission order, so one sequence of calls always gives one trace.
 *
 * <p>Not thread-safe: one thread drives it and submits to it.
 */
public final class ManualScheduler implements Scheduler {

  private record Task(long deadlineNanos, long sequence, Runnable body, boolean[] cancelled)
      implements Comparable<Task> {
    @Override
    public int compareTo(Task other) {
      int byDeadline = Long.compare(deadlineNanos, other.deadlineNanos);
      return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
  }

  private final ManualClock clock;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nextSequence;

  public ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  public ManualClock clock() {
    return clock;
  }

  @Override
  public long nowNanos() {
    return clock.monotonicNanos();
  }

  @Override
  public Cancellable schedule(long delayNanos, Runnable task) {
    boolean[] cancelled = new boolean[1];
    Task entry = new Task(nowNanos() + Math.max(0, delayNanos), nextSequence++, task, cancelled);
    queue.add(entry);
    return () -> {
      if (cancelled[0] || !queue.remove(entry)) {
        return false;
      }
      cancelled[0] = true;
      return true;
    };
  }

  @Override
  public void execute(Runnable task) {
    schedule(0, task);
  }

  @Override
  public boolean inLoop() {
    return true;
  }

  /** Number of tasks waiting, due or not. */
  public int pendingTasks() {
    return queue.size();
  }

  /** Deadline of the next task, or {@link Long#MAX_VALUE} if there is none. */
  public long nextDeadlineNanos() {
    Task head = queue.peek();
    return head == null ? Long.MAX_VALUE : head.deadlineNanos;
  }

  /**
   * Runs the next task, first moving the clock forward to its deadline if it is in the future.
   *
   * @return false if there was no task
   */
  public boolean runNext() {
    Task task = queue.poll();
    if (task == null) {
      return false;
    }
    long now = nowNanos();
    if (task.deadlineNanos > now) {
      clock.advanceNanos(task.deadlineNanos - now);
    }
    task.body.run();
    return true;
  }

  /** Runs every task that is due now, including those they submit for now; time does not move. */
  public void runDue() {
    while (!queue.isEmpty() && queue.peek().deadlineNanos <= nowNanos()) {
      runNext();
    }
  }

  /** Runs tasks in order, moving time forward as needed, until none is left. */
  public void runUntilIdle() {
    while (runNext()) {
      // Each task may schedule more; the loop ends when the queue is empty.
    }
  }

  /** Moves time forward by {@code nanos}, running every task whose deadline falls inside. */
  public void advanceNanos(long nanos) {
    long target = nowNanos() + nanos;
    while (!queue.isEmpty() && queue.peek().deadlineNanos <= target) {
      runNext();
    }
    long now = nowNanos();
    if (target > now) {
      clock.advanceNanos(target - now);
    }
  }
}
