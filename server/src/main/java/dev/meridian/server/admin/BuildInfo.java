package dev.meridian.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This build's version, from {@code version.properties} (Maven fills in the project version): what
 * JDBC's database metadata, {@code meridian_build_info} and the console report, one source for all.
 */
public final class BuildInfo {

  public static final String VERSION = load();

  private BuildInfo() {}

  private static String load() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/meridian/server/version.properties")) {
      if (in == null) {
        throw new IllegalStateException("dev/meridian/server/version.properties is missing from the server's classes");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
