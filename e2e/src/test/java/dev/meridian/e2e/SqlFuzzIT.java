package dev.meridian.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.conformance.fuzz.SqlFuzzer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized SQL tester's CI budget against one real node: a fixed range of seeds, at least
 * 10,000 queries, no failing TLP or NoREC check and no broken connection. A failure prints its
 * seed and a minimized reproducer. The second test plants a bug between the tester and the node
 * and checks that the tester finds and minimizes it, so a silent tester cannot pass.
 */
class SqlFuzzIT {

  /** The CI budget: seeds × predicates × 6 statements ≥ 10,000 queries. */
  static final int SEEDS = Integer.getInteger("meridian.fuzz.seeds", 40);
  static final int PREDICATES_PER_SEED = 45;

  @TempDir static Path work;
  static NodeProcess node;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeProcess.start(work.resolve("node"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.stop();
    }
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void aFixedBudgetOfSeedsFindsNoFailure() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SqlFuzzer.Report report;
    try (Connection connection = Jdbc.connect(node);
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      report = new SqlFuzzer(connection, new PrintStream(new TeeStream(out, System.out), true, StandardCharsets.UTF_8))
          .run(new SqlFuzzer.Config(1, SEEDS, PREDICATES_PER_SEED, 20));
    }
    System.out.println("SqlFuzzIT: " + report.summary());
    assertThat(report.failures()).as("failing checks:\n" + log.toString(StandardCharsets.UTF_8)).isEmpty();
    if (SEEDS >= 40) {
      assertThat(report.queries()).isGreaterThanOrEqualTo(10_000);
    }
    assertThat(report.checks()).isGreaterThan(report.queries() / 10);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aPlantedBugIsFoundWithItsSeedAndAMinimizedReproducer() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SqlFuzzer.Report report;
    try (Connection connection = Jdbc.connect(node);
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      report = new SqlFuzzer(dropsNegativeKeysUnderNot(connection), out).run(new SqlFuzzer.Config(1, 3, 15, 20));
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(report.failures()).as(text).isNotEmpty();
    assertThat(report.failures().get(0)).contains("TLP check failed").contains("replay: bin/meridian fuzz-sql")
        .contains("CREATE TABLE REPRO").contains("INSERT INTO REPRO VALUES (");
    assertThat(report.failures().get(0)).as("shrunk to a single row").contains("minimized reproducer (1 of");
  }

  /**
   * A connection whose queries under {@code NOT (…)} lose the rows with a negative key: the kind
   * of bug a wrong key-range rule would make.
   */
  private static Connection dropsNegativeKeysUnderNot(Connection connection) {
    return (Connection) Proxy.newProxyInstance(SqlFuzzIT.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Object result = invoke(connection, method, args);
          if (method.getName().equals("createStatement") && result instanceof Statement statement) {
            return Proxy.newProxyInstance(SqlFuzzIT.class.getClassLoader(), new Class<?>[] {Statement.class},
                (p, m, a) -> {
                  if (m.getName().equals("execute") && a != null && a[0] instanceof String sql
                      && sql.contains(" WHERE NOT (")) {
                    a = new Object[] {sql + " AND C0 >= 0"};
                  }
                  return invoke(statement, m, a);
                });
          }
          return result;
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Writes to two streams: the test's log and the console, so a long run shows progress. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }
}
