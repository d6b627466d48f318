package dev.meridian.txn.leaseholder;

/**
 * The core's name for one {@link StorageTask}; the driver hands it back with the task's result.
 * Allocated by the core in increasing order, never reused by one core.
 */
public record TaskId(long value) {

  @Override
  public String toString() {
    return "task" + value;
  }
}
