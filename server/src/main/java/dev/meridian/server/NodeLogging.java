package dev.meridian.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * A node's logs: java.util.logging to {@code DIR/meridian-0.log}, rotated at 16 MB through {@code
 * meridian-3.log}. JUL because a node needs nothing more and it adds no dependency.
 */
public final class NodeLogging {

  private NodeLogging() {}

  /** Sends every log record of this process to files in {@code dataDir}; returns the current file. */
  public static Path configure(Path dataDir) throws IOException {
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tF %1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n");
    FileHandler handler = new FileHandler(dataDir.resolve("meridian-%g.log").toString(), 16 << 20, 4, true);
    handler.setFormatter(new SimpleFormatter());
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    return dataDir.resolve("meridian-0.log");
  }

  /** Flushes the log files (a shutdown hook's last act). */
  public static void flush() {
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.flush();
    }
  }
}
