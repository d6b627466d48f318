package dev.meridian.server;

import dev.meridian.sql.ddl.DataCleanup;
import dev.meridian.sql.exec.SqlExecutionException;
import dev.meridian.sql.exec.StatementGuard;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's thread that deletes dropped tables' and indexes' data ({@link DataCleanup}): a pass
 * at start (cleanups a crash or restart interrupted), a pass whenever a DROP commits on this node,
 * and one every {@link #PERIOD_SECONDS} otherwise (cleanups another node left, passes that failed).
 * Invariant: at most one pass runs at a time on a node; stopping lets the chunk in flight finish
 * or fail, and a chunk's transaction leaves the cleanup's record consistent either way.
 */
final class CleanupDaemon implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CleanupDaemon.class.getName());

  /** How often an idle node looks for cleanups it was not told of. */
  static final long PERIOD_SECONDS = 10;

  private static final long STOP_WAIT_MILLIS = 5_000;

  private final DataCleanup cleanup;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean stopped;

  CleanupDaemon(DataCleanup cleanup) {
    this.cleanup = cleanup;
    this.thread = new Thread(this::loop, "drop-cleanup");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Asks for a pass now (a DROP just committed). */
  void wake() {
    wake.release();
  }

  private final StatementGuard guard = new StatementGuard() {
    @Override
    public long remainingNanos() {
      return Long.MAX_VALUE;
    }

    @Override
    public void check() {
      if (stopped) {
        throw new SqlExecutionException("57014", "the node is stopping; the cleanup resumes when it restarts");
      }
    }
  };

  private void loop() {
    while (!stopped) {
      try {
        int finished = cleanup.runPending(guard);
        if (finished > 0) {
          LOG.info("deleted the data of " + finished + " dropped table(s) or index(es)");
        }
      } catch (RuntimeException e) {
        if (!stopped) {
          LOG.log(Level.WARNING, "deleting dropped data failed; the next pass resumes it", e);
        }
      }
      try {
        wake.tryAcquire(PERIOD_SECONDS, TimeUnit.SECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    wake.release();
    try {
      thread.join(STOP_WAIT_MILLIS);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(STOP_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
