package dev.meridian.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version as the build writes it ({@code 0.1.0-SNAPSHOT}), with the major and minor numbers
 * JDBC asks for. The driver's own comes from {@code version.properties}, which Maven fills in from
 * the project version when it builds the jar.
 */
record BuildVersion(String text, int major, int minor) {

  static final String DRIVER_NAME = "Meridian JDBC driver";

  private static final Pattern NUMBERS = Pattern.compile("(\\d+)(?:\\.(\\d+))?.*");

  private static final BuildVersion DRIVER = load();

  static BuildVersion driver() {
    return DRIVER;
  }

  /** {@code text}'s leading {@code major.minor}; 0 for what is not there. */
  static BuildVersion parse(String text) {
    Matcher m = NUMBERS.matcher(text.trim());
    if (!m.matches()) {
      return new BuildVersion(text, 0, 0);
    }
    return new BuildVersion(text, Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
  }

  private static BuildVersion load() {
    try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("dev/meridian/jdbc/version.properties is missing from the driver jar");
      }
      Properties properties = new Properties();
      properties.load(in);
      return parse(properties.getProperty("version"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
