package dev.meridian.server;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How every node command runs in the foreground: logs to files under its data directory ({@link
 * NodeLogging}), starts the node, prints one line saying where it serves (tests and scripts read it),
 * and runs until SIGTERM or Ctrl-C, when a shutdown hook closes the node.
 */
public final class ForegroundNode {

  private static final Logger LOG = Logger.getLogger(ForegroundNode.class.getName());

  /** A start failure that ends the process with its own exit code rather than 1. */
  public interface ExitCode {
    int exitCode();
  }

  /** Builds and starts the node. */
  @FunctionalInterface
  public interface Starter<N extends AutoCloseable> {
    N start() throws Exception;
  }

  private ForegroundNode() {}

  /**
   * Runs a node until the process is told to stop. Returns 1 if it could not start (after saying why
   * on {@code err}; a failure that is an {@link ExitCode} returns its own), else 0 once stopped.
   *
   * @param command the command's name, for messages ({@code meridian start})
   * @param servingLine what to print once the node serves, after {@code "meridian: "}
   */
  public static <N extends AutoCloseable> int run(String command, Path dataDir, Object options, Starter<N> starter,
      Function<N, String> servingLine, PrintStream out, PrintStream err) throws Exception {
    Files.createDirectories(dataDir);
    Path log = NodeLogging.configure(dataDir);
    LOG.info("starting: " + options);
    N node;
    try {
      node = starter.start();
    } catch (Exception e) {
      LOG.log(Level.SEVERE, "start failed", e);
      err.println(command + ": " + e.getMessage() + " (details in " + log + ")");
      return e instanceof ExitCode code ? code.exitCode() : 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "stopping failed", e);
      }
      NodeLogging.flush();
      stopped.countDown();
    }, "shutdown"));
    String line = servingLine.apply(node);
    LOG.info(line);
    out.println("meridian: " + line + " (log " + log + ")");
    out.flush();
    stopped.await();
    return 0;
  }
}
