package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Read-write register analysis (Elle §5): reads show which write they observed (wr edges), but the
 * version order must be inferred: the initial state {@code nil} precedes every value, and the
 * optional assumptions add more — {@code wfr-keys} (within a transaction, its write of a key
 * follows its read of it), {@code sequential-keys} (each key is sequentially consistent, so the
 * process order orders versions) and {@code linearizable-keys} (each key is linearizable, so the
 * real-time order does). Each source is merged only if the version graphs stay acyclic; otherwise
 * the cycle is reported as cyclic-versions and that source is skipped.
 *
 * <p>Glossary: a transaction's <em>external read</em> of k is its first read of k before writing
 * it; its <em>external write</em> of k is its last write of k. Versions are values, {@code null}
 * being the initial state.
 */
public final class RwRegisterAnalyzer {
  private static final Object NONE = new Object();

  private final History h;
  private final boolean linearizableKeys;
  private final boolean sequentialKeys;
  private final boolean wfrKeys;
  private final Map<Long, Long> transactionOrder;
  private final List<Map<Object, Object>> extReads;
  private final List<Map<Object, Object>> extWrites;

  public RwRegisterAnalyzer(History h, boolean linearizableKeys, boolean sequentialKeys,
      boolean wfrKeys, Map<Long, Long> transactionOrder) {
    this.h = h;
    this.transactionOrder = transactionOrder;
    this.linearizableKeys = linearizableKeys;
    this.sequentialKeys = sequentialKeys;
    this.wfrKeys = wfrKeys;
    extReads = new ArrayList<>(h.size());
    extWrites = new ArrayList<>(h.size());
    for (Op op : h.ops()) {
      Map<Object, Object> reads = new LinkedHashMap<>();
      Map<Object, Object> writes = new LinkedHashMap<>();
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.WRITE) {
          writes.put(m.key(), m.value());
        } else if (m.isRead() && !writes.containsKey(m.key()) && !reads.containsKey(m.key())) {
          reads.put(m.key(), m.value());
        }
      }
      extReads.add(reads);
      extWrites.add(writes);
    }
  }

  private static void add(Map<String, List<Object>> anomalies, String type, Object c) {
    anomalies.computeIfAbsent(type, k -> new ArrayList<>()).add(c);
  }

  public Analysis analyze(Map<String, List<Object>> anomalies) {
    for (Op op : h.ops()) {
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.APPEND) {
          throw new CheckException("unexpected-txn-micro-op-types",
              "rw-register history contains an append " + m + " (op " + op.index() + ")");
        }
      }
    }
    g1aAndG1b(anomalies);
    internal(anomalies);
    LostUpdate.find(h, Mop.Kind.WRITE, anomalies);
    Map<Object, Map<Object, Set<Object>>> versions = versionGraphs(anomalies);
    return graph(versions);
  }

  private void g1aAndG1b(Map<String, List<Object>> anomalies) {
    Map<Object, Map<Object, Integer>> failed = new HashMap<>();
    Map<Object, Map<Object, Integer>> intermediate = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      Map<Object, Object> last = new HashMap<>();
      for (Mop m : op.mops()) {
        if (m.kind() != Mop.Kind.WRITE) {
          continue;
        }
        if (op.type() == OpType.FAIL) {
          failed.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.value(), id);
        }
        if (last.containsKey(m.key())) {
          intermediate.computeIfAbsent(m.key(), k -> new HashMap<>()).put(last.get(m.key()), id);
        }
        last.put(m.key(), m.value());
      }
    }
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (!op.isOk()) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (!m.isRead()) {
          continue;
        }
        Integer w = failed.getOrDefault(m.key(), java.util.Collections.emptyMap()).get(m.value());
        if (w != null) {
          add(anomalies, "G1a", readCase(op, m, w, "which failed"));
        }
        Integer im = intermediate.getOrDefault(m.key(), java.util.Collections.emptyMap()).get(m.value());
        if (im != null && im != id) {
          add(anomalies, "G1b", readCase(op, m, im, "and then overwrote: an intermediate state"));
        }
      }
    }
  }

  private Map<String, Object> readCase(Op op, Mop m, int writer, String what) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("op", op.toData());
    c.put("mop", m.toData());
    c.put("writer", h.op(writer).toData());
    c.put("why", "T" + op.index() + " read " + Edn.print(m.key()) + " = " + Edn.print(m.value())
        + ", written by T" + h.op(writer).index() + " " + what);
    return c;
  }

  private void internal(Map<String, List<Object>> anomalies) {
    for (Op op : h.ops()) {
      if (!op.isOk()) {
        continue;
      }
      Map<Object, Object> state = new HashMap<>();
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.WRITE) {
          state.put(m.key(), m.value());
        } else {
          Object s = state.get(m.key());
          if (s != null && !s.equals(m.value())) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("op", op.toData());
            c.put("mop", m.toData());
            c.put("expected", s);
            c.put("why", "T" + op.index() + " read " + Edn.print(m.key()) + " = "
                + Edn.print(m.value()) + " after it had itself set or read it as " + Edn.print(s));
            add(anomalies, "internal", c);
            break;
          }
          state.put(m.key(), m.value());
        }
      }
    }
  }

  // ---- version order inference ----

  private static void link(Map<Object, Map<Object, Set<Object>>> vgs, Object k, Object v1,
      Object v2) {
    if (Objects.equals(v1, v2)) {
      return;
    }
    vgs.computeIfAbsent(k, x -> new HashMap<>()).computeIfAbsent(v1, x -> new LinkedHashSet<>())
        .add(v2);
  }

  private Map<Object, Map<Object, Set<Object>>> initialState() {
    Map<Object, Map<Object, Set<Object>>> vgs = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (op.type() == OpType.INVOKE || op.type() == OpType.FAIL) {
        continue;
      }
      for (Map.Entry<Object, Object> e : extWrites.get(id).entrySet()) {
        if (e.getValue() != null) {
          link(vgs, e.getKey(), null, e.getValue());
        }
      }
      if (op.isOk()) {
        for (Map.Entry<Object, Object> e : extReads.get(id).entrySet()) {
          if (e.getValue() != null) {
            link(vgs, e.getKey(), null, e.getValue());
          }
        }
      }
    }
    return vgs;
  }

  private Map<Object, Map<Object, Set<Object>>> writesFollowReads() {
    Map<Object, Map<Object, Set<Object>>> vgs = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      if (!h.op(id).isOk()) {
        continue;
      }
      Map<Object, Object> writes = extWrites.get(id);
      for (Map.Entry<Object, Object> e : extReads.get(id).entrySet()) {
        if (e.getValue() != null && writes.get(e.getKey()) != null) {
          link(vgs, e.getKey(), e.getValue(), writes.get(e.getKey()));
        }
      }
    }
    return vgs;
  }

  /** Each key's versions in the order of the (ranked, committed) transactions that wrote them. */
  private Map<Object, Map<Object, Set<Object>>> fromKnownOrder() {
    List<Integer> ranked = new ArrayList<>();
    for (int id = 0; id < h.size(); id++) {
      if (h.op(id).isOk() && transactionOrder.containsKey(h.op(id).index())) {
        ranked.add(id);
      }
    }
    ranked.sort((a, b) -> Long.compare(transactionOrder.get(h.op(a).index()),
        transactionOrder.get(h.op(b).index())));
    Map<Object, Object> last = new HashMap<>();
    Map<Object, Map<Object, Set<Object>>> vgs = new HashMap<>();
    for (int id : ranked) {
      for (Map.Entry<Object, Object> w : extWrites.get(id).entrySet()) {
        if (last.containsKey(w.getKey())) {
          link(vgs, w.getKey(), last.get(w.getKey()), w.getValue());
        }
        last.put(w.getKey(), w.getValue());
      }
    }
    return vgs;
  }

  private Set<Object> extKeys(int id) {
    Op op = h.op(id);
    Set<Object> keys = new LinkedHashSet<>();
    if (op.isOk()) {
      keys.addAll(extReads.get(id).keySet());
      keys.addAll(extWrites.get(id).keySet());
    } else if (op.type() == OpType.INFO) {
      keys.addAll(extWrites.get(id).keySet());
    }
    return keys;
  }

  /**
   * Versions ordered by a transaction order (process or real-time), assuming T1 before T2 means
   * T1's last version of each key precedes the first version T2 sees of it. For each operation we
   * find, per key, the nearest operations after it that touch the key.
   */
  private Map<Object, Map<Object, Set<Object>>> fromTransactionOrder(DependencyGraph order) {
    int n = h.size();
    List<Map<Object, Set<Integer>>> downstream = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      downstream.add(null);
    }
    Map<Object, Map<Object, Set<Object>>> vgs = new HashMap<>();
    // Order edges point forward in the history, so successors are done before predecessors.
    for (int a = n - 1; a >= 0; a--) {
      Map<Object, Set<Integer>> ds = new HashMap<>();
      for (int e = order.edgeStart(a); e < order.edgeEnd(a); e++) {
        int b = order.target(e);
        Set<Object> bKeys = extKeys(b);
        Map<Object, Set<Integer>> bDown = downstream.get(b);
        if (bDown != null) {
          for (Map.Entry<Object, Set<Integer>> x : bDown.entrySet()) {
            if (!bKeys.contains(x.getKey())) {
              ds.computeIfAbsent(x.getKey(), k -> new LinkedHashSet<>()).addAll(x.getValue());
            }
          }
        }
        for (Object k : bKeys) {
          ds.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(b);
        }
      }
      downstream.set(a, ds);
      Op opA = h.op(a);
      for (Map.Entry<Object, Set<Integer>> x : ds.entrySet()) {
        Object k = x.getKey();
        Object v1;
        if (opA.isOk()) {
          Object w = extWrites.get(a).get(k);
          v1 = w != null ? w : extReads.get(a).get(k);
        } else if (opA.type() == OpType.INFO) {
          v1 = extWrites.get(a).containsKey(k) ? extWrites.get(a).get(k) : NONE;
        } else {
          v1 = NONE;
        }
        if (v1 == NONE) {
          continue;
        }
        for (int b : x.getValue()) {
          Op opB = h.op(b);
          Object v2;
          if (opB.isOk()) {
            Object r = extReads.get(b).get(k);
            v2 = r != null ? r : extWrites.get(b).get(k);
          } else if (opB.type() == OpType.INFO) {
            v2 = extWrites.get(b).containsKey(k) ? extWrites.get(b).get(k) : NONE;
          } else {
            v2 = NONE;
          }
          if (v2 != NONE) {
            link(vgs, k, v1, v2);
          }
        }
      }
    }
    return vgs;
  }

  private static Map<Object, Map<Object, Set<Object>>> union(
      Map<Object, Map<Object, Set<Object>>> a, Map<Object, Map<Object, Set<Object>>> b) {
    Map<Object, Map<Object, Set<Object>>> out = new HashMap<>();
    for (Map<Object, Map<Object, Set<Object>>> g : List.of(a, b)) {
      g.forEach((k, edges) -> edges.forEach((v1, v2s) -> v2s.forEach(v2 -> link(out, k, v1, v2))));
    }
    return out;
  }

  /** Cycles (as strongly connected version sets) in each key's version graph. */
  private static List<Object> versionCycles(Map<Object, Map<Object, Set<Object>>> vgs) {
    List<Object> cases = new ArrayList<>();
    for (Map.Entry<Object, Map<Object, Set<Object>>> e : vgs.entrySet()) {
      Map<Object, Integer> ids = new LinkedHashMap<>();
      List<Object> values = new ArrayList<>();
      e.getValue().forEach((v1, v2s) -> {
        for (Object v : concat(v1, v2s)) {
          if (!ids.containsKey(v)) {
            ids.put(v, ids.size());
            values.add(v);
          }
        }
      });
      DependencyGraph.Builder b = new DependencyGraph.Builder(values.size());
      e.getValue().forEach((v1, v2s) -> v2s.forEach(v2 -> b.link(ids.get(v1), ids.get(v2), 1)));
      DependencyGraph g = b.build();
      for (int[] scc : new Tarjan(g).components(r -> true)) {
        Set<Object> vs = new LinkedHashSet<>();
        for (int i : scc) {
          vs.add(values.get(i));
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("key", e.getKey());
        c.put("scc", vs);
        c.put("why", "the inferred version order of key " + Edn.print(e.getKey())
            + " is cyclic over versions " + Edn.print(vs));
        cases.add(c);
      }
    }
    return cases;
  }

  private static List<Object> concat(Object first, Set<Object> rest) {
    List<Object> l = new ArrayList<>();
    l.add(first);
    l.addAll(rest);
    return l;
  }

  private Map<Object, Map<Object, Set<Object>>> versionGraphs(Map<String, List<Object>> anomalies) {
    List<String> sourceNames = new ArrayList<>(List.of("initial-state"));
    Map<Object, Map<Object, Set<Object>>> graphs = initialState();
    List<Object> cycles = new ArrayList<>(versionCycles(graphs));
    if (!cycles.isEmpty()) {
      graphs = new HashMap<>();
    }
    List<String> names = new ArrayList<>();
    List<java.util.function.Supplier<Map<Object, Map<Object, Set<Object>>>>> sources =
        new ArrayList<>();
    if (!transactionOrder.isEmpty()) {
      names.add("transaction-order");
      sources.add(this::fromKnownOrder);
    }
    if (wfrKeys) {
      names.add("wfr-keys");
      sources.add(this::writesFollowReads);
    }
    if (sequentialKeys) {
      names.add("sequential-keys");
      sources.add(() -> fromTransactionOrder(Orders.process(h)));
    }
    if (linearizableKeys) {
      names.add("linearizable-keys");
      sources.add(() -> fromTransactionOrder(Orders.realtime(h)));
    }
    for (int i = 0; i < sources.size(); i++) {
      Map<Object, Map<Object, Set<Object>>> merged = union(graphs, sources.get(i).get());
      List<Object> cs = versionCycles(merged);
      if (cs.isEmpty()) {
        graphs = merged;
        sourceNames.add(names.get(i));
      } else {
        List<String> with = new ArrayList<>(sourceNames);
        with.add(names.get(i));
        for (Object c : cs) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = (Map<String, Object>) c;
          m.put("sources", with);
        }
        cycles.addAll(cs);
      }
    }
    if (!cycles.isEmpty()) {
      anomalies.computeIfAbsent("cyclic-versions", k -> new ArrayList<>()).addAll(cycles);
    }
    return graphs;
  }

  // ---- transaction graph ----

  private Analysis graph(Map<Object, Map<Object, Set<Object>>> versions) {
    Map<Object, Map<Object, List<Integer>>> readIndex = new HashMap<>();
    Map<Object, Map<Object, List<Integer>>> writeIndex = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      if (!h.op(id).isOk()) {
        continue;
      }
      final int op = id;
      extReads.get(id).forEach((k, v) -> readIndex.computeIfAbsent(k, x -> new HashMap<>())
          .computeIfAbsent(v, x -> new ArrayList<>()).add(op));
      extWrites.get(id).forEach((k, v) -> writeIndex.computeIfAbsent(k, x -> new HashMap<>())
          .computeIfAbsent(v, x -> new ArrayList<>()).add(op));
    }
    DependencyGraph.Builder b = new DependencyGraph.Builder(h.size());
    for (Map.Entry<Object, Map<Object, List<Integer>>> e : readIndex.entrySet()) {
      Map<Object, List<Integer>> kWrites = writeIndex.getOrDefault(e.getKey(), java.util.Collections.emptyMap());
      for (Map.Entry<Object, List<Integer>> r : e.getValue().entrySet()) {
        List<Integer> writers = kWrites.getOrDefault(r.getKey(), List.of());
        if (writers.size() > 1) {
          throw new CheckException("duplicate-writes", "key " + Edn.print(e.getKey())
              + " had value " + Edn.print(r.getKey()) + " written by more than one"
              + " transaction; rw-register needs every written value to be unique per key");
        }
        if (writers.size() == 1) {
          for (int reader : r.getValue()) {
            b.link(writers.get(0), reader, Rels.WR);
          }
        }
      }
    }
    for (Map.Entry<Object, Map<Object, Set<Object>>> e : versions.entrySet()) {
      Map<Object, List<Integer>> kWrites = writeIndex.getOrDefault(e.getKey(), java.util.Collections.emptyMap());
      Map<Object, List<Integer>> kReads = readIndex.getOrDefault(e.getKey(), java.util.Collections.emptyMap());
      e.getValue().forEach((v1, v2s) -> {
        for (Object v2 : v2s) {
          for (int w2 : kWrites.getOrDefault(v2, List.of())) {
            for (int w1 : kWrites.getOrDefault(v1, List.of())) {
              b.link(w1, w2, Rels.WW);
            }
            for (int r1 : kReads.getOrDefault(v1, List.of())) {
              b.link(r1, w2, Rels.RW);
            }
          }
        }
      });
    }
    PairExplainer explainer = (from, to, rel) -> explain(versions, from, to, rel);
    return new Analysis(null, b.build(), EdgeLabels.RW_REGISTER, explainer);
  }

  private Map<String, Object> explain(Map<Object, Map<Object, Set<Object>>> versions, int from,
      int to, int rel) {
    Op a = h.op(from);
    Op b = h.op(to);
    Map<Object, Object> aSide = rel == Rels.RW ? extReads.get(from) : extWrites.get(from);
    Map<Object, Object> bSide = rel == Rels.WR ? extReads.get(to) : extWrites.get(to);
    for (Map.Entry<Object, Object> e : aSide.entrySet()) {
      Object k = e.getKey();
      if (!bSide.containsKey(k)) {
        continue;
      }
      Object v1 = e.getValue();
      Object v2 = bSide.get(k);
      boolean holds = rel == Rels.WR ? Objects.equals(v1, v2)
          : versions.getOrDefault(k, java.util.Collections.emptyMap()).getOrDefault(v1, java.util.Collections.emptySet()).contains(v2);
      if (!holds) {
        continue;
      }
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("type", Rels.name(rel));
      x.put("key", k);
      x.put("value", v1);
      if (rel != Rels.WR) {
        x.put("value'", v2);
      }
      x.put("why", switch (rel) {
        case Rels.WR -> "T" + a.index() + " wrote " + Edn.print(k) + " = " + Edn.print(v1)
            + ", which was read by T" + b.index();
        case Rels.WW -> "T" + a.index() + " set key " + Edn.print(k) + " to " + Edn.print(v1)
            + ", and T" + b.index() + " set it to " + Edn.print(v2)
            + ", which came later in the version order";
        default -> "T" + a.index() + " read key " + Edn.print(k) + " = " + Edn.print(v1)
            + ", and T" + b.index() + " set it to " + Edn.print(v2)
            + ", which came later in the version order";
      });
      return x;
    }
    return null;
  }
}
