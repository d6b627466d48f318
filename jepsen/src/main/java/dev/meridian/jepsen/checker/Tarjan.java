package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Strongly connected components by Tarjan's algorithm, iteratively: histories have hundreds of
 * thousands of operations, far deeper than a thread stack allows recursion.
 *
 * <p>Glossary: the <em>subset</em> is the set of vertices the search may visit (a whole graph, or
 * one component when we look for a particular kind of cycle inside it); an edge is followed only
 * if both ends are in the subset and its relation mask passes the <em>edge filter</em>. Only
 * components of two or more vertices are returned, since the graph has no self-edges and a lone
 * vertex holds no cycle.
 *
 * <p>Scratch arrays are sized to the graph once and reset only where touched, so searching many
 * small subsets costs time proportional to the subsets, not the graph.
 */
public final class Tarjan {
  private static final int UNVISITED = -1;

  private final DependencyGraph g;
  private final int[] index;
  private final int[] low;
  private final boolean[] onStack;
  private final int[] member;
  private int memberStamp;

  public Tarjan(DependencyGraph g) {
    this.g = g;
    int n = g.vertexCount();
    index = new int[n];
    low = new int[n];
    onStack = new boolean[n];
    member = new int[n];
    Arrays.fill(index, UNVISITED);
  }

  /** Components of the whole graph under {@code edgeFilter}. */
  public List<int[]> components(IntPredicate edgeFilter) {
    int[] all = new int[g.vertexCount()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return components(all, edgeFilter);
  }

  /** Components of the subgraph induced by {@code subset} under {@code edgeFilter}. */
  public List<int[]> components(int[] subset, IntPredicate edgeFilter) {
    memberStamp++;
    for (int v : subset) {
      member[v] = memberStamp;
    }
    List<int[]> out = new ArrayList<>();
    int[] stack = new int[subset.length];
    int sp = 0;
    int[] callVertex = new int[subset.length];
    int[] callEdge = new int[subset.length];
    int counter = 0;
    for (int root : subset) {
      if (index[root] != UNVISITED) {
        continue;
      }
      int depth = 0;
      callVertex[0] = root;
      callEdge[0] = g.edgeStart(root);
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = true;
      while (depth >= 0) {
        int v = callVertex[depth];
        int e = callEdge[depth];
        if (e < g.edgeEnd(v)) {
          callEdge[depth] = e + 1;
          int w = g.target(e);
          if (member[w] != memberStamp || !edgeFilter.test(g.rels(e))) {
            continue;
          }
          if (index[w] == UNVISITED) {
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = true;
            depth++;
            callVertex[depth] = w;
            callEdge[depth] = g.edgeStart(w);
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
          continue;
        }
        if (low[v] == index[v]) {
          int start = sp;
          do {
            start--;
          } while (stack[start] != v);
          int size = sp - start;
          if (size > 1) {
            int[] comp = Arrays.copyOfRange(stack, start, sp);
            Arrays.sort(comp);
            out.add(comp);
          }
          for (int i = start; i < sp; i++) {
            onStack[stack[i]] = false;
          }
          sp = start;
        }
        depth--;
        if (depth >= 0) {
          int parent = callVertex[depth];
          low[parent] = Math.min(low[parent], low[v]);
        }
      }
    }
    for (int v : subset) {
      index[v] = UNVISITED;
    }
    out.sort((a, b) -> Integer.compare(a[0], b[0]));
    return out;
  }
}
