package dev.meridian.conformance.fuzz;

import dev.meridian.conformance.fuzz.Expr.Kind;
import dev.meridian.runtime.RandomSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A randomized SQL tester in the spirit of SQLancer: from a seed it generates a table, its rows and
 * predicates, and checks each predicate with metamorphic oracles that need no reference database.
 *
 * <p>Glossary:
 * <dl>
 *   <dt>TLP (ternary logic partitioning)</dt>
 *   <dd>Every row of {@code SELECT * FROM t} satisfies exactly one of {@code p}, {@code NOT p} and
 *       {@code p IS NULL}: the three filtered queries together return the same multiset of rows.
 *       Catches wrong filters, wrong NULL logic and wrong key ranges.</dd>
 *   <dt>NoREC (non-optimizing reference engine construction)</dt>
 *   <dd>{@code SELECT COUNT(*) FROM t WHERE p} counts what {@code SELECT SUM(CASE WHEN p THEN 1
 *       ELSE 0 END) FROM t} counts: the second evaluates {@code p} as a projection, row by row,
 *       which no index or key-range rule can touch. Catches optimizations that change results.</dd>
 *   <dt>Connection invariant</dt>
 *   <dd>No statement, failing or not, may break the connection: after every error the same
 *       connection must still run {@code SELECT 1}, and no error may carry an 08xxx SQLSTATE.</dd>
 *   <dt>Expected error</dt>
 *   <dd>A data exception (SQLSTATE class 22: overflow, division by zero) is a correct answer to a
 *       generated query, so a check that meets one is skipped. So is invalid SQL (42xxx, 0A000),
 *       counted apart. A statement refused with 40001 is retried for about 10 s (a conflict, a node
 *       whose clock is briefly untrusted) and then skipped, counted apart too. Any other SQLSTATE
 *       (58000, XX000, …) is a failure.</dd>
 * </dl>
 *
 * <p>A failing check is shrunk (fewer rows, a smaller predicate) while it keeps failing, and
 * reported with its seed and a script that reproduces it.
 */
public final class SqlFuzzer {

  /** What to run: seeds {@code [firstSeed, firstSeed + seeds)}, each with its own table and predicates. */
  public record Config(long firstSeed, int seeds, int predicatesPerSeed, int maxRows) {
    public static Config of(long firstSeed, int seeds) {
      return new Config(firstSeed, seeds, 50, 20);
    }
  }

  /** Totals of a run; {@code failures} hold each failing check's report. */
  public record Report(long queries, long checks, long skippedDataErrors, long skippedInvalid,
      long skippedUnavailable, List<String> failures) {
    public boolean passed() {
      return failures.isEmpty();
    }

    public String summary() {
      return String.format("%d queries, %d checks passed, %d skipped on data errors, %d skipped as invalid SQL, "
          + "%d skipped as still refused with 40001 after retries, %d failed", queries, checks, skippedDataErrors,
          skippedInvalid, skippedUnavailable, failures.size());
    }
  }

  /** Attempts the minimizer makes per failure: each one re-creates the table and re-runs the check. */
  static final int SHRINK_ATTEMPTS = 120;

  private final Connection connection;
  private final PrintStream log;
  private long queries;
  private long checks;
  private long skippedDataErrors;
  private long skippedInvalid;
  private long skippedUnavailable;
  private final List<String> failures = new ArrayList<>();
  private int tableNumber;

  public SqlFuzzer(Connection connection, PrintStream log) {
    this.connection = connection;
    this.log = log;
  }

  public Report run(Config config) throws SQLException {
    for (long seed = config.firstSeed(); seed < config.firstSeed() + config.seeds(); seed++) {
      try {
        runSeed(seed, config);
      } catch (SQLException e) {
        throw new SQLException("seed " + seed + " (replay: bin/meridian fuzz-sql --first-seed " + seed
            + " --seeds 1): " + e.getMessage(), e.getSQLState(), e);
      }
    }
    return new Report(queries, checks, skippedDataErrors, skippedInvalid, skippedUnavailable, List.copyOf(failures));
  }

