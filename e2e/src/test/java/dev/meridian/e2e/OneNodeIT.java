package dev.meridian.e2e;

import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Tests against one real node, started once for the class, with one connection to it. */
abstract class OneNodeIT {

  @TempDir static Path work;
  static NodeProcess node;
  static Connection connection;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeProcess.start(work.resolve("node"));
    connection = Jdbc.connect(node);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (node != null) {
      node.stop();
    }
  }
}
