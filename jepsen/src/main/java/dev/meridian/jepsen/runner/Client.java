package dev.meridian.jepsen.runner;

import dev.meridian.runtime.RandomSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * One logical client: a thread that invokes operations of a workload against one node, at its
 * share of the run's rate, and logs each invocation and completion.
 *
 * <p>Jepsen's process rule: a process whose operation ended {@code :info} may still have that
 * operation in flight, so it never invokes again; the client carries on as a new process (its
 * number plus the concurrency), as Jepsen's workers do.
 */
final class Client implements Runnable {

  /** Bounds on one request, so a paused or dead node turns into a failure rather than a hang. */
  static final String CONNECTION_PROPERTIES = "?connectTimeoutMs=2000&loginTimeoutMs=5000&responseTimeoutMs=10000";

  private final Workload workload;
  private final HistoryLog history;
  private final String jdbcUrl;
  private final RandomSource random;
  private final long meanPauseNanos;
  private final long stopAtNanos;
  private final int concurrency;
  private long process;
  private Connection connection;
  private Workload.Session session;

  Client(Workload workload, HistoryLog history, String jdbcUrl, RandomSource random, int process,
      int concurrency, double ratePerSecond, long stopAtNanos) {
    this.workload = workload;
    this.history = history;
    this.jdbcUrl = jdbcUrl;
    this.random = random;
    this.process = process;
    this.concurrency = concurrency;
    this.meanPauseNanos = (long) (TimeUnit.SECONDS.toNanos(1) * concurrency / ratePerSecond);
    this.stopAtNanos = stopAtNanos;
  }

  @Override
  public void run() {
    try {
      while (System.nanoTime() < stopAtNanos) {
        // Exponential gaps: the clients together invoke about `rate` transactions a second.
        long pauseNanos = (long) (-Math.log(1 - random.nextDouble()) * meanPauseNanos);
        TimeUnit.NANOSECONDS.sleep(Math.min(pauseNanos, Math.max(0, stopAtNanos - System.nanoTime())));
        if (System.nanoTime() >= stopAtNanos) {
          break;
        }
        runOne(workload.next(random));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeConnection();
    }
  }

  /** Invokes one operation, logs how it ended, and returns that ({@link Outcomes}). */
  String runOne(Workload.Operation invocation) {
    long invoked = history.invoke(process, invocation);
    boolean committing = false;
    try {
      Workload.Session s = session();
      // An autocommitted write may take effect as soon as its statement is sent.
      committing = workload.autocommit();
      Object completed = s.perform(invocation);
      committing = true;
      if (!workload.autocommit()) {
        connection.commit();
      }
      history.complete(process, Outcomes.OK, invocation.withValue(completed), invoked, null);
      return Outcomes.OK;
    } catch (Workload.Declined e) {
      history.complete(process, Outcomes.FAIL, invocation, invoked, e.getMessage());
      rollbackQuietly(null);
      return Outcomes.FAIL;
    } catch (SQLException e) {
      String type = workload.classify(invocation, e, committing);
      history.complete(process, type, invocation, invoked, e.getSQLState() + " " + firstLine(e.getMessage()));
      rollbackQuietly(e);
      if (type.equals(Outcomes.INFO)) {
        process += concurrency;
      }
      return type;
    }
  }

  private Workload.Session session() throws SQLException {
    if (connection == null) {
      connection = DriverManager.getConnection(jdbcUrl + CONNECTION_PROPERTIES);
      connection.setAutoCommit(workload.autocommit());
    }
    if (session == null) {
      session = workload.open(connection);
    }
    return session;
  }

  /** Rolls back after a failure ({@code cause}, or null for a declined operation). */
  private void rollbackQuietly(SQLException cause) {
    if (connection == null) {
      return;
    }
    if (cause != null && Outcomes.connectionSuspect(cause)) {
      closeConnection();
      return;
    }
    if (workload.autocommit()) {
      // Nothing is open: each statement committed or rolled back on its own.
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException e) {
      closeConnection();
    }
  }

  void closeConnection() {
    session = null;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing a broken connection may fail; it is dropped either way.
      }
      connection = null;
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

}
