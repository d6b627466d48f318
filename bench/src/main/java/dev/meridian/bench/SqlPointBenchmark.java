package dev.meridian.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/meridian bench-sql --url URL [--url URL2 …] [--clients N] [--seconds S] [--runs R]
 * [--rows K] [--workloads W,…]}: throughput and p50/p99 latency of the two statements every
 * application runs most — a SELECT of one row by primary key, and an INSERT of one row — through
 * the JDBC driver, with and without prepared statements; and of two small read-write transactions:
 * {@code TXN_ONE_TABLE} updates two rows of one table (one range, the fast path, on a cluster where
 * each table has its own range) and {@code TXN_TWO_TABLES} updates a row of one table and inserts
 * one into another (two ranges: two-phase commit). A transaction that fails with 40001 is run again
 * and its latency includes the retries; retries are counted. Each client has its own connection to
 * one of the URLs (client {@code c} to URL {@code c mod n}, so clients spread over a cluster's
 * nodes) and runs one statement or transaction at a time. Reports every run and the median of the
 * runs for each workload.
 */
public final class SqlPointBenchmark {

  private enum Workload {
    SELECT_PREPARED, SELECT_PLAIN, INSERT_PREPARED, INSERT_PLAIN, TXN_ONE_TABLE, TXN_TWO_TABLES
  }

  private record Result(long operations, double seconds, long[] sortedNanos, long retries) {
    double perSecond() {
      return operations / seconds;
    }

