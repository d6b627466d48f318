package dev.meridian.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The console's one page ({@code console.html} beside this class): HTML, CSS, JavaScript and SVG
 * charts in one file with no external resources, read once when the class loads.
 */
final class ConsolePage {

  static final String HTML = load();

  private ConsolePage() {}

  private static String load() {
    try (InputStream in = ConsolePage.class.getResourceAsStream("console.html")) {
      if (in == null) {
        throw new IllegalStateException("dev/meridian/server/admin/console.html is missing from the server's classes");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
