package dev.meridian.jepsen.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code meridian jepsen}: runs a workload with a nemesis against node processes it starts on
 * 127.0.0.1, checks the history and writes the report (see {@link JepsenRun}). Exit status: 0
 * valid, 1 invalid, 2 unknown, 3 the run could not be carried out (a node did not start), 64 bad
 * arguments.
 *
 * <p>Nodes are started with {@code $MERIDIAN_HOME/bin/meridian start} (bin/meridian exports {@code
 * MERIDIAN_HOME}), or the command {@code --node-command} gives.
 */
public final class JepsenCommand {

  public static final int EXIT_VALID = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_UNKNOWN = 2;
  public static final int EXIT_RUN_FAILED = 3;
  public static final int EXIT_USAGE = 64;

  private JepsenCommand() {}

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    String home = System.getenv("MERIDIAN_HOME");
    List<String> defaultCommand = home == null || home.isBlank() ? List.of()
        : List.of(Path.of(home, "bin", "meridian").toString(), "start");
    RunOptions options;
    try {
      options = RunOptions.parse(args, defaultCommand, System.nanoTime() & Long.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      err.println("jepsen: " + e.getMessage());
      err.println(RunOptions.USAGE);
      return EXIT_USAGE;
    }
    out.println("jepsen: seed " + options.seed() + " (rerun with --seed " + options.seed() + "), output in "
        + options.out().toAbsolutePath());
    JepsenRun.Outcome outcome;
    try {
      outcome = new JepsenRun(options, out).run();
    } catch (IOException e) {
      err.println("jepsen: the run failed: " + e.getMessage());
      return EXIT_RUN_FAILED;
    }
    Report.Summary s = outcome.summary();
    out.printf("jepsen: %d ok, %d fail, %d info; p50 %.1f ms, p99 %.1f ms%n", s.ok(), s.fail(), s.info(),
        s.p50Millis(), s.p99Millis());
    if (outcome.note() != null) {
      out.println("jepsen: " + outcome.note());
    }
    if (!outcome.check().anomalyTypes().isEmpty()) {
      out.println("jepsen: anomalies " + String.join(", ", outcome.check().anomalyTypes()));
    }
    Path report = options.out().resolve("index.html").toAbsolutePath();
    out.println("jepsen: valid " + outcome.valid() + "; report " + report);
    return switch (outcome.valid()) {
      case "true" -> EXIT_VALID;
      case "false" -> EXIT_INVALID;
      default -> EXIT_UNKNOWN;
    };
  }
}