  private void runSeed(long seed, Config config) throws SQLException {
    RandomSource random = RandomSource.seeded(seed);
    FuzzTable table = FuzzTable.generate("FZ" + Math.abs(seed) + "_T", random, config.maxRows());
    if (!setUp(table)) {
      failures.add("seed " + seed + ": the generated table could not be created; see above");
      return;
    }
    ExprGenerator generator = new ExprGenerator(random.fork(), table);
    int failed = 0;
    try {
      for (int i = 0; i < config.predicatesPerSeed(); i++) {
        Expr predicate = generator.predicate();
        for (Oracle oracle : Oracle.values()) {
          Verdict verdict = check(oracle, table, predicate);
          if (verdict instanceof Verdict.Failed failure) {
            failed++;
            failures.add(reportFailure(seed, oracle, table, predicate, failure));
          }
        }
      }
    } finally {
      execute(table.dropSql());
    }
    log.printf("seed %d: %d columns, %d rows%s: %s%n", seed, table.columns().size(), table.rows().size(),
        table.indexedColumn() == null ? "" : ", index on " + table.indexedColumn(),
        failed == 0 ? "ok" : failed + " FAILED");
  }

  private boolean setUp(FuzzTable table) throws SQLException {
    execute(table.dropSql());
    for (String sql : table.setupSql()) {
      Result result = execute(sql);
      if (result instanceof Result.Failed failed) {
        log.println("setting up failed: " + sql + " -> " + failed);
        return false;
      }
    }
    return true;
  }

  // ---- oracles -------------------------------------------------------------------------------

  enum Oracle { TLP, NOREC }

  /** The outcome of one check. */
  sealed interface Verdict {
    record Passed() implements Verdict {}

    record Skipped(boolean dataError) implements Verdict {}

    record Failed(String why) implements Verdict {}
  }

  /** The statements a check runs, for the reproducer. */
  static List<String> statements(Oracle oracle, FuzzTable table, Expr predicate) {
    String p = predicate.sql();
    String from = " FROM " + table.name();
    return switch (oracle) {
      case TLP -> List.of("SELECT " + table.columnList() + from,
          "SELECT " + table.columnList() + from + " WHERE " + p,
          "SELECT " + table.columnList() + from + " WHERE NOT (" + p + ")",
          "SELECT " + table.columnList() + from + " WHERE (" + p + ") IS NULL");
      case NOREC -> List.of("SELECT COUNT(*)" + from + " WHERE " + p,
          "SELECT SUM(CASE WHEN " + p + " THEN 1 ELSE 0 END)" + from);
    };
  }

  Verdict check(Oracle oracle, FuzzTable table, Expr predicate) throws SQLException {
    List<String> sqls = statements(oracle, table, predicate);
    List<List<String>> results = new ArrayList<>();
    for (String sql : sqls) {
      Result result = execute(sql);
      switch (result) {
        case Result.Rows rows -> results.add(rows.rows());
        case Result.Failed failed -> {
          return verdictOf(failed, sql);
        }
      }
    }
    if (oracle == Oracle.TLP) {
      List<String> all = sorted(results.get(0));
      List<String> parts = new ArrayList<>();
      results.subList(1, 4).forEach(parts::addAll);
      if (!all.equals(sorted(parts))) {
        return new Verdict.Failed("TLP: the table has " + all.size() + " rows " + all + " but p, NOT p and p IS NULL"
            + " return " + results.get(1).size() + " + " + results.get(2).size() + " + " + results.get(3).size()
            + ": " + sorted(results.get(1)) + " | " + sorted(results.get(2)) + " | " + sorted(results.get(3)));
      }
    } else {
      String count = results.get(0).get(0);
      String sum = results.get(1).get(0);
      if (!count.equals(Objects.equals(sum, "null") ? "0" : sum)) {
        return new Verdict.Failed("NoREC: WHERE p counts " + count + " rows, p evaluated row by row counts " + sum);
      }
    }
    checks++;
    return new Verdict.Passed();
  }

