package dev.meridian.txn;

import dev.meridian.runtime.Cancellable;
import dev.meridian.runtime.Scheduler;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.GcResult;
import dev.meridian.storage.mvcc.MvccEngine;
import dev.meridian.truetime.ClockUnavailableException;
import dev.meridian.truetime.TrueTime;
import java.util.concurrent.Executor;

/**
 * Removes versions older than the GC TTL in the background (DESIGN.md §3). Every interval it raises
 * the engine's GC horizon to {@code TT.now().earliest - ttl}; the collection itself scans the engine,
 * so it runs on {@code blockingWork}, never on the loop, and at most one pass runs at a time.
 *
 * <p>Transactions whose timestamp falls below the horizon fail with {@link TxnTooOldException}: the
 * TTL bounds how stale a read and how long a read-write transaction may be.
 */
public final class GcDaemon {

  /** Defaults: versions stay readable for an hour; a pass every minute. */
  public static final long DEFAULT_TTL_MICROS = 3_600_000_000L;

  public static final long DEFAULT_INTERVAL_MICROS = 60_000_000L;

  private final MvccEngine engine;
  private final TrueTime trueTime;
  private final Scheduler loop;
  private final Executor blockingWork;
  private final long ttlMicros;
  private final long intervalMicros;

  private Cancellable nextPass;
  private boolean passRunning;
  private boolean stopped;
  private GcResult lastResult;
  private long versionsRemovedTotal;
  private Throwable lastFailure;

  public GcDaemon(
      MvccEngine engine,
      TrueTime trueTime,
      Scheduler loop,
      Executor blockingWork,
      long ttlMicros,
      long intervalMicros) {
    if (ttlMicros <= 0 || intervalMicros <= 0) {
      throw new IllegalArgumentException("GC TTL and interval must be positive");
    }
    this.engine = engine;
    this.trueTime = trueTime;
    this.loop = loop;
    this.blockingWork = blockingWork;
    this.ttlMicros = ttlMicros;
    this.intervalMicros = intervalMicros;
  }

  /** Schedules the first pass one interval from now. Call on the loop. */
  public void start() {
    scheduleNext();
  }

  /** Stops scheduling passes; a pass already running finishes. Call on the loop. */
  public void stop() {
    stopped = true;
    if (nextPass != null) {
      nextPass.cancel();
    }
  }

  private void scheduleNext() {
    if (!stopped) {
      nextPass = loop.schedule(intervalMicros * 1_000, this::runPass);
    }
  }

  /** Starts one pass now unless one is running. Call on the loop. */
  public void runPass() {
    if (passRunning || stopped) {
      return;
    }
    long earliestMicros;
    try {
      earliestMicros = trueTime.now().earliestMicros();
    } catch (ClockUnavailableException e) {
      // Without a trustworthy clock we cannot tell what is an hour old: skip this pass.
      scheduleNext();
      return;
    }
    Timestamp horizon = Timestamp.ofMicros(Math.max(0, earliestMicros - ttlMicros));
    passRunning = true;
    blockingWork.execute(
        () -> {
          GcResult result = null;
          Throwable failure = null;
          try {
            result = engine.collectGarbage(horizon);
          } catch (RuntimeException e) {
            failure = e;
          }
          GcResult finalResult = result;
          Throwable finalFailure = failure;
          loop.execute(
              () -> {
                passRunning = false;
                if (finalFailure != null) {
                  lastFailure = finalFailure;
                } else {
                  lastResult = finalResult;
                  versionsRemovedTotal += finalResult.versionsRemoved();
                }
                scheduleNext();
              });
        });
  }

  /** The last completed pass, or null. Call on the loop. */
  public GcResult lastResult() {
    return lastResult;
  }

  /** Versions removed by every pass so far. Call on the loop. */
  public long versionsRemovedTotal() {
    return versionsRemovedTotal;
  }

  /** The last pass failure, or null. Call on the loop. */
  public Throwable lastFailure() {
    return lastFailure;
  }
}
