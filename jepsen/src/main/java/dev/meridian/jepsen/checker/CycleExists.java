package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fallback when a cycle search gives up: proving that <em>some</em> cycle forbidden by a model
 * exists is cheap (a strongly connected component in the right subgraph), even when finding and
 * naming one is not. Reported as {@code <model>-cycle-exists}, as Elle does, and dropped again when
 * a specific anomaly already rules the model out.
 *
 * <p>Glossary: a model's <em>subgraph</em> is the union of the relations it must keep acyclic;
 * snapshot-isolation models use the <em>extension</em> of that union by rw — its edges plus every
 * edge-then-rw path shortened to one edge — since SI forbids cycles whose rw edges never follow one
 * another.
 */
final class CycleExists {
  private CycleExists() {}

  private record Spec(String model, int rels, boolean siExtension) {}

  private static final List<Spec> SPECS = List.of(
      new Spec("PL-1", Rels.WW, false),
      new Spec("PL-2", Rels.WW | Rels.WR, false),
      new Spec("PL-SI", Rels.WW | Rels.WR, true),
      new Spec("PL-3", Rels.WW | Rels.WR | Rels.RW, false),
      new Spec("strong-session-PL-1", Rels.WW | Rels.PROCESS, false),
      new Spec("strong-session-PL-2", Rels.WW | Rels.WR | Rels.PROCESS, false),
      new Spec("strong-session-snapshot-isolation", Rels.WW | Rels.WR | Rels.PROCESS, true),
      new Spec("strong-session-serializable", Rels.WW | Rels.WR | Rels.RW | Rels.PROCESS, false),
      new Spec("strong-PL-1", Rels.WW | Rels.REALTIME, false),
      new Spec("strong-PL-2", Rels.WW | Rels.WR | Rels.REALTIME, false),
      new Spec("strong-snapshot-isolation", Rels.WW | Rels.WR | Rels.REALTIME, true),
      new Spec("PL-SS", Rels.WW | Rels.WR | Rels.RW | Rels.REALTIME, false));

  private static String type(String model) {
    return model + "-cycle-exists";
  }

  /** Adds a cycle-exists case for each weakest model whose subgraph has a cycle within scc. */
  static void addCases(DependencyGraph g, EdgeLabels labels, int[] scc, Tarjan tarjan,
      Map<String, List<Object>> anomalies) {
    Set<String> redundant = new HashSet<>();
    for (Spec spec : SPECS) {
      if (redundant.contains(spec.model())) {
        continue;
      }
      int size = spec.siExtension() ? extensionCycleSize(g, scc, spec.rels())
          : smallestComponent(tarjan.components(scc, r -> (r & spec.rels()) != 0));
      if (size == 0) {
        continue;
      }
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("not", ConsistencyModels.friendly(spec.model()));
      c.put("subgraph", Rels.names(spec.rels()) + (spec.siExtension() ? " extended by rw" : ""));
      c.put("scc-size", size);
      c.put("why", "a cycle forbidden by " + ConsistencyModels.friendly(spec.model())
          + " exists among " + size + " transactions, though the search did not isolate it");
      anomalies.computeIfAbsent(type(spec.model()), k -> new ArrayList<>()).add(c);
      redundant.addAll(stronger(spec.model()));
    }
  }

  private static Set<String> stronger(String model) {
    Set<String> out = new HashSet<>();
    for (String m : ConsistencyModels.knownModels()) {
      if (ConsistencyModels.anomaliesProhibitedBy(List.of(m)).contains(type(model))) {
        out.add(ConsistencyModels.canonical(m));
      }
    }
    return out;
  }

  private static int smallestComponent(List<int[]> comps) {
    int best = 0;
    for (int[] c : comps) {
      if (best == 0 || c.length < best) {
        best = c.length;
      }
    }
    return best;
  }

  /** Size of the smallest cyclic component of (base ∪ base·rw) over scc, or 0. */
  private static int extensionCycleSize(DependencyGraph g, int[] scc, int base) {
    Map<Integer, Integer> local = new LinkedHashMap<>();
    for (int i = 0; i < scc.length; i++) {
      local.put(scc[i], i);
    }
    DependencyGraph.Builder b = new DependencyGraph.Builder(scc.length);
    List<List<Integer>> baseIn = new ArrayList<>();
    for (int i = 0; i < scc.length; i++) {
      baseIn.add(new ArrayList<>());
    }
    for (int i = 0; i < scc.length; i++) {
      int v = scc[i];
      for (int e = g.edgeStart(v); e < g.edgeEnd(v); e++) {
        Integer j = local.get(g.target(e));
        if (j != null && (g.rels(e) & base) != 0) {
          b.link(i, j, 1);
          baseIn.get(j).add(i);
        }
      }
    }
    for (int y = 0; y < scc.length; y++) {
      int v = scc[y];
      for (int e = g.edgeStart(v); e < g.edgeEnd(v); e++) {
        Integer z = local.get(g.target(e));
        if (z == null || (g.rels(e) & Rels.RW) == 0) {
          continue;
        }
        for (int x : baseIn.get(y)) {
          if (x == z) {
            // x -> y -rw-> x is a cycle by itself.
            return 2;
          }
          b.link(x, z, 1);
        }
      }
    }
    DependencyGraph ext = b.build();
    return smallestComponent(new Tarjan(ext).components(r -> true));
  }

  /** Drops cycle-exists cases for models that other reported anomalies already rule out. */
  static void removeRedundant(Map<String, List<Object>> report) {
    List<String> others = new ArrayList<>();
    for (String t : report.keySet()) {
      if (!t.endsWith("-cycle-exists")) {
        others.add(t);
      }
    }
    Set<String> impossible = ConsistencyModels.impossibleModels(others);
    Iterator<String> it = report.keySet().iterator();
    while (it.hasNext()) {
      String t = it.next();
      if (t.endsWith("-cycle-exists")
          && impossible.contains(t.substring(0, t.length() - "-cycle-exists".length()))) {
        it.remove();
      }
    }
  }
}