  private Verdict verdictOf(Result.Failed failed, String sql) {
    String state = failed.sqlState();
    if (state.startsWith("22")) {
      skippedDataErrors++;
      return new Verdict.Skipped(true);
    }
    if (state.startsWith("42") || state.equals("0A000")) {
      skippedInvalid++;
      return new Verdict.Skipped(false);
    }
    if (state.equals("40001")) {
      skippedUnavailable++;
      return new Verdict.Skipped(false);
    }
    return new Verdict.Failed("statement failed with SQLSTATE " + state + " (not a data error): " + sql + "\n    "
        + failed.message());
  }

  private static List<String> sorted(List<String> rows) {
    List<String> copy = new ArrayList<>(rows);
    Collections.sort(copy);
    return copy;
  }

  // ---- running statements --------------------------------------------------------------------

  /** A statement's outcome: its rows (each as one string), or its SQLSTATE and message. */
  sealed interface Result {
    record Rows(List<String> rows) implements Result {}

    record Failed(String sqlState, String message) implements Result {
      @Override
      public String toString() {
        return sqlState + " " + message;
      }
    }
  }

  /**
   * Runs one statement. An error must leave the connection usable (checked with {@code SELECT
   * 1}); one that breaks it is reported as SQLSTATE 08006 whatever the driver said, which is a
   * failure of every check.
   */
  Result execute(String sql) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      Result result = executeOnce(sql);
      if (!(result instanceof Result.Failed failed && failed.sqlState().equals("40001"))
          || attempt >= RETRYABLE_ATTEMPTS) {
        return result;
      }
      try {
        // A retryable refusal (40001: a conflict, or a node whose clock cannot be trusted for a
        // few seconds) says nothing about the SQL: the statement is run again, as a client would.
        Thread.sleep(RETRY_PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
    }
  }

  /** Runs of a statement refused with 40001 before its result counts: about 10 s of retrying. */
  static final int RETRYABLE_ATTEMPTS = 40;
  static final long RETRY_PAUSE_MILLIS = 250;

