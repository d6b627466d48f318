package dev.meridian.sim.clock;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Scheduler;
import dev.meridian.runtime.manual.ManualScheduler;

/**
 * The event loop of one process on a simulated node: a {@link Scheduler} whose tasks run on the
 * simulation's one virtual-time queue. Delays are measured on the node's own clock, so timers fire
 * at its drifting rate ({@link SimClock#trueNanosFor}), and {@link #nowNanos} reads that clock.
 *
 * <p>One instance lives as long as one incarnation of the process: {@link #kill} (the process
 * crashed) drops every task it has queued, including those not yet due, and every task submitted
 * after, so nothing of a dead process ever runs again. A restarted process gets a new instance.
 */
public final class SimNodeScheduler implements Scheduler {

  private final ManualScheduler queue;
  private final SimClock clock;
  private boolean alive = true;

  public SimNodeScheduler(ManualScheduler queue, SimClock clock) {
    this.queue = queue;
    this.clock = clock;
  }

  /** The process died: none of its tasks runs from now on. */
  public void kill() {
    alive = false;
  }

  public boolean alive() {
    return alive;
  }

  @Override
  public long nowNanos() {
    return clock.monotonicNanos();
  }

  @Override
  public Cancellable schedule(long delayNanos, Runnable task) {
    long trueDelayNanos = delayNanos <= 0 ? 0 : clock.trueNanosFor(delayNanos);
    return queue.schedule(trueDelayNanos, () -> {
      if (alive) {
        task.run();
      }
    });
  }

  @Override
  public void execute(Runnable task) {
    schedule(0, task);
  }

  /** The simulation is single-threaded: whatever runs, runs on every node's loop. */
  @Override
  public boolean inLoop() {
    return true;
  }
}
