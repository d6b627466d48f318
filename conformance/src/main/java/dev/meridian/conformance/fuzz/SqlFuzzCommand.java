package dev.meridian.conformance.fuzz;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * {@code bin/meridian fuzz-sql [--url URL] [--seeds N] [--first-seed S] [--predicates P]}: runs
 * {@link SqlFuzzer} against a running node through the JDBC driver. Prints a line per seed, each
 * failure with its minimized reproducer, and the totals; exits 1 if any check failed or the
 * connection broke, 0 otherwise.
 */
public final class SqlFuzzCommand {

  private SqlFuzzCommand() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws ClassNotFoundException {
    String url = "jdbc:meridian://127.0.0.1:7070";
    SqlFuzzer.Config config = SqlFuzzer.Config.of(1, 20);
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[++i];
        switch (option) {
          case "--url" -> url = value;
          case "--seeds" -> config = new SqlFuzzer.Config(config.firstSeed(), Integer.parseInt(value),
              config.predicatesPerSeed(), config.maxRows());
          case "--first-seed" -> config = new SqlFuzzer.Config(Long.parseLong(value), config.seeds(),
              config.predicatesPerSeed(), config.maxRows());
          case "--predicates" -> config = new SqlFuzzer.Config(config.firstSeed(), config.seeds(),
              Integer.parseInt(value), config.maxRows());
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      }
    } catch (RuntimeException e) {
      err.println("usage: fuzz-sql [--url jdbc:meridian://host:port] [--seeds N] [--first-seed S] [--predicates P]"
          + " (" + e.getMessage() + ")");
      return 64;
    }
    Class.forName("dev.meridian.jdbc.Driver");
    try (Connection connection = DriverManager.getConnection(url)) {
      SqlFuzzer.Report report = new SqlFuzzer(connection, out).run(config);
      out.println(report.summary());
      return report.passed() ? 0 : 1;
    } catch (SQLException e) {
      err.println("fuzz-sql: " + e.getSQLState() + " " + e.getMessage());
      return 1;
    }
  }
}
