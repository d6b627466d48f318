package dev.meridian.jepsen.checker;

import java.util.function.Function;

/**
 * The backslash escapes that EDN and JSON strings share: {@code \n \t \r \b \f \\uXXXX}, and any
 * other character standing for itself (so {@code \"} and {@code \\} too).
 */
final class StringEscapes {

  private StringEscapes() {}

  /**
   * Decodes the escape whose letter is at {@code text[pos]} into {@code out}.
   *
   * @return the position after the escape
   */
  static int decode(String text, int pos, StringBuilder out, Function<String, RuntimeException> error) {
    char escape = text.charAt(pos++);
    switch (escape) {
      case 'n' -> out.append('\n');
      case 't' -> out.append('\t');
      case 'r' -> out.append('\r');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'u' -> {
        if (pos + 4 > text.length()) {
          throw error.apply("truncated \\u escape in string");
        }
        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
        pos += 4;
      }
      default -> out.append(escape);
    }
    return pos;
  }
}
