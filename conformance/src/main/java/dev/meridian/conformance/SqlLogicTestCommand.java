package dev.meridian.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import net.hydromatic.sqllogictest.OptionsParser;
import net.hydromatic.sqllogictest.SltTestFile;
import net.hydromatic.sqllogictest.TestStatistics;

/**
 * {@code bin/meridian slt --url jdbc:meridian://host:port [SUITE | FILE …]}: runs SQLite's
 * sqllogictest corpus (net.hydromatic:sql-logic-test, with its PostgreSQL skip policy) against a
 * running node through the JDBC driver. Prints a line per file and the totals — files, tests,
 * passed, failed, statement failures, queries per second — then the most common failure causes.
 *
 * <p>Suites: {@code select} (select1–5), {@code evidence} (evidence/*), {@code index-sample} (a fixed
 * sample of 24 files from index/ covering every kind, see {@link #INDEX_SAMPLE}), {@code m2} (all three). Files are named relative
 * to the corpus root, e.g. {@code select1.test} or {@code index/in/10/slt_good_0.test}.
 */
public final class SqlLogicTestCommand {

  /** The fixed index/ sample the M2 acceptance measures: three files of each kind, size 10. */
  static final List<String> INDEX_SAMPLE = indexSample();

  private SqlLogicTestCommand() {}

  /**
   * 24 files covering every kind of index/ test, chosen among the smaller files of each kind so the
   * sample (about 80,000 queries) runs in minutes rather than hours.
   */
  private static List<String> indexSample() {
    return List.of(
        "index/between/1000/slt_good_0.test", "index/between/1/slt_good_0.test",
        "index/commute/1000/slt_good_0.test", "index/commute/10/slt_good_10.test",
        "index/in/10/slt_good_0.test",
        "index/orderby/10/slt_good_0.test",
        "index/orderby_nosort/10/slt_good_0.test",
        "index/random/1000/slt_good_0.test", "index/random/1000/slt_good_1.test",
        "index/random/1000/slt_good_2.test", "index/random/1000/slt_good_3.test",
        "index/random/1000/slt_good_4.test", "index/random/1000/slt_good_5.test",
        "index/delete/10000/slt_good_0.test", "index/delete/1000/slt_good_0.test",
        "index/delete/1000/slt_good_1.test", "index/delete/100/slt_good_0.test",
        "index/delete/100/slt_good_1.test", "index/delete/10/slt_good_2.test",
        "index/view/10000/slt_good_0.test", "index/view/1000/slt_good_0.test",
        "index/view/10/slt_good_6.test", "index/view/100/slt_good_3.test",
        "index/view/10/slt_good_3.test");
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
    String url = null;
    int showFailures = 10;
    List<String> selection = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = i + 1 < args.length ? args[++i] : null;
        case "--show-failures" -> showFailures = Integer.parseInt(args[++i]);
        default -> selection.add(args[i]);
      }
    }
    if (url == null || selection.isEmpty()) {
      err.println("usage: slt --url jdbc:meridian://host:port [--show-failures N] "
          + "select|evidence|index-sample|m2|FILE...");
      return 64;
    }
    List<String> files = resolve(selection);
    OptionsParser parser = new OptionsParser(false, out, err);
    OptionsParser.SuppliedOptions options = parser.parse("-e", "none");
    MeridianSltExecutor executor = new MeridianSltExecutor(options, url);

    long totalTests = 0;
    long totalPassed = 0;
    long totalFailed = 0;
    long totalStatementFailures = 0;
    double totalSeconds = 0;
    Map<String, Integer> causes = new LinkedHashMap<>();
    List<String> examples = new ArrayList<>();
    out.printf("%-44s %7s %7s %7s %6s %8s %8s%n", "file", "tests", "passed", "failed", "stmtF", "seconds", "q/s");
    for (String file : files) {
      SltTestFile test = new SltTestFile("test/" + file);
      test.parse(options);
      long start = System.nanoTime();
      TestStatistics stats;
      try {
        stats = executor.execute(test, options);
      } catch (Exception e) {
        err.println(file + ": could not run: " + e.getMessage());
        return 2;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int tests = stats.getPassedTestCount() + stats.getFailedTestCount();
      out.printf("%-44s %7d %7d %7d %6d %8.1f %8.0f%n", file, tests, stats.getPassedTestCount(),
          stats.getFailedTestCount(), executor.statementFailures(), seconds, tests / Math.max(seconds, 1e-9));
      totalTests += tests;
      totalPassed += stats.getPassedTestCount();
      totalFailed += stats.getFailedTestCount();
      totalStatementFailures += executor.statementFailures();
      totalSeconds += seconds;
      if (executor.firstStatementError() != null) {
        causes.merge("statement: " + FailureRecorder.cause(executor.firstStatementError()), 1, Integer::sum);
      }
      FailureRecorder recorded = (FailureRecorder) stats;
      recorded.causes.forEach((cause, count) -> causes.merge(cause, count, Integer::sum));
      for (String example : recorded.examples) {
        if (examples.size() < showFailures) {
          examples.add(file + ": " + example);
        }
      }
    }
    out.printf("%ntotal: files=%d tests=%d passed=%d failed=%d statement-failures=%d passed%%=%.2f "
            + "seconds=%.1f queries/s=%.0f%n",
        files.size(), totalTests, totalPassed, totalFailed, totalStatementFailures,
        100.0 * totalPassed / Math.max(1, totalTests), totalSeconds, totalTests / Math.max(totalSeconds, 1e-9));
    if (!causes.isEmpty()) {
      out.println("\nmost common failure causes:");
      causes.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
          .forEach(cause -> out.printf("%7d  %s%n", cause.getValue(), cause.getKey()));
      out.println("\nexamples:");
      examples.forEach(example -> out.println("  " + example));
    }
    return 0;
  }

  static List<String> resolve(List<String> selection) throws IOException {
    List<String> files = new ArrayList<>();
    for (String item : selection) {
      switch (item) {
        case "select" -> files.addAll(List.of("select1.test", "select2.test", "select3.test", "select4.test",
            "select5.test"));
        case "evidence" -> files.addAll(corpus("evidence/"));
        case "index-sample" -> files.addAll(INDEX_SAMPLE);
        case "m2" -> {
          files.addAll(resolve(List.of("select", "evidence", "index-sample")));
        }
        default -> files.add(item);
      }
    }
    return files;
  }

  /** Corpus files under {@code prefix}, read from the jar that holds the corpus. */
  static List<String> corpus(String prefix) throws IOException {
    URL probe = SqlLogicTestCommand.class.getClassLoader().getResource("test/select1.test");
    if (probe == null) {
      throw new IOException("the sqllogictest corpus (net.hydromatic:sql-logic-test) is not on the classpath");
    }
    TreeSet<String> names = new TreeSet<>(Comparator.naturalOrder());
    JarURLConnection connection = (JarURLConnection) probe.openConnection();
    try (JarFile jar = connection.getJarFile()) {
      jar.stream().map(entry -> entry.getName())
          .filter(name -> name.startsWith("test/" + prefix) && name.endsWith(".test"))
          .forEach(name -> names.add(name.substring("test/".length())));
    }
    return new ArrayList<>(names);
  }
}