    double percentileMillis(double p) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(sortedNanos.length - 1, Math.max(0, Math.ceil(p * sortedNanos.length) - 1));
      return sortedNanos[index] / 1e6;
    }
  }

  /** Latency samples kept per client at most; bounded memory on long runs. */
  private static final int MAX_SAMPLES_PER_CLIENT = 2_000_000;

  private SqlPointBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    List<String> urls = new ArrayList<>();
    List<Workload> workloads = List.of(Workload.values());
    int clients = 1;
    double seconds = 10;
    int runs = 3;
    int rows = 10_000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> urls.add(args[++i]);
        case "--workloads" -> {
          try {
            workloads = Arrays.stream(args[++i].split(",")).map(w -> Workload.valueOf(w.trim().toUpperCase(
                java.util.Locale.ROOT))).toList();
          } catch (IllegalArgumentException e) {
            err.println("bench-sql: --workloads takes some of " + Arrays.toString(Workload.values()));
            return 64;
          }
        }
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        default -> {
          err.println("bench-sql: unknown option " + args[i]);
          err.println("usage: bench-sql --url jdbc:meridian://HOST:PORT [--url …] [--clients N] [--seconds S] [--runs R]"
              + " [--rows K] [--workloads " + String.join(",", Arrays.stream(Workload.values()).map(Enum::name).toList())
              + "]");
          return 64;
        }
      }
    }
    if (urls.isEmpty()) {
      err.println("bench-sql: --url is required");
      return 64;
    }
    prepareTables(urls.get(0), rows, out);
    out.printf("bench-sql: %d client(s) over %d node(s), %.0f s per run, %d run(s), %d rows to select from%n",
        clients, urls.size(), seconds, runs, rows);
    for (Workload workload : workloads) {
      List<Result> results = new ArrayList<>();
      for (int r = 1; r <= runs; r++) {
        Result result = runOnce(urls, workload, clients, seconds, rows, r);
        results.add(result);
        out.printf("%-16s run %d: %.0f ops/s, p50 %.2f ms, p99 %.2f ms, %d retries after 40001%n", workload, r,
            result.perSecond(), result.percentileMillis(0.5), result.percentileMillis(0.99), result.retries());
      }
      out.printf("%-16s median: clients=%d ops/s=%.0f p50_ms=%.2f p99_ms=%.2f%n", workload, clients,
          median(results.stream().mapToDouble(Result::perSecond).toArray()),
          median(results.stream().mapToDouble(x -> x.percentileMillis(0.5)).toArray()),
          median(results.stream().mapToDouble(x -> x.percentileMillis(0.99)).toArray()));
    }
    return 0;
  }

  private static void prepareTables(String url, int rows, PrintStream out) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS bench_kv");
      statement.execute("DROP TABLE IF EXISTS bench_log");
      statement.execute("CREATE TABLE bench_kv (id BIGINT PRIMARY KEY, payload VARCHAR(100))");
      statement.execute("CREATE TABLE bench_log (client INT, seq BIGINT, payload VARCHAR(100), PRIMARY KEY (client, seq))");
      int batch = 500;
      for (int start = 0; start < rows; start += batch) {
        StringBuilder insert = new StringBuilder("INSERT INTO bench_kv VALUES ");
        for (int id = start; id < Math.min(rows, start + batch); id++) {
          insert.append(id == start ? "" : ", ").append('(').append(id).append(", 'value-").append(id).append("')");
        }
        statement.executeUpdate(insert.toString());
      }
    }
    out.printf("bench-sql: loaded %d rows%n", rows);
  }

  private static Result runOnce(List<String> urls, Workload workload, int clients, double seconds, int rows,
      int runNumber) throws Exception {
    long[][] samples = new long[clients][];
    int[] counts = new int[clients];
    long[] retries = new long[clients];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(clients);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      samples[c] = new long[4096];
      Thread thread = new Thread(() -> {
        try (Connection connection = DriverManager.getConnection(urls.get(client % urls.size()))) {
          PreparedStatement select = connection.prepareStatement("SELECT payload FROM bench_kv WHERE id = ?");
          PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_log VALUES (?, ?, ?)");
          PreparedStatement update = connection.prepareStatement("UPDATE bench_kv SET payload = ? WHERE id = ?");
          Statement plain = connection.createStatement();
          // Each workload and run inserts its own key range, so no run collides with an earlier one.
          long seq = ((long) workload.ordinal() << 48) | ((long) runNumber << 40);
          long next = client * 7919L;
          ready.countDown();
          go.await();
          while (System.nanoTime() < window[1]) {
            long before = System.nanoTime();
            long id = Math.floorMod(next, rows);
            next += 104_729;
            switch (workload) {
              case SELECT_PREPARED -> {
                select.setLong(1, id);
                try (ResultSet result = select.executeQuery()) {
                  result.next();
                }
              }
              case SELECT_PLAIN -> {
                try (ResultSet result = plain.executeQuery("SELECT payload FROM bench_kv WHERE id = " + id)) {
                  result.next();
                }
              }
              case INSERT_PREPARED -> {
                insert.setInt(1, client);
                insert.setLong(2, seq++);
                insert.setString(3, "payload");
                insert.executeUpdate();
              }
              case INSERT_PLAIN -> plain.executeUpdate(
                  "INSERT INTO bench_log VALUES (" + client + ", " + (seq++) + ", 'payload')");
              case TXN_ONE_TABLE -> {
                long other = Math.floorMod(id + rows / 2, rows);
                retries[client] += inTransaction(connection, () -> {
                  updateRow(update, id);
                  updateRow(update, other);
                });
              }
              case TXN_TWO_TABLES -> {
                long logSeq = seq++;
                retries[client] += inTransaction(connection, () -> {
                  updateRow(update, id);
                  insert.setInt(1, client);
                  insert.setLong(2, logSeq);
                  insert.setString(3, "payload");
                  insert.executeUpdate();
                });
              }
            }
            long after = System.nanoTime();
            if (counts[client] < MAX_SAMPLES_PER_CLIENT) {
              if (counts[client] == samples[client].length) {
                samples[client] = Arrays.copyOf(samples[client], samples[client].length * 2);
              }
              samples[client][counts[client]++] = after - before;
            }
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          ready.countDown();
        } finally {
          done.countDown();
        }
      }, "bench-client-" + c);
      threads.add(thread);
      thread.start();
    }
    ready.await();
    window[0] = System.nanoTime();
    window[1] = window[0] + (long) (seconds * 1e9);
    go.countDown();
    done.await();
    if (failure.get() != null) {
      throw new IllegalStateException(workload + " failed: " + failure.get(), failure.get());
    }
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int offset = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(samples[c], 0, all, offset, counts[c]);
      offset += counts[c];
    }
    Arrays.sort(all);
    return new Result(total, seconds, all, Arrays.stream(retries).sum());
  }

  private interface TxnBody {
    void run() throws SQLException;
  }

  private static void updateRow(PreparedStatement update, long id) throws SQLException {
    update.setString(1, "updated-" + id);
    update.setLong(2, id);
    update.executeUpdate();
  }

  /** Runs {@code body} and commits, again after each 40001; returns how many times it ran again. */
  private static long inTransaction(Connection connection, TxnBody body) throws SQLException {
    connection.setAutoCommit(false);
    try {
      for (long retries = 0; ; retries++) {
        try {
          body.run();
          connection.commit();
          return retries;
        } catch (SQLException e) {
          connection.rollback();
          if (!"40001".equals(e.getSQLState()) || retries >= 100) {
            throw e;
          }
        }
      }
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
