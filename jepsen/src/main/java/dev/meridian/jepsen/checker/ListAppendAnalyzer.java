package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * List-append analysis (Elle §4): every read of a list reveals the order of the appends before it,
 * so the version order of each key is recovered from the longest read, and ww, wr and rw edges
 * follow from it.
 *
 * <p>Glossary: <em>element</em> a value appended to a key; <em>version order</em> of a key the
 * order of its elements in the longest read; <em>INIT</em> the empty initial list;
 * <em>possible</em> operations are those that may have committed (ok and info).
 * Anomalies found here directly: G1a (read a failed append), G1b (read an intermediate append),
 * internal (a read contradicting the transaction's own earlier reads and appends), future-read (a
 * read showing an append the transaction performs later), duplicate-elements, incompatible-order
 * (two reads neither a prefix of the other), dirty-update (a committed append on top of a failed
 * one), lost-update (two committed transactions read the same version of a key and both append).
 */
public final class ListAppendAnalyzer {
  /** Marker for the initial, empty version of a key. */
  static final Object INIT = new Object() {
    @Override
    public String toString() {
      return "init";
    }
  };

  private final History h;

  public ListAppendAnalyzer(History h) {
    this.h = h;
  }

  private boolean possible(Op op) {
    return op.type() == OpType.OK || op.type() == OpType.INFO;
  }

  public Analysis analyze(Map<String, List<Object>> anomalies) {
    verifyUniqueAppends();
    g1a(anomalies);
    g1b(anomalies);
    internal(anomalies);
    dirtyUpdate(anomalies);
    duplicates(anomalies);
    Map<Object, List<List<Object>>> sorted = sortedValues(true);
    incompatibleOrders(sorted, anomalies);
    LostUpdate.find(h, Mop.Kind.APPEND, anomalies);
    return graph(sorted);
  }

  private static void add(Map<String, List<Object>> anomalies, String type, Object c) {
    anomalies.computeIfAbsent(type, k -> new ArrayList<>()).add(c);
  }

