package dev.meridian.jepsen.checker;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which anomalies each consistency model forbids, and which models a set of anomalies rules out:
 * the same relations as Elle's {@code elle.consistency-model}, so our verdicts and Elle's agree.
 *
 * <p>Glossary:
 * <ul>
 *   <li><em>implied anomalies</em>: a DAG where {@code a -> b} means every history showing a also
 *       shows b (a G0 cycle is also a G1c cycle; G1c is part of G1);</li>
 *   <li><em>model DAG</em>: {@code a -> b} means a history satisfying model a satisfies b;</li>
 *   <li><em>directly proscribed</em>: the anomalies a model forbids beyond those of weaker models;</li>
 *   <li><em>canonical / friendly names</em>: Adya's names ({@code PL-2}) versus the everyday ones
 *       ({@code read-committed}); we compute on canonical names and report friendly ones;</li>
 *   <li><em>boundary</em>: {@code not} = the weakest models the anomalies rule out,
 *       {@code also-not} = every other ruled-out model.</li>
 * </ul>
 */
public final class ConsistencyModels {
  private ConsistencyModels() {}

  private static Map<String, List<String>> dag(Object... pairs) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> out = (List<String>) pairs[i + 1];
      m.put((String) pairs[i], out);
    }
    return m;
  }

  static final Map<String, List<String>> IMPLIED_ANOMALIES = dag(
      "G0", List.of("G1c", "G0-process"),
      "G0-process", List.of("G1c-process", "G0-realtime"),
      "G0-realtime", List.of("G1c-realtime"),
      "G1a", List.of("G1"),
      "G1b", List.of("G1"),
      "G1c", List.of("G1", "G1c-process"),
      "G1c-process", List.of("G1c-realtime", "G1-process"),
      "G1c-realtime", List.of("G1-realtime"),
      "G1", List.of("G1-process"),
      "G1-process", List.of("G1-realtime"),
      "G-single-item", List.of("G-single", "G-single-item-process", "G-nonadjacent-item"),
      "G-single-item-process", List.of("G-single-process", "G-single-item-realtime",
          "G-nonadjacent-item-process"),
      "G-single-item-realtime", List.of("G-single-realtime", "G-nonadjacent-item-realtime"),
      "G-single", List.of("G-nonadjacent", "GSIb", "G-single-process"),
      "G-single-process", List.of("G-nonadjacent-process", "G-single-realtime"),
      "G-single-realtime", List.of("G-nonadjacent-realtime"),
      "G-nonadjacent-item", List.of("G-nonadjacent", "G2-item", "G-nonadjacent-item-process"),
      "G-nonadjacent-item-process", List.of("G-nonadjacent-process", "G2-item-process",
          "G-nonadjacent-item-realtime"),
      "G-nonadjacent-item-realtime", List.of("G2-item-realtime", "G-nonadjacent-realtime"),
      "G-nonadjacent", List.of("G2", "G-nonadjacent-process"),
      "G-nonadjacent-process", List.of("G2-process", "G-nonadjacent-realtime"),
      "G-nonadjacent-realtime", List.of("G2-realtime"),
      "G2", List.of("G2-process"),
      "G2-item", List.of("G2", "G2-item-process"),
      "G2-item-process", List.of("G2-process", "G2-item-realtime"),
      "G2-item-realtime", List.of("G2-realtime"),
      "G2-process", List.of("G2-realtime"),
      "GSIa", List.of("GSI"),
      "GSIb", List.of("GSI"),
      "incompatible-order", List.of("G1a"),
      "future-read", List.of("G1c"),
      "dirty-update", List.of("G1a"),
      "lost-update", List.of("write-skew", "G2-item"),
      "write-skew", List.of("G2"));

  static final Map<String, String> CANONICAL = new LinkedHashMap<>();

  static {
    CANONICAL.put("consistent-view", "PL-2+");
    CANONICAL.put("conflict-serializable", "PL-3");
    CANONICAL.put("cursor-stability", "PL-CS");
    CANONICAL.put("forward-consistent-view", "PL-FCV");
    CANONICAL.put("monotonic-snapshot-read", "PL-MSR");
    CANONICAL.put("monotonic-view", "PL-2L");
    CANONICAL.put("read-committed", "PL-2");
    CANONICAL.put("read-uncommitted", "PL-1");
    CANONICAL.put("repeatable-read", "PL-2.99");
    CANONICAL.put("serializable", "PL-3");
    CANONICAL.put("snapshot-isolation", "PL-SI");
    CANONICAL.put("strict-serializable", "PL-SS");
    CANONICAL.put("strong-serializable", "PL-SS");
    CANONICAL.put("update-serializable", "PL-3U");
    CANONICAL.put("strong-session-read-uncommitted", "strong-session-PL-1");
    CANONICAL.put("strong-session-read-committed", "strong-session-PL-2");
    CANONICAL.put("strong-read-uncommitted", "strong-PL-1");
    CANONICAL.put("strong-read-committed", "strong-PL-2");
  }

  static final Map<String, String> FRIENDLY = new HashMap<>();

  static {
    for (Map.Entry<String, String> e : CANONICAL.entrySet()) {
      FRIENDLY.put(e.getValue(), e.getKey());
    }
    // Several friendly names share PL-3 and PL-SS; Elle settles on these.
    FRIENDLY.put("PL-3", "serializable");
    FRIENDLY.put("PL-SS", "strong-serializable");
  }

  static String canonical(String model) {
    return CANONICAL.getOrDefault(model, model);
  }

  static String friendly(String model) {
    return FRIENDLY.getOrDefault(model, model);
  }

  private static Map<String, List<String>> canonicalDag(Map<String, List<String>> raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : raw.entrySet()) {
      List<String> targets = e.getValue().stream().map(ConsistencyModels::canonical).toList();
      out.merge(canonical(e.getKey()), targets,
          (a, b) -> {
            List<String> all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return all;
          });
    }
    return out;
  }

  static final Map<String, List<String>> MODELS = canonicalDag(dag(
      "causal-cerone", List.of("read-atomic"),
      "consistent-view", List.of("cursor-stability", "monotonic-view"),
      "conflict-serializable", List.of("view-serializable"),
      "cursor-stability", List.of("read-committed", "PL-2"),
      "forward-consistent-view", List.of("consistent-view"),
      "PL-2", List.of("PL-1"),
      "PL-3", List.of("repeatable-read", "update-serializable"),
      "update-serializable", List.of("forward-consistent-view"),
      "monotonic-atomic-view", List.of("read-committed"),
      "monotonic-view", List.of("PL-2"),
      "monotonic-snapshot-read", List.of("PL-2"),
      "parallel-snapshot-isolation", List.of("causal-cerone", "update-atomic"),
      "prefix", List.of("causal-cerone"),
      "read-atomic", List.of("monotonic-atomic-view"),
      "read-committed", List.of("read-uncommitted"),
      "repeatable-read", List.of("cursor-stability", "monotonic-atomic-view"),
      "update-atomic", List.of("read-atomic"),
      "serializable", List.of("repeatable-read", "snapshot-isolation", "view-serializable"),
      "session-serializable", List.of("1SR"),
      "snapshot-isolation", List.of("forward-consistent-view", "monotonic-atomic-view",
          "monotonic-snapshot-read", "parallel-snapshot-isolation", "prefix"),
      "strict-serializable", List.of("PL-3", "serializable", "linearizable", "snapshot-isolation",
          "strong-snapshot-isolation", "strong-session-serializable"),
      "strong-session-PL-1", List.of("PL-1"),
      "strong-session-PL-2", List.of("PL-2", "strong-session-PL-1"),
      "strong-PL-1", List.of("strong-session-PL-1"),
      "strong-PL-2", List.of("strong-session-PL-2", "strong-PL-1"),
      "strong-session-serializable", List.of("serializable", "strong-session-snapshot-isolation"),
      "strong-session-snapshot-isolation", List.of("snapshot-isolation", "strong-session-PL-2"),
      "strong-serializable", List.of("session-serializable"),
      "strong-snapshot-isolation", List.of("strong-session-snapshot-isolation", "strong-PL-2"),
      "linearizable", List.of("sequential"),
      "sequential", List.of("causal"),
      "causal", List.of("writes-follow-reads", "PRAM"),
      "PRAM", List.of("monotonic-reads", "monotonic-writes", "read-your-writes")));

  static final Map<String, List<String>> DIRECT_PROSCRIBED = canonicalDag(dag(
      "causal-cerone", List.of("internal", "G1a"),
      "cursor-stability", List.of("G1", "G-cursor", "lost-update"),
      "monotonic-view", List.of("G1", "G-monotonic"),
      "monotonic-snapshot-read", List.of("G1", "G-MSR"),
      "consistent-view", List.of("G1", "G-single"),
      "forward-consistent-view", List.of("G1", "G-SIb"),
      "parallel-snapshot-isolation", List.of("internal", "G1a"),
      "PL-3", List.of("G1", "G2", "predicate-read-miss", "PL-3-cycle-exists"),
      "PL-2", List.of("G1", "PL-2-cycle-exists"),
      "PL-1", List.of("G0", "duplicate-elements", "cyclic-versions", "PL-1-cycle-exists"),
      "prefix", List.of("internal", "G1a"),
      "serializable", List.of("internal"),
      "snapshot-isolation", List.of("internal", "G1", "G-SI", "G-nonadjacent",
          "PL-SI-cycle-exists"),
      "read-atomic", List.of("internal", "G1a", "future-read"),
      "repeatable-read", List.of("G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"),
      "update-atomic", List.of("lost-update"),
      "strict-serializable", List.of("G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"),
      "strong-session-PL-1", List.of("strong-session-PL-1-cycle-exists", "G0-process"),
      "strong-session-PL-2", List.of("strong-session-PL-2-cycle-exists", "G1c-process"),
      "strong-PL-1", List.of("strong-PL-1-cycle-exists", "G0-realtime"),
      "strong-PL-2", List.of("strong-PL-2-cycle-exists", "G1c-realtime"),
      "strong-session-snapshot-isolation", List.of("internal", "G1-process",
          "G-nonadjacent-process", "strong-session-snapshot-isolation-cycle-exists"),
      "strong-snapshot-isolation", List.of("internal", "G1-realtime", "G-nonadjacent-realtime",
          "strong-snapshot-isolation-cycle-exists"),
      "strong-session-serializable", List.of("G1-process", "G2-process",
          "strong-session-serializable-cycle-exists"),
      "update-serializable", List.of("G1", "G-update")));

  private static Map<String, List<String>> invert(Map<String, List<String>> dag) {
    Map<String, List<String>> in = new HashMap<>();
    for (Map.Entry<String, List<String>> e : dag.entrySet()) {
      for (String t : e.getValue()) {
        in.computeIfAbsent(t, k -> new java.util.ArrayList<>()).add(e.getKey());
      }
    }
    return in;
  }

  private static final Map<String, List<String>> IMPLIED_IN = invert(IMPLIED_ANOMALIES);
  private static final Map<String, List<String>> MODELS_IN = invert(MODELS);
  private static final Map<String, List<String>> PROSCRIBED_IN = invert(DIRECT_PROSCRIBED);

  private static Set<String> reach(Collection<String> start, Function<String, List<String>> next) {
    Set<String> seen = new LinkedHashSet<>(start);
    Deque<String> todo = new ArrayDeque<>(start);
    while (!todo.isEmpty()) {
      for (String n : next.apply(todo.pop())) {
        if (seen.add(n)) {
          todo.push(n);
        }
      }
    }
    return seen;
  }

  /** Every model name this class knows, friendly or canonical. */
  public static Set<String> knownModels() {
    Set<String> all = new TreeSet<>(CANONICAL.keySet());
    all.addAll(CANONICAL.values());
    all.addAll(MODELS.keySet());
    MODELS.values().forEach(all::addAll);
    return all;
  }

  /** Every anomaly name this class knows. */
  public static Set<String> knownAnomalies() {
    Set<String> all = new TreeSet<>(IMPLIED_ANOMALIES.keySet());
    IMPLIED_ANOMALIES.values().forEach(all::addAll);
    DIRECT_PROSCRIBED.values().forEach(all::addAll);
    all.addAll(List.of("cycle-search-timeout", "empty-transaction-graph"));
    return all;
  }

  /** The anomalies given, and every anomaly that implies one of them. */
  public static Set<String> allAnomaliesImplying(Collection<String> anomalies) {
    return reach(anomalies, a -> IMPLIED_IN.getOrDefault(a, List.of()));
  }

  /** The anomalies given, and every anomaly they imply. */
  public static Set<String> allImpliedAnomalies(Collection<String> anomalies) {
    return reach(anomalies, a -> IMPLIED_ANOMALIES.getOrDefault(a, List.of()));
  }

  /** Anomalies that must be absent for all of {@code models} to hold. */
  public static Set<String> anomaliesProhibitedBy(Collection<String> models) {
    Set<String> implied = reach(models.stream().map(ConsistencyModels::canonical).toList(),
        m -> MODELS.getOrDefault(m, List.of()));
    Set<String> direct = new LinkedHashSet<>();
    for (String m : implied) {
      direct.addAll(DIRECT_PROSCRIBED.getOrDefault(m, List.of()));
    }
    return new TreeSet<>(allAnomaliesImplying(direct));
  }

  /** Canonical models that cannot hold given that {@code anomalies} occurred. */
  public static Set<String> impossibleModels(Collection<String> anomalies) {
    Set<String> direct = new LinkedHashSet<>();
    for (String a : allImpliedAnomalies(anomalies)) {
      direct.addAll(PROSCRIBED_IN.getOrDefault(a, List.of()));
    }
    return reach(direct, m -> MODELS_IN.getOrDefault(m, List.of()));
  }

  /** The friendly-named boundary: {@code not} and {@code also-not}, both sorted. */
  public record Boundary(Set<String> not, Set<String> alsoNot) {}

  public static Boundary boundary(Collection<String> anomalies) {
    Set<String> impossible = impossibleModels(anomalies);
    Set<String> weakest = new LinkedHashSet<>(impossible);
    for (String m : impossible) {
      Set<String> others = new LinkedHashSet<>(weakest);
      others.remove(m);
      Set<String> below = reach(List.of(m), x -> MODELS.getOrDefault(x, List.of()));
      below.remove(m);
      for (String b : below) {
        if (others.contains(b)) {
          weakest.remove(m);
          break;
        }
      }
    }
    Set<String> not = new TreeSet<>();
    weakest.forEach(m -> not.add(friendly(m)));
    Set<String> alsoNot = new TreeSet<>();
    for (String m : impossible) {
      if (!weakest.contains(m)) {
        alsoNot.add(friendly(m));
      }
    }
    return new Boundary(not, alsoNot);
  }
}
