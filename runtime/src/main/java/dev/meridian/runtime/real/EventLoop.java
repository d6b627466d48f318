package dev.meridian.runtime.real;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Scheduler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Scheduler} on one dedicated thread reading {@link System#nanoTime()}.
 *
 * <p>A task that throws is a bug in the protocol code it belongs to: the failure goes to the
 * handler given at construction (by default: printed, and the loop keeps running so that the node can
 * report it), and is kept so tests can fail on it.
 */
public final class EventLoop implements Scheduler, AutoCloseable {

  private final ScheduledThreadPoolExecutor executor;
  private final Consumer<Throwable> failureHandler;
  private volatile Thread loopThread;
  private volatile Throwable firstFailure;

  public EventLoop(String name) {
    this(name, failure -> failure.printStackTrace());
  }

  public EventLoop(String name, Consumer<Throwable> failureHandler) {
    this.failureHandler = failureHandler;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, name);
              thread.setDaemon(true);
              loopThread = thread;
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.prestartCoreThread();
  }

  @Override
  public long nowNanos() {
    return System.nanoTime();
  }

  @Override
  public Cancellable schedule(long delayNanos, Runnable task) {
    ScheduledFuture<?> future =
        executor.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void execute(Runnable task) {
    executor.execute(guarded(task));
  }

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == loopThread;
  }

  /** The first task failure seen by this loop, or null. */
  public Throwable firstFailure() {
    return firstFailure;
  }

  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable failure) {
        if (firstFailure == null) {
          firstFailure = failure;
        }
        failureHandler.accept(failure);
      }
    };
  }

  /** Stops the loop; queued tasks are dropped. Waits up to five seconds for a running task. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
