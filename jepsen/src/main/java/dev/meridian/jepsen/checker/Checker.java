package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a history for transactional anomalies, as Elle does: analyse the workload (direct
 * anomalies and a dependency graph), add session or real-time order if a requested anomaly needs
 * it, split the graph into strongly connected components, look in each component for each kind of
 * cycle, then decide which found anomalies the requested models forbid.
 *
 * <p>Glossary: <em>prohibited</em> anomalies make a history invalid; <em>reportable</em> ones are
 * prohibited ones plus those that make the verdict unknown (empty-transaction-graph,
 * cycle-search-timeout). In each component, cycle kinds are tried from most to least severe, and
 * a kind already implied by one found there is skipped, so each component reports only its most
 * specific anomalies.
 */
public final class Checker {
  private static final Set<String> UNKNOWN_TYPES =
      Set.of("empty-transaction-graph", "cycle-search-timeout");

  private Checker() {}

  /** Anomalies that make a history invalid under {@code opts}. */
  public static Set<String> prohibited(CheckOptions opts) {
    Set<String> out = new TreeSet<>(ConsistencyModels.allAnomaliesImplying(opts.anomalies()));
    out.addAll(ConsistencyModels.anomaliesProhibitedBy(opts.models()));
    return out;
  }

  /**
   * Checks {@code ops} under {@code opts}; for the register workload, {@code ops} must have been
   * read with {@link HistoryReader#parseRegister} and the check is {@link LinearizabilityChecker}'s.
   */
  public static CheckResult check(List<Op> ops, CheckOptions opts) {
    if (opts.workload() == CheckOptions.Workload.REGISTER) {
      return LinearizabilityChecker.check(ops, opts.searchBudget(), opts.memoBudgetBytes());
    }
    History h = new History(ops);
    Map<String, List<Object>> anomalies = new LinkedHashMap<>();
    Analysis analysis;
    try {
      analysis = switch (opts.workload()) {
        case LIST_APPEND -> new ListAppendAnalyzer(h).analyze(anomalies);
        case RW_REGISTER -> new RwRegisterAnalyzer(h, opts.linearizableKeys(),
            opts.sequentialKeys(), opts.wfrKeys(), opts.transactionOrder()).analyze(anomalies);
        case REGISTER -> throw new IllegalStateException("register histories are checked above");
      };
    } catch (CheckException e) {
      Map<String, List<Object>> a = new TreeMap<>();
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("why", e.getMessage());
      a.put(e.type(), List.of(c));
      return new CheckResult("unknown", List.of(e.type()), a, Set.of(), Set.of());
    }
    Set<String> prohibited = prohibited(opts);
    Set<String> reportable = new TreeSet<>(prohibited);
    reportable.addAll(UNKNOWN_TYPES);

    DependencyGraph graph = analysis.graph();
    PairExplainer explainer = analysis.explainer();
    if (needs(reportable, "-realtime")) {
      DependencyGraph rt = Orders.realtime(h);
      graph = new DependencyGraph.Builder(h.size()).addAll(graph).addAll(rt).build();
      explainer = combine(explainer, Orders.realtimeExplainer(h));
    } else if (needs(reportable, "-process")) {
      DependencyGraph p = Orders.process(h);
      graph = new DependencyGraph.Builder(h.size()).addAll(graph).addAll(p).build();
      explainer = combine(explainer, Orders.processExplainer(h));
    }
    if (graph.edgeCount() == 0) {
      anomalies.put("empty-transaction-graph", new ArrayList<>(List.of(
          Map.of("why", "no dependency between any two transactions could be inferred"))));
    }
    findCycles(graph, analysis.labels(), explainer, h, opts, anomalies);
    return result(anomalies, prohibited, reportable);
  }

  private static boolean needs(Set<String> reportable, String suffix) {
    for (CycleSpec s : CycleSpec.ALL) {
      if (s.name().endsWith(suffix) && reportable.contains(s.name())) {
        return true;
      }
    }
    return false;
  }

  private static PairExplainer combine(PairExplainer first, PairExplainer second) {
    return (from, to, rel) -> {
      Map<String, Object> x = first.explain(from, to, rel);
      return x != null ? x : second.explain(from, to, rel);
    };
  }

