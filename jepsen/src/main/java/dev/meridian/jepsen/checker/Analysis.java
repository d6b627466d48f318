package dev.meridian.jepsen.checker;

import java.util.List;
import java.util.Map;

/**
 * What a workload analyzer learned from a history: anomalies it could see directly (aborted reads,
 * internal inconsistencies, ...), and the dependency graph in which cycles are searched next.
 */
public record Analysis(Map<String, List<Object>> anomalies, DependencyGraph graph,
    EdgeLabels labels, PairExplainer explainer) {}
