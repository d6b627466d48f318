package dev.meridian.jepsen.checker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads Elle histories. EDN: one operation map per line, or one vector of maps, with {@code ;}
 * comments. JSON: one object per line, or one array of objects, with the same field names as EDN
 * ({@code "type":"invoke"}, {@code "value":[["append",1,2],["r",1,null]]}).
 *
 * <p>Every operation must have a known {@code type}. Client operations (those with an integer
 * {@code process}) must carry a vector of micro-operations {@code [f k v]} with {@code f} one of
 * {@code r}, {@code append}, {@code w}; a read may omit its value. Operations whose process is not
 * an integer are kept (they are part of the history) but are not client operations. Anything else
 * is an error naming the line.
 */
public final class HistoryReader {
  /** The two encodings of a history. */
  public enum Format {
    EDN, JSON;

    /** The format a file name suggests, defaulting to EDN. */
    public static Format fromFileName(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      return lower.endsWith(".json") || lower.endsWith(".jsonl") ? JSON : EDN;
    }
  }

  private HistoryReader() {}

  public static List<Op> read(Path file, Format format) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), format);
  }

  public static List<Op> parse(String text, Format format) {
    Map<Object, Integer> lines = new IdentityHashMap<>();
    List<Object> maps = new ArrayList<>();
    List<Integer> topLines = new ArrayList<>();
    if (format == Format.EDN) {
      for (EdnReader.Form f : EdnReader.readAll(text, lines)) {
        maps.add(f.value());
        topLines.add(f.line());
      }
    } else {
      readJson(text, lines, maps, topLines);
    }
    if (maps.size() == 1 && maps.get(0) instanceof List<?> vec) {
      int line = topLines.get(0);
      maps = new ArrayList<>(vec);
      topLines = new ArrayList<>();
      for (Object m : maps) {
        topLines.add(lines.getOrDefault(m, line));
      }
    }
    List<Op> ops = new ArrayList<>(maps.size());
    for (int i = 0; i < maps.size(); i++) {
      ops.add(toOp(maps.get(i), topLines.get(i), i));
    }
    return ops;
  }

  private static void readJson(String text, Map<Object, Integer> lines, List<Object> out,
      List<Integer> outLines) {
    String trimmed = text.strip();
    if (trimmed.startsWith("[")) {
      int skipped = 1;
      for (int i = 0; i < text.length() && Character.isWhitespace(text.charAt(i)); i++) {
        if (text.charAt(i) == '\n') {
          skipped++;
        }
      }
      out.add(Json.read(trimmed, skipped, lines));
      outLines.add(skipped);
      return;
    }
    String[] rows = text.split("\n", -1);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].isBlank()) {
        continue;
      }
      out.add(Json.read(rows[i].strip(), i + 1, lines));
      outLines.add(i + 1);
    }
  }

  private static Object field(Map<?, ?> m, String name) {
    Object v = m.get(Keyword.of(name));
    return v != null ? v : m.get(name);
  }

  private static String name(Object v) {
    if (v instanceof Keyword k) {
      return k.name();
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof EdnReader.Symbol s) {
      return s.name();
    }
    return null;
  }

  private static Op toOp(Object form, int line, int position) {
    if (!(form instanceof Map<?, ?> m)) {
      throw new HistoryFormatException(line,
          "expected an operation map like {:type :ok, :process 0, :value [...]}, found "
              + Edn.print(form));
    }
    Object typeField = field(m, "type");
    String typeName = name(typeField);
    OpType type = typeName == null ? null : OpType.parse(typeName);
    if (type == null) {
      throw new HistoryFormatException(line, typeField == null
          ? "operation has no :type (expected :invoke, :ok, :fail or :info)"
          : "unknown :type " + Edn.print(typeField) + " (expected :invoke, :ok, :fail or :info)");
    }
    Object indexField = field(m, "index");
    long index;
    if (indexField == null) {
      index = position;
    } else if (indexField instanceof Long l) {
      index = l;
    } else {
      throw new HistoryFormatException(line, ":index must be an integer, found "
          + Edn.print(indexField));
    }
    Object proc = field(m, "process");
    Long process = proc instanceof Long l ? l : null;
    Object timeField = field(m, "time");
    Long time = timeField instanceof Long l ? l : null;
    Object f = field(m, "f");
    if (f instanceof String s) {
      f = Keyword.of(s);
    }
    List<Mop> mops = List.of();
    Object value = field(m, "value");
    if (process != null) {
      mops = mops(value, line);
    }
    return new Op(index, type, process, f, mops, time);
  }

  private static List<Mop> mops(Object value, int line) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> txn)) {
      throw new HistoryFormatException(line,
          ":value of a client operation must be a vector of micro-ops, found " + Edn.print(value));
    }
    List<Mop> mops = new ArrayList<>(txn.size());
    for (Object o : txn) {
      if (!(o instanceof List<?> mop) || mop.size() < 2 || mop.size() > 3) {
        throw new HistoryFormatException(line,
            "micro-op must look like [f k v], found " + Edn.print(o));
      }
      String fn = name(mop.get(0));
      Mop.Kind kind = fn == null ? null : Mop.Kind.parse(fn);
      if (kind == null) {
        throw new HistoryFormatException(line, "unknown micro-op function " + Edn.print(mop.get(0))
            + " in " + Edn.print(o) + " (expected r, append or w)");
      }
      Object v = mop.size() == 3 ? mop.get(2) : null;
      if (kind != Mop.Kind.READ && mop.size() != 3) {
        throw new HistoryFormatException(line, "write micro-op has no value: " + Edn.print(o));
      }
      mops.add(new Mop(kind, mop.get(1), v));
    }
    return mops;
  }
}