  private static void findCycles(DependencyGraph graph, EdgeLabels labels, PairExplainer explainer,
      History h, CheckOptions opts, Map<String, List<Object>> anomalies) {
    Tarjan tarjan = new Tarjan(graph);
    CycleSearch search = new CycleSearch(graph, labels, tarjan);
    int present = 0;
    for (int v = 0; v < graph.vertexCount(); v++) {
      for (int e = graph.edgeStart(v); e < graph.edgeEnd(v); e++) {
        present |= labels.label(graph.rels(e));
      }
    }
    for (int[] scc : tarjan.components(r -> true)) {
      Set<String> redundant = new HashSet<>();
      List<String> timedOut = new ArrayList<>();
      for (CycleSpec spec : CycleSpec.ALL) {
        if (redundant.contains(spec.name()) || (spec.required() & ~present) != 0) {
          continue;
        }
        CycleSearch.Result r = search.search(scc, spec, opts.searchBudget());
        if (r.outcome() == CycleSearch.Outcome.TIMEOUT) {
          timedOut.add(spec.name());
        } else if (r.outcome() == CycleSearch.Outcome.FOUND) {
          CycleSearch.Cycle c = r.cycle();
          anomalies.computeIfAbsent(c.type(), k -> new ArrayList<>())
              .add(explain(c, explainer, h));
          redundant.addAll(ConsistencyModels.allImpliedAnomalies(List.of(spec.name())));
        }
      }
      if (!timedOut.isEmpty()) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("scc-size", scc.length);
        t.put("unsearched", timedOut);
        t.put("why", "gave up looking for " + String.join(", ", timedOut) + " in a component of "
            + scc.length + " transactions after " + opts.searchBudget() + " steps each");
        anomalies.computeIfAbsent("cycle-search-timeout", k -> new ArrayList<>()).add(t);
        CycleExists.addCases(graph, labels, scc, tarjan, anomalies);
      }
    }
  }

  private static Map<String, Object> explain(CycleSearch.Cycle c, PairExplainer explainer,
      History h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", c.type());
    List<Object> txns = new ArrayList<>();
    List<Object> steps = new ArrayList<>();
    int[] vs = c.vertices();
    for (int i = 0; i < vs.length; i++) {
      int from = vs[i];
      int to = vs[(i + 1) % vs.length];
      txns.add(h.op(from).toData());
      Map<String, Object> step = explainer.explain(from, to, c.labels()[i]);
      if (step == null) {
        step = new LinkedHashMap<>();
        step.put("type", Rels.name(c.labels()[i]));
      }
      Map<String, Object> full = new LinkedHashMap<>();
      full.put("from", h.op(from).index());
      full.put("to", h.op(to).index());
      full.putAll(step);
      steps.add(full);
    }
    m.put("cycle", txns);
    m.put("steps", steps);
    return m;
  }

  private static CheckResult result(Map<String, List<Object>> anomalies, Set<String> prohibited,
      Set<String> reportable) {
    Map<String, List<Object>> report = new TreeMap<>();
    for (Map.Entry<String, List<Object>> e : anomalies.entrySet()) {
      if (reportable.contains(e.getKey())) {
        report.put(e.getKey(), e.getValue());
      }
    }
    CycleExists.removeRedundant(report);
    ConsistencyModels.Boundary b = ConsistencyModels.boundary(anomalies.keySet());
    if (report.isEmpty()) {
      return new CheckResult("true", List.of(), report, Set.of(), Set.of());
    }
    boolean bad = false;
    for (String t : report.keySet()) {
      if (prohibited.contains(t)) {
        bad = true;
        break;
      }
    }
    return new CheckResult(bad ? "false" : "unknown", new ArrayList<>(report.keySet()), report,
        b.not(), b.alsoNot());
  }

  /** Kept for callers that want the reportable set, e.g. the README generator in tests. */
  static Set<String> reportable(CheckOptions opts) {
    Set<String> r = new LinkedHashSet<>(prohibited(opts));
    r.addAll(UNKNOWN_TYPES);
    return r;
  }
}
