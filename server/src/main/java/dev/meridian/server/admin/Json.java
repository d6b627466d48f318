package dev.meridian.server.admin;

/** The little JSON the admin endpoint writes by hand. */
public final class Json {

  private Json() {}

  /** {@code text} as the inside of a JSON string: quotes and backslashes escaped, control characters blanked. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> out.append(c < 0x20 ? ' ' : c);
      }
    }
    return out.toString();
  }
}
