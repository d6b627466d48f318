package dev.meridian.jepsen.checker;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Prints the values {@link EdnReader} produces back as EDN, for histories and explanations. */
public final class Edn {
  private Edn() {}

  public static String print(Object v) {
    StringBuilder sb = new StringBuilder();
    print(sb, v);
    return sb.toString();
  }

  public static void print(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("nil");
    } else if (v instanceof String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          default -> sb.append(c);
        }
      }
      sb.append('"');
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        print(sb, e.getKey());
        sb.append(' ');
        print(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof Set<?> s) {
      sb.append("#{");
      seq(sb, s);
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      seq(sb, l);
      sb.append(']');
    } else {
      sb.append(v);
    }
  }

  private static void seq(StringBuilder sb, Collection<?> c) {
    Iterator<?> it = c.iterator();
    while (it.hasNext()) {
      print(sb, it.next());
      if (it.hasNext()) {
        sb.append(' ');
      }
    }
  }
}
