package dev.meridian.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/meridian bench-load --url URL [--clients 1,8] [--rows N] [--batch B] [--runs R]
 * [--warmup-runs W] [--modes batch,values]}: how fast rows go into a table through the JDBC driver, the two ways a
 * loader sends them in bulk:
 * <ul>
 *   <li>{@code batch}: a prepared {@code INSERT … VALUES (?, ?, ?)}, {@code addBatch} per row and
 *       {@code executeBatch} every B rows (autocommit: each batch is one transaction);
 *   <li>{@code values}: one statement {@code INSERT … VALUES (…), (…), …} of B rows of literals.
 * </ul>
 * Each run loads N rows in total, split evenly over the clients (each with its own connection), into
 * a key range of its own, so runs never collide. Rows/s is N over the wall time from the first row to
 * the last client's last commit. Warm-up runs (default 1) come first and are not counted: the
 * node's JIT compiles the load path during the first. Prints every run and the median of the
 * runs per mode and client count.
 */
public final class LoadBenchmark {

  private enum Mode {
    BATCH, VALUES
  }

  private LoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    String url = null;
    int[] clientCounts = {1, 8};
    int rows = 20_000;
    int batch = 1_000;
    int runs = 3;
    int warmups = 1;
    List<Mode> modes = List.of(Mode.values());
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--url" -> url = args[++i];
          case "--clients" -> clientCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
          case "--rows" -> rows = Integer.parseInt(args[++i]);
          case "--batch" -> batch = Integer.parseInt(args[++i]);
          case "--runs" -> runs = Integer.parseInt(args[++i]);
          case "--warmup-runs" -> warmups = Integer.parseInt(args[++i]);
          case "--modes" -> modes = Arrays.stream(args[++i].split(","))
              .map(mode -> Mode.valueOf(mode.trim().toUpperCase(java.util.Locale.ROOT))).toList();
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (url == null) {
        throw new IllegalArgumentException("--url is required");
      }
      if (rows <= 0 || batch <= 0 || runs <= 0 || warmups < 0 || Arrays.stream(clientCounts).anyMatch(c -> c <= 0)) {
        throw new IllegalArgumentException("--rows, --batch, --runs and --clients must be positive");
      }
    } catch (RuntimeException e) {
      err.println("bench-load: " + e.getMessage());
      err.println("usage: bench-load --url jdbc:meridian://HOST:PORT [--clients 1,8] [--rows N] [--batch B] "
          + "[--runs R] [--warmup-runs W] [--modes batch,values]");
      return 64;
    }
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS bench_load");
      statement.execute("CREATE TABLE bench_load (client INT, seq BIGINT, payload VARCHAR(100), "
          + "PRIMARY KEY (client, seq))");
    }
    out.printf("bench-load: %d rows per run, batches of %d, %d run(s) after %d warm-up run(s), clients %s%n",
        rows, batch, runs, warmups, Arrays.toString(clientCounts));
    int runNumber = 0;
    for (Mode mode : modes) {
      for (int clients : clientCounts) {
        for (int w = 0; w < warmups; w++) {
          double seconds = runOnce(url, mode, clients, rows, batch, ++runNumber);
          out.printf("%-6s clients=%d warm-up %d: %.0f rows/s (not counted)%n", mode, clients, w + 1, rows / seconds);
        }
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
          double seconds = runOnce(url, mode, clients, rows, batch, ++runNumber);
          rates[r] = rows / seconds;
          out.printf("%-6s clients=%d run %d: %d rows in %.2f s, %.0f rows/s%n", mode, clients, r + 1, rows,
              seconds, rates[r]);
        }
        out.printf("%-6s clients=%d median: rows/s=%.0f%n", mode, clients, median(rates));
      }
    }
    return 0;
  }

  /** Loads {@code rows} rows with {@code clients} connections; returns the wall time in seconds. */
  private static double runOnce(String url, Mode mode, int clients, int rows, int batch, int runNumber)
      throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(clients);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = runNumber * 1_000 + c;
      int share = rows / clients + (c < rows % clients ? 1 : 0);
      Thread thread = new Thread(() -> {
        try (Connection connection = DriverManager.getConnection(url)) {
          ready.countDown();
          go.await();
          switch (mode) {
            case BATCH -> loadByBatch(connection, client, share, batch);
            case VALUES -> loadByValues(connection, client, share, batch);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          ready.countDown();
        } finally {
          done.countDown();
        }
      }, "bench-load-" + c);
      threads.add(thread);
      thread.start();
    }
    ready.await();
    long start = System.nanoTime();
    go.countDown();
    done.await();
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      throw new IllegalStateException(mode + " failed: " + failure.get(), failure.get());
    }
    return elapsed / 1e9;
  }

  private static void loadByBatch(Connection connection, int client, int rows, int batch) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_load VALUES (?, ?, ?)")) {
      for (int seq = 0; seq < rows; seq++) {
        insert.setInt(1, client);
        insert.setLong(2, seq);
        insert.setString(3, payload(seq));
        insert.addBatch();
        if ((seq + 1) % batch == 0 || seq == rows - 1) {
          insert.executeBatch();
        }
      }
    }
  }

  private static void loadByValues(Connection connection, int client, int rows, int batch) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (int start = 0; start < rows; start += batch) {
        StringBuilder sql = new StringBuilder("INSERT INTO bench_load VALUES ");
        for (int seq = start; seq < Math.min(rows, start + batch); seq++) {
          sql.append(seq == start ? "" : ", ").append('(').append(client).append(", ").append(seq).append(", '")
              .append(payload(seq)).append("')");
        }
        statement.executeUpdate(sql.toString());
      }
    }
  }

  /** About 40 bytes, varying, as a typical narrow row's text column. */
  private static String payload(int seq) {
    return "payload-" + seq + "-abcdefghijklmnopqrstuvwxyz";
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
