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
 * ({@code "type":"invoke"}, {@code "value":[["append",1,2],["r",1,null]]}). Jepsen's log
 * ({@link JepsenLog}): one operation per {@code jepsen.util} line, read into the same maps.
 * Transactions are read with {@link #parse}, register operations with {@link #parseRegister}.
 *
 * <p>Every operation must have a known {@code type}. Client operations (those with an integer
 * {@code process}) must carry a vector of micro-operations {@code [f k v]} with {@code f} one of
 * {@code r}, {@code append}, {@code w}; a read may omit its value. Operations whose process is not
 * an integer are kept (they are part of the history) but are not client operations. Anything else
 * is an error naming the line.
 */
public final class HistoryReader {
  /** The encodings of a history: EDN, JSON, or the lines Jepsen logs ({@link JepsenLog}). */
  public enum Format {
    EDN, JSON, JEPSEN_LOG;

    /** The format a file name suggests: {@code .json}/{@code .jsonl}, {@code .log}, else EDN. */
    public static Format fromFileName(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".json") || lower.endsWith(".jsonl")) {
        return JSON;
      }
      return lower.endsWith(".log") ? JEPSEN_LOG : EDN;
    }

    /** The format named on the command line ({@code edn}, {@code json}, {@code jepsen-log}). */
    public static Format parse(String cliName) {
      return switch (cliName) {
        case "edn" -> EDN;
        case "json" -> JSON;
        case "jepsen-log" -> JEPSEN_LOG;
        default -> null;
      };
    }
  }

  private HistoryReader() {}

  public static List<Op> read(Path file, Format format) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), format);
  }

  /** Reads a register history ({@link #parseRegister}) from a file. */
  public static List<Op> readRegister(Path file, Format format) throws IOException {
    return parseRegister(Files.readString(file, StandardCharsets.UTF_8), format);
  }

  /** Reads a history of transactions: each client operation's value is a vector of micro-ops. */
  public static List<Op> parse(String text, Format format) {
    Forms forms = forms(text, format);
    List<Op> ops = new ArrayList<>(forms.maps.size());
    for (int i = 0; i < forms.maps.size(); i++) {
      ops.add(toOp(forms.maps.get(i), forms.lines.get(i), i, null));
    }
    return ops;
  }

  /**
   * Reads a history of compare-and-set registers, as Jepsen's {@code cas-register} model sees them:
   * {@code :f} is {@code :read}, {@code :write} or {@code :cas}, and {@code :value} the read's
   * result ({@code nil} when unset or unknown), the written value, or {@code [old new]}. Each
   * client operation becomes an operation of one micro-op ({@link Mop}).
   *
   * <p>Independent keys (Jepsen's {@code jepsen.independent}): when every invocation and
   * {@code :ok} completion has a value {@code [k v]} whose {@code v} fits its {@code :f} (for a cas,
   * {@code v} is itself {@code [old new]}), the history is of many registers, {@code k} naming each;
   * otherwise it is of one register, whose micro-ops have key {@code null}. (A one-register history
   * always has a read invocation with value {@code nil}, so the two cannot be confused in practice.)
   * The value of an {@code :info} or {@code :fail} completion is often a reason such as
   * {@code :timed-out}; it is kept only if it fits, since those operations' effects come from their
   * invocation.
   */
  public static List<Op> parseRegister(String text, Format format) {
    Forms forms = forms(text, format);
    boolean independent = true;
    boolean any = false;
    for (Object form : forms.maps) {
      if (form instanceof Map<?, ?> m && field(m, "process") instanceof Long) {
        OpType type = OpType.parse(String.valueOf(name(field(m, "type"))));
        if (type == OpType.INVOKE || type == OpType.OK) {
          any = true;
          independent &= field(m, "value") instanceof List<?> kv && kv.size() == 2
              && fitsRegister(name(field(m, "f")), kv.get(1));
        }
      }
    }
    Boolean keyed = any && independent;
    List<Op> ops = new ArrayList<>(forms.maps.size());
    for (int i = 0; i < forms.maps.size(); i++) {
      ops.add(toOp(forms.maps.get(i), forms.lines.get(i), i, keyed));
    }
    return ops;
  }

  private static boolean fitsRegister(String f, Object value) {
    return !"cas".equals(f) || value instanceof List<?> l && l.size() == 2;
  }

  /** The top-level operation maps of a history and the line each starts on. */
  private record Forms(List<Object> maps, List<Integer> lines) {}

  private static Forms forms(String text, Format format) {
    Map<Object, Integer> lines = new IdentityHashMap<>();
    List<Object> maps = new ArrayList<>();
    List<Integer> topLines = new ArrayList<>();
    switch (format) {
      case EDN -> {
        for (EdnReader.Form f : EdnReader.readAll(text, lines)) {
          maps.add(f.value());
          topLines.add(f.line());
        }
      }
      case JSON -> readJson(text, lines, maps, topLines);
      case JEPSEN_LOG -> {
        for (EdnReader.Form f : JepsenLog.read(text)) {
          maps.add(f.value());
          topLines.add(f.line());
        }
      }
    }
    if (maps.size() == 1 && maps.get(0) instanceof List<?> vec) {
      int line = topLines.get(0);
      maps = new ArrayList<>(vec);
      topLines = new ArrayList<>();
      for (Object m : maps) {
        topLines.add(lines.getOrDefault(m, line));
      }
    }
    return new Forms(maps, topLines);
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

  /**
   * One operation; {@code keyedRegister} is null for a transaction, else whether a register
   * operation's value is {@code [k v]}.
   */
  private static Op toOp(Object form, int line, int position, Boolean keyedRegister) {
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
      mops = keyedRegister == null ? mops(value, line)
          : registerMop(f, type, value, keyedRegister, line);
    }
    return new Op(index, type, process, f, mops, time);
  }

  private static List<Mop> registerMop(Object f, OpType type, Object value, boolean keyed,
      int line) {
    String fn = name(f);
    Mop.Kind kind = fn == null ? null : switch (fn) {
      case "read" -> Mop.Kind.READ;
      case "write" -> Mop.Kind.WRITE;
      case "cas" -> Mop.Kind.CAS;
      default -> null;
    };
    if (kind == null) {
      throw new HistoryFormatException(line, "a register operation's :f must be :read, :write or"
          + " :cas, found " + Edn.print(f));
    }
    Object key = null;
    Object v = value;
    if (keyed) {
      if (!(value instanceof List<?> kv && kv.size() == 2)) {
        return List.of();
      }
      key = kv.get(0);
      v = kv.get(1);
    }
    boolean effectKnown = type == OpType.INVOKE || type == OpType.OK;
    if (!fitsRegister(fn, v)) {
      if (effectKnown) {
        throw new HistoryFormatException(line, "a cas's value must be [old new], found "
            + Edn.print(value));
      }
      return List.of();
    }
    if (kind == Mop.Kind.READ && type == OpType.INVOKE) {
      v = null;
    }
    return List.of(new Mop(kind, key, v));
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
      if (kind == null || kind == Mop.Kind.CAS) {
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
