package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Session and real-time orders between operations, as Elle's {@code process-graph} and
 * {@code realtime-graph} build them.
 *
 * <p>Glossary: the <em>process order</em> links each committed operation to the next committed
 * operation of the same process. The <em>real-time order</em> links committed T1 to T2 when T1
 * completed before T2 was invoked; we keep only a transitive reduction of it: a buffer holds the
 * committed operations not yet followed by another committed one, each invocation is linked from
 * everything in the buffer, and a completion evicts from the buffer the operations that precede it.
 * Edges end at completions (ok, info or fail) because graphs relate completions.
 */
public final class Orders {
  private Orders() {}

  public static DependencyGraph process(History h) {
    DependencyGraph.Builder b = new DependencyGraph.Builder(h.size());
    Map<Long, Integer> lastOk = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (!op.isOk()) {
        continue;
      }
      Integer prev = lastOk.put(op.process(), id);
      if (prev != null) {
        b.link(prev, id, Rels.PROCESS);
      }
    }
    return b.build();
  }

  public static DependencyGraph realtime(History h) {
    DependencyGraph.Builder b = new DependencyGraph.Builder(h.size());
    Set<Integer> buffer = new LinkedHashSet<>();
    Map<Integer, List<Integer>> predecessors = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      switch (op.type()) {
        case INVOKE -> {
          int done = h.completion(id);
          if (done >= 0 && !buffer.isEmpty()) {
            List<Integer> preds = new ArrayList<>(buffer);
            for (int p : preds) {
              b.link(p, done, Rels.REALTIME);
            }
            predecessors.put(done, preds);
          }
        }
        case OK -> {
          List<Integer> preds = predecessors.remove(id);
          if (preds != null) {
            preds.forEach(buffer::remove);
          }
          buffer.add(id);
        }
        default -> predecessors.remove(id);
      }
    }
    return b.build();
  }

  /** Explains process edges. */
  public static PairExplainer processExplainer(History h) {
    return (from, to, rel) -> {
      Op a = h.op(from);
      Op b = h.op(to);
      if (rel != Rels.PROCESS || !a.process().equals(b.process())) {
        return null;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "process");
      m.put("process", a.process());
      m.put("why", "process " + a.process() + " executed T" + a.index() + " before T" + b.index());
      return m;
    };
  }

  /** Explains realtime edges. */
  public static PairExplainer realtimeExplainer(History h) {
    return (from, to, rel) -> {
      if (rel != Rels.REALTIME) {
        return null;
      }
      Op a = h.op(from);
      int inv = h.invocation(to);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "realtime");
      m.put("why", "T" + a.index() + " completed at index " + a.index()
          + " before the invocation of T" + h.op(to).index()
          + (inv >= 0 ? ", at index " + h.op(inv).index() : ""));
      return m;
    };
  }
}