  private void verifyUniqueAppends() {
    Map<Object, Set<Object>> written = new HashMap<>();
    for (Op op : h.ops()) {
      if (!op.isInvoke()) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.APPEND
            && !written.computeIfAbsent(m.key(), k -> new HashSet<>()).add(m.value())) {
          throw new CheckException("duplicate-appends", "value " + Edn.print(m.value())
              + " appended to key " + Edn.print(m.key()) + " more than once (op "
              + op.index() + "); list-append needs every appended value to be unique per key");
        }
      }
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.WRITE) {
          throw new CheckException("unexpected-txn-micro-op-types",
              "list-append history contains a write " + m + " (op " + op.index() + ")");
        }
      }
    }
  }

  private void g1a(Map<String, List<Object>> anomalies) {
    Map<Object, Map<Object, Integer>> failed = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (op.type() != OpType.FAIL) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.APPEND) {
          failed.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.value(), id);
        }
      }
    }
    if (failed.isEmpty()) {
      return;
    }
    for (Op op : h.ops()) {
      if (!op.isOk()) {
        continue;
      }
      for (Mop m : op.mops()) {
        Map<Object, Integer> f = m.isRead() ? failed.get(m.key()) : null;
        if (f == null) {
          continue;
        }
        for (Object e : m.readList()) {
          Integer writer = f.get(e);
          if (writer != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("op", op.toData());
            c.put("mop", m.toData());
            c.put("writer", h.op(writer).toData());
            c.put("element", e);
            c.put("why", "T" + op.index() + " read element " + Edn.print(e) + " of key "
                + Edn.print(m.key()) + ", appended by T" + h.op(writer).index() + " which failed");
            add(anomalies, "G1a", c);
          }
        }
      }
    }
  }

  private void g1b(Map<String, List<Object>> anomalies) {
    Map<Object, Map<Object, Integer>> intermediate = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Map<Object, Object> last = new HashMap<>();
      for (Mop m : h.op(id).mops()) {
        if (m.kind() != Mop.Kind.APPEND) {
          continue;
        }
        if (last.containsKey(m.key())) {
          intermediate.computeIfAbsent(m.key(), k -> new HashMap<>()).put(last.get(m.key()), id);
        }
        last.put(m.key(), m.value());
      }
    }
    if (intermediate.isEmpty()) {
      return;
    }
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (!op.isOk()) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (!m.isRead() || m.readList().isEmpty()) {
          continue;
        }
        List<Object> v = m.readList();
        Object lastElement = v.get(v.size() - 1);
        Integer writer = intermediate.getOrDefault(m.key(), java.util.Collections.emptyMap()).get(lastElement);
        if (writer != null && h.op(writer).index() != op.index()) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("op", op.toData());
          c.put("mop", m.toData());
          c.put("writer", h.op(writer).toData());
          c.put("element", lastElement);
          c.put("why", "T" + op.index() + " read key " + Edn.print(m.key()) + " ending in "
              + Edn.print(lastElement) + ", which T" + h.op(writer).index()
              + " appended but then appended to again: an intermediate state");
          add(anomalies, "G1b", c);
        }
      }
    }
  }

  private static final Object UNKNOWN_PREFIX = new EdnReader.Symbol("...");

  private void internal(Map<String, List<Object>> anomalies) {
    for (Op op : h.ops()) {
      if (!op.isOk()) {
        continue;
      }
      Map<Object, List<Object>> state = new HashMap<>();
      Map<Object, Map<Object, Mop>> reads = new HashMap<>();
      boolean internalFound = false;
      boolean futureFound = false;
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.APPEND) {
          List<Object> s = state.containsKey(m.key()) ? state.get(m.key()) : List.of(UNKNOWN_PREFIX);
          List<Object> next = new ArrayList<>(s == null ? List.of() : s);
          next.add(m.value());
          state.put(m.key(), next);
          Mop earlier = reads.getOrDefault(m.key(), java.util.Collections.emptyMap()).get(m.value());
          if (earlier != null && !futureFound) {
            futureFound = true;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("op", op.toData());
            c.put("mop", earlier.toData());
            c.put("element", m.value());
            c.put("why", "T" + op.index() + " read " + Edn.print(m.value()) + " in key "
                + Edn.print(m.key()) + " before appending it itself");
            add(anomalies, "future-read", c);
          }
        } else if (m.isRead()) {
          List<Object> s = state.get(m.key());
          List<Object> v = m.readList();
          if (s != null && !internalFound && !consistent(s, v)) {
            internalFound = true;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("op", op.toData());
            c.put("mop", m.toData());
            c.put("expected", s);
            c.put("why", "T" + op.index() + " read " + Edn.print(m.key()) + " = "
                + Edn.print(m.value()) + " but its own earlier reads and appends imply "
                + Edn.print(s));
            add(anomalies, "internal", c);
          }
          if (!internalFound) {
            state.put(m.key(), m.value() == null ? null : new ArrayList<>(v));
          }
          Map<Object, Mop> kr = reads.computeIfAbsent(m.key(), k -> new HashMap<>());
          for (Object e : v) {
            kr.putIfAbsent(e, m);
          }
        }
      }
    }
  }

  private static boolean consistent(List<Object> expected, List<Object> read) {
    if (!expected.isEmpty() && expected.get(0) == UNKNOWN_PREFIX) {
      int i = read.size() + 1 - expected.size();
      return i >= 0 && expected.subList(1, expected.size()).equals(read.subList(i, read.size()));
    }
    return expected.equals(read);
  }

  /** Keys to their distinct non-empty read values, shortest first. */
  private Map<Object, List<List<Object>>> sortedValues(boolean possibleOnly) {
    Map<Object, Set<List<Object>>> values = new LinkedHashMap<>();
    Map<Object, Object> singleAppend = new LinkedHashMap<>();
    Object tooMany = new Object();
    for (Op op : h.ops()) {
      if (possibleOnly && !possible(op)) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (m.isRead() && !m.readList().isEmpty()) {
          values.computeIfAbsent(m.key(), k -> new LinkedHashSet<>()).add(m.readList());
        } else if (m.kind() == Mop.Kind.APPEND) {
          singleAppend.merge(m.key(), m.value(), (a, b) -> tooMany);
        }
      }
    }
    Map<Object, List<List<Object>>> out = new LinkedHashMap<>();
    for (Map.Entry<Object, Object> e : singleAppend.entrySet()) {
      if (e.getValue() != tooMany && !values.containsKey(e.getKey())) {
        out.put(e.getKey(), List.of(List.of(e.getValue())));
      }
    }
    for (Map.Entry<Object, Set<List<Object>>> e : values.entrySet()) {
      List<List<Object>> vs = new ArrayList<>(e.getValue());
      vs.sort((a, b) -> Integer.compare(a.size(), b.size()));
      out.put(e.getKey(), vs);
    }
    return out;
  }

  /** Keys to their version order: the distinct elements of the longest read. */
  private static Map<Object, List<Object>> appendIndex(Map<Object, List<List<Object>>> sorted) {
    Map<Object, List<Object>> out = new HashMap<>();
    for (Map.Entry<Object, List<List<Object>>> e : sorted.entrySet()) {
      List<List<Object>> vs = e.getValue();
      out.put(e.getKey(), new ArrayList<>(new LinkedHashSet<>(vs.get(vs.size() - 1))));
    }
    return out;
  }

  private void incompatibleOrders(Map<Object, List<List<Object>>> sorted,
      Map<String, List<Object>> anomalies) {
    for (Map.Entry<Object, List<List<Object>>> e : sorted.entrySet()) {
      List<List<Object>> vs = e.getValue();
      for (int i = 0; i + 1 < vs.size(); i++) {
        List<Object> a = vs.get(i);
        List<Object> b = vs.get(i + 1);
        if (!(a.size() <= b.size() && b.subList(0, a.size()).equals(a))) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("key", e.getKey());
          c.put("values", List.of(a, b));
          c.put("why", "reads of key " + Edn.print(e.getKey()) + " saw " + Edn.print(a) + " and "
              + Edn.print(b) + ": neither is a prefix of the other, so no single order of"
              + " appends explains both");
          add(anomalies, "incompatible-order", c);
          break;
        }
      }
    }
  }

  private void duplicates(Map<String, List<Object>> anomalies) {
    for (Op op : h.ops()) {
      if (!possible(op)) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (!m.isRead()) {
          continue;
        }
        Map<Object, Integer> counts = new LinkedHashMap<>();
        for (Object e : m.readList()) {
          counts.merge(e, 1, Integer::sum);
        }
        Map<Object, Integer> dups = new LinkedHashMap<>();
        counts.forEach((e, n) -> {
          if (n > 1) {
            dups.put(e, n);
          }
        });
        if (!dups.isEmpty()) {
          Map<String, Object> c = new LinkedHashMap<>();
          c.put("op", op.toData());
          c.put("mop", m.toData());
          c.put("duplicates", dups);
          c.put("why", "T" + op.index() + " read key " + Edn.print(m.key())
              + " with elements appearing more than once: " + Edn.print(dups));
          add(anomalies, "duplicate-elements", c);
        }
      }
    }
  }

  private void dirtyUpdate(Map<String, List<Object>> anomalies) {
    Map<Object, List<Object>> index = appendIndex(sortedValues(false));
    Map<Object, Map<Object, Integer>> writers = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (op.isInvoke()) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.APPEND) {
          writers.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.value(), id);
        }
      }
    }
    for (Map.Entry<Object, List<Object>> e : index.entrySet()) {
      Object k = e.getKey();
      OpType t1 = OpType.OK;
      int t1Id = -1;
      List<Object> vs = new ArrayList<>();
      for (Object v : e.getValue()) {
        vs.add(v);
        Integer t2Id = writers.getOrDefault(k, java.util.Collections.emptyMap()).get(v);
        // An element no completion appended can only be judged as unknown.
        OpType t2 = t2Id == null ? OpType.INFO : h.op(t2Id).type();
        if (t2 == OpType.OK) {
          if (t1 == OpType.FAIL) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("key", k);
            c.put("values", new ArrayList<>(vs));
            c.put("txns", List.of(h.op(t1Id).toData(), h.op(t2Id).toData()));
            c.put("why", "T" + h.op(t2Id).index() + " committed an append of " + Edn.print(v)
                + " to key " + Edn.print(k) + " on top of a version written by failed T"
                + h.op(t1Id).index());
            add(anomalies, "dirty-update", c);
          }
          t1 = t2;
          t1Id = t2Id;
          vs = new ArrayList<>(List.of(v));
        } else if (t2 == OpType.FAIL) {
          if (t1 != OpType.FAIL) {
            t1 = t2;
            t1Id = t2Id;
            vs = new ArrayList<>(List.of(v));
          }
        }
      }
    }
  }

  private Analysis graph(Map<Object, List<List<Object>>> sorted) {
    Map<Object, List<Object>> versions = appendIndex(sorted);
    Map<Object, Map<Object, Integer>> position = new HashMap<>();
    versions.forEach((k, vs) -> {
      Map<Object, Integer> p = new HashMap<>();
      for (int i = 0; i < vs.size(); i++) {
        p.put(vs.get(i), i);
      }
      position.put(k, p);
    });
    Map<Object, Map<Object, Integer>> writer = new HashMap<>();
    Map<Object, Map<Object, List<Integer>>> readers = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (!possible(op)) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.APPEND) {
          writer.computeIfAbsent(m.key(), k -> new HashMap<>()).put(m.value(), id);
        } else if (m.isRead() && !(op.type() == OpType.INFO && m.value() == null)) {
          List<Object> v = m.readList();
          Object last = v.isEmpty() ? INIT : v.get(v.size() - 1);
          readers.computeIfAbsent(m.key(), k -> new HashMap<>())
              .computeIfAbsent(last, k -> new ArrayList<>()).add(id);
        }
      }
    }
    DependencyGraph.Builder b = new DependencyGraph.Builder(h.size());
    for (int id = 0; id < h.size(); id++) {
      Op op = h.op(id);
      if (!possible(op)) {
        continue;
      }
      for (Mop m : op.mops()) {
        if (m.kind() == Mop.Kind.APPEND) {
          Object prev = previous(versions, position, m);
          if (prev != INIT) {
            Integer w = writer.getOrDefault(m.key(), java.util.Collections.emptyMap()).get(prev);
            if (w != null) {
              b.link(w, id, Rels.WW);
            }
          }
          for (int r : readers.getOrDefault(m.key(), java.util.Collections.emptyMap()).getOrDefault(prev, List.of())) {
            b.link(r, id, Rels.RW);
          }
        } else if (m.isRead() && !m.readList().isEmpty()) {
          List<Object> v = m.readList();
          Integer w = writer.getOrDefault(m.key(), java.util.Collections.emptyMap()).get(v.get(v.size() - 1));
          if (w != null) {
            b.link(w, id, Rels.WR);
          }
        }
      }
    }
    PairExplainer explainer = (from, to, rel) -> explain(versions, position, writer, from, to, rel);
    return new Analysis(null, b.build(), EdgeLabels.LIST_APPEND, explainer);
  }

  /** The element appended just before this append in the version order, or INIT. */
  private static Object previous(Map<Object, List<Object>> versions,
      Map<Object, Map<Object, Integer>> position, Mop append) {
    List<Object> vs = versions.get(append.key());
    if (vs == null) {
      return INIT;
    }
    Integer i = position.get(append.key()).get(append.value());
    if (i == null) {
      // Never read: it still came after every element that was.
      return vs.isEmpty() ? INIT : vs.get(vs.size() - 1);
    }
    return i == 0 ? INIT : vs.get(i - 1);
  }

  private Map<String, Object> explain(Map<Object, List<Object>> versions,
      Map<Object, Map<Object, Integer>> position, Map<Object, Map<Object, Integer>> writer,
      int from, int to, int rel) {
    Op a = h.op(from);
    Op b = h.op(to);
    for (Mop m : b.mops()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("type", Rels.name(rel));
      x.put("key", m.key());
      if (rel == Rels.WW && m.kind() == Mop.Kind.APPEND) {
        Object prev = previous(versions, position, m);
        if (prev != INIT && Objects.equals(writer.get(m.key()).get(prev), from)) {
          x.put("value", prev);
          x.put("value'", m.value());
          x.put("why", "T" + b.index() + " appended " + Edn.print(m.value()) + " after T"
              + a.index() + " appended " + Edn.print(prev) + " to " + Edn.print(m.key()));
          return x;
        }
      } else if (rel == Rels.WR && m.isRead() && !m.readList().isEmpty()) {
        List<Object> v = m.readList();
        Object last = v.get(v.size() - 1);
        if (Objects.equals(writer.getOrDefault(m.key(), java.util.Collections.emptyMap()).get(last), from)) {
          x.put("value", last);
          x.put("why", "T" + b.index() + " observed T" + a.index() + "'s append of "
              + Edn.print(last) + " to key " + Edn.print(m.key()));
          return x;
        }
      } else if (rel == Rels.RW && m.kind() == Mop.Kind.APPEND) {
        Object prev = previous(versions, position, m);
        for (Mop r : a.mops()) {
          if (!r.isRead() || !Objects.equals(r.key(), m.key())) {
            continue;
          }
          List<Object> v = r.readList();
          boolean sawPrev = prev == INIT ? v.isEmpty() : !v.isEmpty()
              && Objects.equals(v.get(v.size() - 1), prev);
          if (sawPrev) {
            x.put("value", prev == INIT ? null : prev);
            x.put("value'", m.value());
            x.put("why", prev == INIT
                ? "T" + a.index() + " observed the initial (empty) state of " + Edn.print(m.key())
                    + ", which T" + b.index() + " created by appending " + Edn.print(m.value())
                : "T" + a.index() + " did not observe T" + b.index() + "'s append of "
                    + Edn.print(m.value()) + " to " + Edn.print(m.key()));
            return x;
          }
        }
      }
    }
    return null;
  }
}