  private Result executeOnce(String sql) throws SQLException {
    queries++;
    try (Statement statement = connection.createStatement()) {
      if (!statement.execute(sql)) {
        return new Result.Rows(List.of());
      }
      try (ResultSet rs = statement.getResultSet()) {
        List<String> rows = new ArrayList<>();
        int width = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= width; i++) {
            row.append(i == 1 ? "" : "|").append(rs.getString(i));
          }
          rows.add(row.toString());
        }
        return new Result.Rows(rows);
      }
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "null" : e.getSQLState();
      if (state.startsWith("08") || !stillUsable()) {
        throw new SQLException("the connection broke on: " + sql + " (" + state + " " + e.getMessage() + ")", "08006", e);
      }
      return new Result.Failed(state, firstLine(e.getMessage()));
    }
  }

  /** Whether the connection still reaches the node: any answer from it (even an error) says so. */
  private boolean stillUsable() {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT 1")) {
      return rs.next();
    } catch (SQLException e) {
      return e.getSQLState() != null && !e.getSQLState().startsWith("08");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  // ---- minimizing and reporting --------------------------------------------------------------

  private String reportFailure(long seed, Oracle oracle, FuzzTable table, Expr predicate, Verdict.Failed failure)
      throws SQLException {
    Shrunk shrunk = shrink(oracle, table, predicate);
    FuzzTable reproTable = shrunk.table().withName("REPRO");
    Verdict last = shrunk.verdict() == null ? failure : shrunk.verdict();
    StringBuilder out = new StringBuilder();
    out.append("seed ").append(seed).append(": ").append(oracle).append(" check failed: ")
        .append(((Verdict.Failed) last).why().replace(shrunk.table().name(), "REPRO")).append('\n');
    out.append("  replay: bin/meridian fuzz-sql --first-seed ").append(seed).append(" --seeds 1\n");
    out.append("  minimized reproducer (").append(shrunk.table().rows().size()).append(" of ")
        .append(table.rows().size()).append(" rows, predicate of ").append(Expr.size(shrunk.predicate()))
        .append(" nodes instead of ").append(Expr.size(predicate)).append("):\n");
    for (String sql : reproTable.setupSql()) {
      out.append("    ").append(sql).append(";\n");
    }
    for (String sql : statements(oracle, reproTable, shrunk.predicate())) {
      out.append("    ").append(sql).append(";\n");
    }
    log.print(out);
    return out.toString();
  }

  private record Shrunk(FuzzTable table, Expr predicate, Verdict verdict) {}

  /**
   * Greedy shrinking, as delta debugging does it: drop halves, then single rows, while the check
   * still fails; then replace predicate nodes by a child of the same kind or by a literal. Each
   * attempt runs on a fresh copy of the table.
   */
  private Shrunk shrink(Oracle oracle, FuzzTable table, Expr predicate) throws SQLException {
    int[] attempts = {0};
    List<List<String>> rows = new ArrayList<>(table.rows());
    Verdict last = null;
    for (int chunk = Math.max(1, rows.size() / 2); chunk >= 1; chunk /= 2) {
      for (int start = 0; start < rows.size() && attempts[0] < SHRINK_ATTEMPTS; ) {
        List<List<String>> fewer = new ArrayList<>(rows);
        fewer.subList(start, Math.min(rows.size(), start + chunk)).clear();
        Optional<Verdict> verdict = stillFails(oracle, table.withRows(fewer), predicate, attempts);
        if (verdict.isPresent()) {
          rows = fewer;
          last = verdict.get();
        } else {
          start += chunk;
        }
      }
    }
    FuzzTable smaller = table.withRows(rows);
    Expr expr = predicate;
    boolean progress = true;
    while (progress && attempts[0] < SHRINK_ATTEMPTS) {
      progress = false;
      for (Expr candidate : simplerVersions(expr)) {
        if (attempts[0] >= SHRINK_ATTEMPTS) {
          break;
        }
        Optional<Verdict> verdict = stillFails(oracle, smaller, candidate, attempts);
        if (verdict.isPresent()) {
          expr = candidate;
          last = verdict.get();
          progress = true;
          break;
        }
      }
    }
    return new Shrunk(smaller, expr, last);
  }

  private Optional<Verdict> stillFails(Oracle oracle, FuzzTable table, Expr predicate, int[] attempts)
      throws SQLException {
    attempts[0]++;
    FuzzTable copy = table.withName(table.name() + "M" + (++tableNumber));
    try {
      if (!setUp(copy)) {
        return Optional.empty();
      }
      Verdict verdict = check(oracle, copy, predicate);
      return verdict instanceof Verdict.Failed ? Optional.of(verdict) : Optional.empty();
    } finally {
      execute(copy.dropSql());
    }
  }

  /** Each way to make {@code expr} one step smaller, keeping its kind. */
  static List<Expr> simplerVersions(Expr expr) {
    List<Expr> out = new ArrayList<>();
    for (Expr child : expr.children()) {
      if (child.kind() == expr.kind()) {
        out.add(child);
      }
    }
    if (!(expr instanceof Expr.Literal)) {
      out.add(expr.kind() == Kind.BOOL ? new Expr.Literal("TRUE", Kind.BOOL) : ExprGenerator.nullOf(expr.kind()));
    }
    List<Expr> children = expr.children();
    for (int i = 0; i < children.size(); i++) {
      for (Expr simpler : simplerVersions(children.get(i))) {
        List<Expr> replaced = new ArrayList<>(children);
        replaced.set(i, simpler);
        out.add(expr.withChildren(replaced));
      }
    }
    return out;
  }
}
