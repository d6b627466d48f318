package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.Edn;
import dev.meridian.jepsen.checker.Keyword;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The history of a run, written as it happens in Elle's EDN format, one operation map per line:
 *
 * <pre>
 * {:index 0, :time 1234567, :type :invoke, :process 3, :f :txn, :value [[:append 5 1] [:r 6 nil]]}
 * {:index 9, :time 2345678, :type :info, :process :nemesis, :f :kill, :value "n1"}
 * </pre>
 *
 * {@code :index} is the order in which the runner saw the events (real-time order: an operation is
 * logged as invoked before its request is sent and as completed after its answer arrived), {@code
 * :time} nanoseconds since the run began. Lines go straight to the file, so memory does not grow
 * with the run; the report keeps only one small record per completion.
 *
 * <p>Thread-safe: clients and the nemesis log concurrently; one lock orders index and line.
 */
final class HistoryLog implements AutoCloseable {

  /** What the report needs of one completed client operation. */
  record Completion(long timeNanos, long latencyNanos, String type) {}

  /** A fault's start or end, for the report's shaded bands. */
  record NemesisEvent(long timeNanos, String f, String value) {}

  private final BufferedWriter out;
  private final long startNanos;
  private long nextIndex;
  private final List<Completion> completions = new ArrayList<>();
  private final List<NemesisEvent> nemesisEvents = new ArrayList<>();

  HistoryLog(Path file, long startNanos) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.startNanos = startNanos;
  }

  /** Logs an invocation; returns its time, which the completion's latency is measured from. */
  synchronized long invoke(long process, Workload.Operation invocation) {
    long now = System.nanoTime();
    write(now, "invoke", process, invocation.f(), invocation.value(), extra(invocation, null));
    return now;
  }

  /** Logs a completion ({@code ok}, {@code fail} or {@code info}) of an operation invoked at {@code invokedNanos}. */
  synchronized void complete(long process, String type, Workload.Operation completed, long invokedNanos,
      String error) {
    long now = System.nanoTime();
    write(now, type, process, completed.f(), completed.value(), extra(completed, error));
    completions.add(new Completion(now - startNanos, now - invokedNanos, type));
  }

  /** Logs a nemesis event ({@code :process :nemesis}, {@code :type :info}). */
  synchronized void nemesis(String f, String value) {
    long now = System.nanoTime();
    write(now, "info", Keyword.of("nemesis"), f, value);
    nemesisEvents.add(new NemesisEvent(now - startNanos, f, value));
  }

  private static Map<Object, Object> extra(Workload.Operation op, String error) {
    Map<Object, Object> extra = new LinkedHashMap<>();
    op.extra().forEach((name, value) -> extra.put(Keyword.of(name), value));
    if (error != null) {
      extra.put(Keyword.of("error"), error);
    }
    return extra;
  }

  private void write(long now, String type, Object process, String f, Object value) {
    write(now, type, process, f, value, Map.of());
  }

  private void write(long now, String type, Object process, String f, Object value, Map<Object, Object> extra) {
    Map<Object, Object> op = new LinkedHashMap<>();
    op.put(Keyword.of("index"), nextIndex++);
    op.put(Keyword.of("time"), now - startNanos);
    op.put(Keyword.of("type"), Keyword.of(type));
    op.put(Keyword.of("process"), process);
    op.put(Keyword.of("f"), Keyword.of(f));
    op.put(Keyword.of("value"), value);
    op.putAll(extra);
    try {
      out.write(Edn.print(op));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the history", e);
    }
  }

  synchronized List<Completion> completions() {
    return List.copyOf(completions);
  }

  synchronized List<NemesisEvent> nemesisEvents() {
    return List.copyOf(nemesisEvents);
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
