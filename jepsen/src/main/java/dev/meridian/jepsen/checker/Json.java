package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON reader and writer: enough for history files and the checker's report, so the module
 * needs no third-party library at run time.
 *
 * <p>Reading: objects become {@link LinkedHashMap}s with string keys, arrays {@link ArrayList}s,
 * integral numbers {@link Long}s, other numbers {@link Double}s, {@code null} Java {@code null}.
 * Writing accepts those plus {@link Keyword}s (written as their name), sets and other
 * collections (as arrays), and map keys of any type (written as their EDN text unless strings).
 */
public final class Json {
  private final String text;
  private final Map<Object, Integer> objectLines;
  private int pos;
  private int line = 1;

  private Json(String text, Map<Object, Integer> objectLines) {
    this.text = text;
    this.objectLines = objectLines;
  }

  /** Reads one JSON value; {@code firstLine} numbers errors. */
  public static Object read(String text, int firstLine) {
    return read(text, firstLine, null);
  }

  /**
   * Reads one JSON value, recording in {@code objectLines} (an identity map, if given) the line
   * where each object starts.
   */
  public static Object read(String text, int firstLine, Map<Object, Integer> objectLines) {
    Json j = new Json(text, objectLines);
    j.line = firstLine;
    Object v = j.value();
    j.ws();
    if (j.pos != text.length()) {
      throw j.error("unexpected text after the JSON value");
    }
    return v;
  }

  public static Object read(String text) {
    return read(text, 1);
  }

  private HistoryFormatException error(String problem) {
    return new HistoryFormatException(line, problem);
  }

  private void ws() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n') {
        line++;
      } else if (!Character.isWhitespace(c)) {
        return;
      }
      pos++;
    }
  }

  private Object value() {
    ws();
    if (pos >= text.length()) {
      throw error("unexpected end of JSON input");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{': {
        int startLine = line;
        pos++;
        Map<String, Object> m = object();
        if (objectLines != null) {
          objectLines.put(m, startLine);
        }
        return m;
      }
      case '[':
        pos++;
        return array();
      case '"':
        pos++;
        return string();
      default:
        if (text.startsWith("true", pos)) {
          pos += 4;
          return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
          pos += 5;
          return Boolean.FALSE;
        }
        if (text.startsWith("null", pos)) {
          pos += 4;
          return null;
        }
        return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (pos < text.length() && text.charAt(pos) == '}') {
      pos++;
      return m;
    }
    while (true) {
      ws();
      if (pos >= text.length() || text.charAt(pos) != '"') {
        throw error("expected a string key in JSON object");
      }
      pos++;
      String k = string();
      ws();
      expect(':');
      m.put(k, value());
      ws();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect('}');
      return m;
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    ws();
    if (pos < text.length() && text.charAt(pos) == ']') {
      pos++;
      return l;
    }
    while (true) {
      l.add(value());
      ws();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect(']');
      return l;
    }
  }

  private void expect(char c) {
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw error("expected '" + c + "' in JSON");
    }
    pos++;
  }

  private String string() {
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return sb.toString();
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
    throw error("JSON string is not closed");
  }

  private Object number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String t = text.substring(start, pos);
    if (t.isEmpty()) {
      throw error("unexpected character '" + text.charAt(pos) + "' in JSON");
    }
    try {
      if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
        return Long.parseLong(t);
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw error("malformed JSON number '" + t + "'");
    }
  }

  /** Writes {@code v} as compact JSON. */
  public static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v);
    return sb.toString();
  }

  public static void write(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(sb, s);
    } else if (v instanceof Keyword k) {
      quote(sb, k.name());
    } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
      sb.append(v);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        Object k = e.getKey();
        quote(sb, k instanceof String s ? s : k instanceof Keyword kw ? kw.name() : Edn.print(k));
        sb.append(':');
        write(sb, e.getValue());
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      sb.append('}');
    } else if (v instanceof Collection<?> c) {
      sb.append('[');
      Iterator<?> it = c.iterator();
      while (it.hasNext()) {
        write(sb, it.next());
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      sb.append(']');
    } else {
      quote(sb, v.toString());
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
