package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tarjan's components and the typed cycle search on small hand-made graphs. */
class GraphAlgorithmsTest {
  private static DependencyGraph graph(int n, int[]... edges) {
    DependencyGraph.Builder b = new DependencyGraph.Builder(n);
    for (int[] e : edges) {
      b.link(e[0], e[1], e[2]);
    }
    return b.build();
  }

  @Test
  void tarjanFindsOnlyNontrivialComponents() {
    DependencyGraph g = graph(6, new int[] {0, 1, Rels.WW}, new int[] {1, 0, Rels.WR},
        new int[] {1, 2, Rels.WW}, new int[] {3, 4, Rels.WW}, new int[] {4, 5, Rels.WW},
        new int[] {5, 3, Rels.RW});
    List<int[]> all = new Tarjan(g).components(r -> true);
    assertThat(all).hasSize(2);
    assertThat(all.get(0)).containsExactly(0, 1);
    assertThat(all.get(1)).containsExactly(3, 4, 5);
    assertThat(new Tarjan(g).components(r -> (r & Rels.WW) != 0)).isEmpty();
  }

  @Test
  void tarjanHandlesLongChainsWithoutRecursion() {
    int n = 200_000;
    DependencyGraph.Builder b = new DependencyGraph.Builder(n);
    for (int i = 0; i + 1 < n; i++) {
      b.link(i, i + 1, Rels.WW);
    }
    b.link(n - 1, 0, Rels.WW);
    assertThat(new Tarjan(b.build()).components(r -> true).get(0)).hasSize(n);
  }

  @Test
  void parallelRelationsAreMerged() {
    DependencyGraph g = graph(2, new int[] {0, 1, Rels.WW}, new int[] {0, 1, Rels.RW});
    assertThat(g.edgeCount()).isEqualTo(1);
    assertThat(g.relsBetween(0, 1)).isEqualTo(Rels.WW | Rels.RW);
  }

  private static CycleSpec spec(String name) {
    return CycleSpec.ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void searchFindsTheKindOfCycleAsked() {
    // 0 -ww-> 1 -rw-> 2 -wr-> 0 : exactly one rw.
    DependencyGraph g = graph(3, new int[] {0, 1, Rels.WW}, new int[] {1, 2, Rels.RW},
        new int[] {2, 0, Rels.WR});
    Tarjan t = new Tarjan(g);
    CycleSearch s = new CycleSearch(g, EdgeLabels.LIST_APPEND, t);
    int[] scc = t.components(r -> true).get(0);
    assertThat(s.search(scc, spec("G0"), 1000).outcome()).isEqualTo(CycleSearch.Outcome.NONE);
    assertThat(s.search(scc, spec("G1c"), 1000).outcome()).isEqualTo(CycleSearch.Outcome.NONE);
    CycleSearch.Result r = s.search(scc, spec("G-single-item"), 1000);
    assertThat(r.outcome()).isEqualTo(CycleSearch.Outcome.FOUND);
    assertThat(r.cycle().type()).isEqualTo("G-single-item");
    assertThat(r.cycle().vertices()).hasSize(3);
  }

  @Test
  void nonadjacentAndAdjacentRwAreDistinguished() {
    assertThat(CycleSpec.classify(new int[] {Rels.RW, Rels.WW, Rels.RW, Rels.WR}))
        .isEqualTo("G-nonadjacent-item");
    assertThat(CycleSpec.classify(new int[] {Rels.RW, Rels.RW, Rels.WR}))
        .isEqualTo("G2-item");
    assertThat(CycleSpec.classify(new int[] {Rels.RW, Rels.WR, Rels.RW}))
        .as("wrap-around adjacency").isEqualTo("G2-item");
    assertThat(CycleSpec.classify(new int[] {Rels.WW, Rels.REALTIME})).isEqualTo("G0-realtime");
  }

  @Test
  void budgetExhaustionIsATimeoutNotAVerdict() {
    DependencyGraph g = graph(3, new int[] {0, 1, Rels.WW}, new int[] {1, 2, Rels.RW},
        new int[] {2, 0, Rels.WR});
    Tarjan t = new Tarjan(g);
    CycleSearch s = new CycleSearch(g, EdgeLabels.LIST_APPEND, t);
    assertThat(s.search(t.components(r -> true).get(0), spec("G-single-item"), 1).outcome())
        .isEqualTo(CycleSearch.Outcome.TIMEOUT);
  }

  @Test
  void modelBoundaryMatchesElle() {
    assertThat(ConsistencyModels.boundary(List.of("G2-item")).not())
        .containsExactly("repeatable-read");
    assertThat(ConsistencyModels.anomaliesProhibitedBy(List.of("snapshot-isolation")))
        .contains("G-single-item", "G-nonadjacent-item", "G1a").doesNotContain("G2-item");
    assertThat(ConsistencyModels.anomaliesProhibitedBy(List.of("strict-serializable")))
        .contains("G-single-item-realtime", "G2-item-realtime");
  }
}
