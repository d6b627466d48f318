package dev.meridian.frameworks;

import dev.meridian.e2e.NodeProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One real node per test class, reached the way an application reaches it: the shaded driver is on
 * the class path and registers itself with {@link DriverManager}, and the frameworks get nothing
 * but a JDBC URL (or a pool made from one).
 */
final class RunningNode implements AutoCloseable {

  private final NodeProcess node;

  private RunningNode(NodeProcess node) {
    this.node = node;
  }

  static RunningNode start(Path work) throws Exception {
    Files.createDirectories(work);
    System.setProperty("meridian.e2e.serverClasspath", serverClasspath());
    return new RunningNode(NodeProcess.start(work.resolve("node")));
  }

  /** The server module's jar and the class path its build wrote (what bin/meridian runs it on). */
  private static String serverClasspath() throws IOException {
    Path target = Path.of(NodeProcess.requiredProperty("meridian.frameworks.serverTarget"));
    return target.resolve("meridian-server.jar") + File.pathSeparator
        + Files.readString(target.resolve("classpath.txt")).strip();
  }

  String url() {
    return node.jdbcUrl();
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  void exec(String... sqls) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String sql : sqls) {
        s.execute(sql);
      }
    }
  }

  @Override
  public void close() throws Exception {
    node.stop();
  }
}
