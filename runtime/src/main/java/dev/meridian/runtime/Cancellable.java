package dev.meridian.runtime;

/** A handle on a scheduled task. */
@FunctionalInterface
public interface Cancellable {

  /**
   * Stops the task from running if it has not started yet.
   *
   * @return true if this call prevented the task from running
   */
  boolean cancel();
}
