package dev.meridian.runtime;

import java.util.concurrent.Executor;

/**
 * An event loop as protocol code sees it: a monotonic clock, tasks to run later, and timers.
 *
 * <p>All tasks given to one scheduler run one at a time, in submission order for {@link #execute} and
 * in deadline order (ties in submission order) for {@link #schedule}. State owned by a loop is touched
 * only from its tasks, so protocol objects need no locks. A task must never block: work that waits
 * (disk syncs, large scans) runs elsewhere and posts its completion back with {@link #execute}.
 *
 * <p>The real implementation ({@link dev.meridian.runtime.real.EventLoop}) runs on its own thread and
 * reads the system clock; {@link dev.meridian.runtime.manual.ManualScheduler} runs on virtual time
 * for tests and the simulator.
 */
public interface Scheduler extends Executor {

  /** Monotonic time in nanoseconds. Only differences between two readings are meaningful. */
  long nowNanos();

  /** Runs {@code task} on this loop after at least {@code delayNanos}; returns a handle to cancel it. */
  Cancellable schedule(long delayNanos, Runnable task);

  /** Runs {@code task} on this loop as soon as possible, after the tasks already queued. */
  @Override
  void execute(Runnable task);

  /** Whether the calling code is running as a task of this loop. */
  boolean inLoop();
}
