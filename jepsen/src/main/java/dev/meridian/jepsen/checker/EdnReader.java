package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small reader for the subset of EDN that Jepsen histories use.
 *
 * <p>Glossary: a <em>form</em> is one EDN value at the top level of the input. Maps become
 * {@link LinkedHashMap}s, vectors and lists {@link ArrayList}s, sets {@link LinkedHashSet}s,
 * keywords {@link Keyword}s, integers {@link Long}s, {@code nil} Java {@code null}. Symbols are read
 * as keywords-without-colon strings so that values like Elle's {@code '...} survive. Tagged
 * literals ({@code #inst "..."}) keep only their value, which is all a checker needs.
 *
 * <p>Commas are whitespace and {@code ;} starts a comment to the end of the line, as in EDN.
 */
public final class EdnReader {
  /** A top-level form and the line where it starts. */
  public record Form(Object value, int line) {}

  private final String text;
  private final Map<Object, Integer> mapLines;
  private int pos;
  private int line = 1;

  private EdnReader(String text, Map<Object, Integer> mapLines) {
    this.text = text;
    this.mapLines = mapLines;
  }

  /** Reads every top-level form of {@code text}. */
  public static List<Form> readAll(String text) {
    return readAll(text, null);
  }

  /**
   * Reads every top-level form, recording in {@code mapLines} (an identity map, if given) the line
   * where each map starts, so that errors about nested maps can name their line.
   */
  public static List<Form> readAll(String text, Map<Object, Integer> mapLines) {
    EdnReader r = new EdnReader(text, mapLines);
    List<Form> forms = new ArrayList<>();
    while (true) {
      r.skipWhitespace();
      if (r.pos >= r.text.length()) {
        return forms;
      }
      int startLine = r.line;
      forms.add(new Form(r.readForm(), startLine));
    }
  }

  /** Reads exactly one form; trailing non-whitespace is an error. */
  public static Object readOne(String text) {
    List<Form> forms = readAll(text);
    if (forms.size() != 1) {
      throw new HistoryFormatException(forms.isEmpty() ? 1 : forms.get(1).line(),
          "expected exactly one EDN form, found " + forms.size());
    }
    return forms.get(0).value();
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n') {
        line++;
        pos++;
      } else if (Character.isWhitespace(c) || c == ',') {
        pos++;
      } else if (c == ';') {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private HistoryFormatException error(String problem) {
    return new HistoryFormatException(line, problem);
  }

  private Object readForm() {
    skipWhitespace();
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{': {
        int startLine = line;
        pos++;
        Map<Object, Object> m = readMap();
        if (mapLines != null) {
          mapLines.put(m, startLine);
        }
        return m;
      }
      case '[':
      case '(':
        pos++;
        return readSeq(c == '[' ? ']' : ')');
      case '"':
        pos++;
        return readString();
      case ':':
        pos++;
        return Keyword.of(readToken());
      case '#':
        pos++;
        if (pos < text.length() && text.charAt(pos) == '{') {
          pos++;
          return new LinkedHashSet<>(readSeq('}'));
        }
        if (pos < text.length() && text.charAt(pos) == '_') {
          pos++;
          readForm();
          return readForm();
        }
        readToken();
        return readForm();
      case '\'':
        pos++;
        return readForm();
      case '}':
      case ']':
      case ')':
        throw error("unexpected '" + c + "'");
      default:
        return atom(readToken());
    }
  }

  private Map<Object, Object> readMap() {
    Map<Object, Object> m = new LinkedHashMap<>();
    while (true) {
      skipWhitespace();
      if (pos >= text.length()) {
        throw error("map is not closed: missing '}'");
      }
      if (text.charAt(pos) == '}') {
        pos++;
        return m;
      }
      Object k = readForm();
      skipWhitespace();
      if (pos < text.length() && text.charAt(pos) == '}') {
        throw error("map has a key " + Edn.print(k) + " without a value");
      }
      m.put(k, readForm());
    }
  }

  private List<Object> readSeq(char close) {
    List<Object> items = new ArrayList<>();
    while (true) {
      skipWhitespace();
      if (pos >= text.length()) {
        throw error("collection is not closed: missing '" + close + "'");
      }
      char c = text.charAt(pos);
      if (c == close) {
        pos++;
        return items;
      }
      if (c == ']' || c == ')' || c == '}') {
        throw error("expected '" + close + "' but found '" + c + "'");
      }
      items.add(readForm());
    }
  }

  private String readString() {
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\\') {
        if (pos >= text.length()) {
          break;
        }
        pos = StringEscapes.decode(text, pos, sb, this::error);
      } else {
        sb.append(c);
      }
    }
    throw error("string is not closed: missing '\"'");
  }

  private String readToken() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c) || c == ',' || c == ';' || "{}[]()\"".indexOf(c) >= 0) {
        break;
      }
      pos++;
    }
    if (start == pos) {
      throw error("expected a value but found '" + text.charAt(pos) + "'");
    }
    return text.substring(start, pos);
  }

  private Object atom(String token) {
    switch (token) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        break;
    }
    char c = token.charAt(0);
    if (Character.isDigit(c) || ((c == '-' || c == '+') && token.length() > 1
        && Character.isDigit(token.charAt(1)))) {
      String t = token.endsWith("N") ? token.substring(0, token.length() - 1) : token;
      try {
        return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
      } catch (NumberFormatException notALong) {
        try {
          return Double.parseDouble(t.endsWith("M") ? t.substring(0, t.length() - 1) : t);
        } catch (NumberFormatException notANumber) {
          throw error("malformed number '" + token + "'");
        }
      }
    }
    return new Symbol(token);
  }

  /** An EDN symbol, e.g. {@code ...} in Elle's unknown-prefix marker. */
  public record Symbol(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Convenience for a set built from varargs, used by tests. */
  static Set<Object> setOf(Object... items) {
    return new LinkedHashSet<>(List.of(items));
  }
}
