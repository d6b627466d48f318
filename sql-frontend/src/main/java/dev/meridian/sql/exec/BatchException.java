package dev.meridian.sql.exec;

/**
 * A batch ({@link Session#executeBatch}) stopped: statement {@link #failedIndex} failed (or, with
 * {@link #failedIndex} equal to the batch's size, the commit of an autocommit batch did), for the
 * reason and SQLSTATE of {@link #failure}. No statement after it ran. {@link #tookEffect} says
 * whether the statements before it did: in an explicit transaction they are in it; in autocommit
 * the whole batch was one transaction, so none did.
 */
public final class BatchException extends RuntimeException {

  private final int failedIndex;
  private final int size;
  private final boolean tookEffect;
  private final SqlExecutionException failure;

  BatchException(int failedIndex, int size, boolean tookEffect, SqlExecutionException failure) {
    super(message(failedIndex, size, tookEffect, failure), failure);
    this.failedIndex = failedIndex;
    this.size = size;
    this.tookEffect = tookEffect;
    this.failure = failure;
  }

  private static String message(int failedIndex, int size, boolean tookEffect, SqlExecutionException failure) {
    if (failedIndex >= size) {
      return "the commit of the batch of " + size + " statements failed: " + failure.getMessage()
          + "; none of them took effect";
    }
    String where = "statement " + (failedIndex + 1) + " of the batch of " + size + " failed: " + failure.getMessage();
    if (tookEffect) {
      return where + "; the " + failedIndex + " before it took effect in the open transaction, it and those "
          + "after it did not";
    }
    return where + "; none of the batch took effect (in autocommit a batch is one transaction)";
  }

  /** 0-based index of the statement that failed; the batch's size when its commit failed. */
  public int failedIndex() {
    return failedIndex;
  }

  public int size() {
    return size;
  }

  public boolean tookEffect() {
    return tookEffect;
  }

  public SqlExecutionException failure() {
    return failure;
  }

  public String sqlState() {
    return failure.sqlState();
  }
}
