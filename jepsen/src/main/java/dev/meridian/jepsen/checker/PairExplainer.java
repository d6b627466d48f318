package dev.meridian.jepsen.checker;

import java.util.Map;

/**
 * Says why one transaction depends on another through a given relation: the key and versions
 * involved and a sentence for people. Explanations are built only for the few edges of reported
 * cycles, so the graph itself stores no per-edge detail.
 */
public interface PairExplainer {
  /**
   * Explains edge {@code from -> to} labelled {@code rel}; returns a map with at least
   * {@code type} and {@code why}, or null if the relation does not hold.
   */
  Map<String, Object> explain(int from, int to, int rel);
}
