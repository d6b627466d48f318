package dev.meridian.e2e;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The client side of the end-to-end tests: the shaded driver jar in a class loader of its own
 * whose parent is the platform loader, so no class of the project (nor anything on the tests' class
 * path) is visible to it. Tests see only {@code java.sql}.
 */
final class Jdbc {

  private static Driver driver;

  private Jdbc() {}

  static synchronized Driver driver() throws Exception {
    if (driver == null) {
      Path jar = Path.of(NodeProcess.requiredProperty("meridian.e2e.driverJar"));
      URLClassLoader loader = new URLClassLoader("meridian-jdbc", new URL[] {jar.toUri().toURL()},
          ClassLoader.getPlatformClassLoader());
      driver = (Driver) Class.forName("dev.meridian.jdbc.Driver", true, loader).getDeclaredConstructor().newInstance();
    }
    return driver;
  }

  static Connection connect(NodeProcess node) throws Exception {
    return connect(node, new Properties());
  }

  static Connection connect(NodeProcess node, Properties properties) throws Exception {
    Connection connection = driver().connect(node.jdbcUrl(), properties);
    if (connection == null) {
      throw new SQLException("the driver did not accept " + node.jdbcUrl());
    }
    return connection;
  }

  /** Runs statements that return no rows. */
  static void exec(Connection connection, String... sqls) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : sqls) {
        statement.execute(sql);
      }
    }
  }
}
