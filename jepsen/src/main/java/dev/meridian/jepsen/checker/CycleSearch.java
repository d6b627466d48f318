package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds a short cycle of a given {@link CycleSpec} inside one strongly connected component.
 *
 * <p>Glossary: a <em>state</em> summarises the path so far — how many rw edges (0, 1, 2+), whether
 * the first and the last edge were rw, and which required labels were seen; the search runs
 * breadth-first over (vertex, state) pairs. An <em>anchor</em> is an edge the cycle must contain
 * (one carrying its scarcest label, rw if it needs any): from anchor {@code u -> v} we search the
 * shortest path from v back to u whose state completes the spec, so the cycle found is the
 * shortest through that anchor. The <em>budget</em> bounds the number of edges examined, so a
 * pathological component ends the search with {@link Outcome#TIMEOUT} instead of running for
 * hours (Elle uses a wall-clock timeout; we count steps, to stay deterministic).
 *
 * <p>First the component is split by the edges the spec may use; a cycle must lie inside one of
 * those smaller components, and any anchor edge inside one does lie on some cycle.
 */
public final class CycleSearch {
  /** How a search ended. */
  public enum Outcome { FOUND, NONE, TIMEOUT }

  /** A cycle: {@code vertices[0] -> vertices[1] -> ... -> vertices[0]} with edge labels. */
  public record Cycle(int[] vertices, int[] labels) {
    public String type() {
      return CycleSpec.classify(labels);
    }
  }

  /** The result of one search. */
  public record Result(Outcome outcome, Cycle cycle) {}

  private final DependencyGraph g;
  private final EdgeLabels labels;
  private final Tarjan tarjan;
  private final int[] localIndex;

  public CycleSearch(DependencyGraph g, EdgeLabels labels, Tarjan tarjan) {
    this.g = g;
    this.labels = labels;
    this.tarjan = tarjan;
    this.localIndex = new int[g.vertexCount()];
    Arrays.fill(localIndex, -1);
  }

  /** Searches {@code component} for a cycle matching {@code spec}, examining at most budget edges. */
  public Result search(int[] component, CycleSpec spec, long budget) {
    int usable = spec.usable();
    boolean typed = typed(spec);
    List<int[]> subs = typed ? tarjan.components(component, r -> (r & usable) != 0)
        : tarjan.components(component, r -> (labels.label(r) & usable) != 0);
    long[] remaining = {budget};
    boolean timedOut = false;
    for (int[] sub : subs) {
      Result r = searchSub(sub, spec, remaining, typed);
      if (r.outcome() == Outcome.FOUND) {
        return r;
      }
      if (r.outcome() == Outcome.TIMEOUT) {
        timedOut = true;
        break;
      }
    }
    return new Result(timedOut ? Outcome.TIMEOUT : Outcome.NONE, null);
  }

  // State layout, as mixed radix: rwCount (0..2) | lastRw | firstRw | seen-required bits.
  private static final int[] REQUIRED_ORDER = {Rels.WR, Rels.PROCESS, Rels.REALTIME};

  /**
   * Specs that Elle checks by name after searching: any edge carrying an rw bit may serve as the
   * rw edge, but the cycle found is then named from its edges' explaining labels, and discarded if
   * the name differs. We mirror that, so we report what Elle reports.
   */
  private static boolean typed(CycleSpec spec) {
    return spec.rwMode() != CycleSpec.RwMode.NONE;
  }

  private Result searchSub(int[] sub, CycleSpec spec, long[] remaining, boolean typed) {
    for (int i = 0; i < sub.length; i++) {
      localIndex[sub[i]] = i;
    }
    try {
      if (typed) {
        Result r = searchFromStarts(sub, spec, remaining);
        if (r.outcome() == Outcome.FOUND && !r.cycle().type().equals(spec.name())) {
          return new Result(Outcome.NONE, null);
        }
        return r;
      }
      return searchLocal(sub, spec, remaining);
    } finally {
      for (int v : sub) {
        localIndex[v] = -1;
      }
    }
  }

  private Result searchLocal(int[] sub, CycleSpec spec, long[] remaining) {
    int usable = spec.usable();
    int anchorLabel = anchorLabel(sub, spec);
    if (anchorLabel == 0) {
      return new Result(Outcome.NONE, null);
    }
    int[] requiredBits = requiredBits(spec.required());
    int seenStates = 1 << requiredBits.length;
    int stateCount = 3 * 2 * 2 * seenStates;
    int n = sub.length;
    int[] visited = new int[n * stateCount];
    int[] parent = new int[n * stateCount];
    byte[] via = new byte[n * stateCount];
    int stamp = 0;
    int allSeen = seenStates - 1;
    int[] queue = new int[16];
    for (int u : sub) {
      for (int e = g.edgeStart(u); e < g.edgeEnd(u); e++) {
        int v = g.target(e);
        if (localIndex[v] < 0 || labels.label(g.rels(e)) != anchorLabel) {
          continue;
        }
        stamp++;
        int s0 = step(initialState(), anchorLabel, spec, requiredBits, true);
        if (s0 < 0) {
          continue;
        }
        int start = localIndex[v] * stateCount + s0;
        visited[start] = stamp;
        parent[start] = -1;
        via[start] = (byte) anchorLabel;
        int head = 0;
        int tail = 0;
        queue[tail++] = start;
        int target = localIndex[u];
        while (head < tail) {
          int node = queue[head++];
          int x = sub[node / stateCount];
          int s = node % stateCount;
          for (int f = g.edgeStart(x); f < g.edgeEnd(x); f++) {
            if (--remaining[0] < 0) {
              return new Result(Outcome.TIMEOUT, null);
            }
            int y = g.target(f);
            int ly = localIndex[y];
            if (ly < 0) {
              continue;
            }
            int label = labels.label(g.rels(f));
            if ((label & usable) == 0) {
              continue;
            }
            int s2 = step(s, label, spec, requiredBits, false);
            if (s2 < 0) {
              continue;
            }
            int next = ly * stateCount + s2;
            if (visited[next] == stamp) {
              continue;
            }
            visited[next] = stamp;
            parent[next] = node;
            via[next] = (byte) label;
            if (ly == target) {
              if (accepts(s2, spec, allSeen)) {
                return new Result(Outcome.FOUND, rebuild(sub, next, stateCount, parent, via));
              }
              continue;
            }
            if (tail == queue.length) {
              queue = Arrays.copyOf(queue, queue.length * 2);
            }
            queue[tail++] = next;
          }
        }
      }
    }
    return new Result(Outcome.NONE, null);
  }

  /**
   * Elle's search for rw-bearing cycles: from each start vertex in turn, breadth-first over
   * (vertex, state), the first edge being an rw; an edge may be taken as any relation it carries.
   * Returns the shortest cycle through the first start vertex that has one.
   */
  private Result searchFromStarts(int[] sub, CycleSpec spec, long[] remaining) {
    int usable = spec.usable();
    int[] requiredBits = requiredBits(spec.required());
    int seenStates = 1 << requiredBits.length;
    int stateCount = 3 * 2 * 2 * seenStates;
    int allSeen = seenStates - 1;
    int n = sub.length;
    int[] visited = new int[n * stateCount];
    int[] parent = new int[n * stateCount];
    byte[] via = new byte[n * stateCount];
    int[] queue = new int[16];
    int stamp = 0;
    for (int si = 0; si < n; si++) {
      int s = sub[si];
      stamp++;
      int head = 0;
      int tail = 0;
      for (int e = g.edgeStart(s); e < g.edgeEnd(s); e++) {
        int ly = localIndex[g.target(e)];
        if (ly < 0 || (g.rels(e) & Rels.RW) == 0) {
          continue;
        }
        int s2 = step(initialState(), Rels.RW, spec, requiredBits, true);
        int node = ly * stateCount + s2;
        if (visited[node] == stamp) {
          continue;
        }
        visited[node] = stamp;
        parent[node] = -1 - si;
        via[node] = (byte) labels.label(g.rels(e));
        if (tail == queue.length) {
          queue = Arrays.copyOf(queue, queue.length * 2);
        }
        queue[tail++] = node;
      }
      while (head < tail) {
        int node = queue[head++];
        int x = sub[node / stateCount];
        int st = node % stateCount;
        for (int f = g.edgeStart(x); f < g.edgeEnd(x); f++) {
          if (--remaining[0] < 0) {
            return new Result(Outcome.TIMEOUT, null);
          }
          int ly = localIndex[g.target(f)];
          int bits = g.rels(f) & usable;
          if (ly < 0 || bits == 0) {
            continue;
          }
          for (int rel = 1; rel <= Rels.REALTIME; rel <<= 1) {
            if ((bits & rel) == 0) {
              continue;
            }
            int s2 = step(st, rel, spec, requiredBits, false);
            if (s2 < 0) {
              continue;
            }
            if (ly == si) {
              if (accepts(s2, spec, allSeen)) {
                return new Result(Outcome.FOUND,
                    rebuildFrom(sub, node, f, stateCount, parent, via, si));
              }
              continue;
            }
            int next = ly * stateCount + s2;
            if (visited[next] == stamp) {
              continue;
            }
            visited[next] = stamp;
            parent[next] = node;
            via[next] = (byte) labels.label(g.rels(f));
            if (tail == queue.length) {
              queue = Arrays.copyOf(queue, queue.length * 2);
            }
            queue[tail++] = next;
          }
        }
      }
    }
    return new Result(Outcome.NONE, null);
  }

  /** The cycle start -> ... -> node -(closing edge)-> start, labelled by explaining relation. */
  private Cycle rebuildFrom(int[] sub, int node, int closingEdge, int stateCount, int[] parent,
      byte[] via, int startLocal) {
    List<Integer> verts = new ArrayList<>();
    List<Integer> labs = new ArrayList<>();
    int cur = node;
    while (cur >= 0) {
      verts.add(sub[cur / stateCount]);
      labs.add((int) via[cur]);
      cur = parent[cur];
    }
    int k = verts.size();
    int[] vs = new int[k + 1];
    int[] ls = new int[k + 1];
    vs[0] = sub[startLocal];
    for (int i = 0; i < k; i++) {
      vs[i + 1] = verts.get(k - 1 - i);
      ls[i] = labs.get(k - 1 - i);
    }
    ls[k] = labels.label(g.rels(closingEdge));
    return new Cycle(vs, ls);
  }

  private Cycle rebuild(int[] sub, int end, int stateCount, int[] parent, byte[] via) {
    List<Integer> verts = new ArrayList<>();
    List<Integer> labs = new ArrayList<>();
    int node = end;
    while (node >= 0) {
      verts.add(sub[node / stateCount]);
      labs.add((int) via[node]);
      node = parent[node];
    }
    // verts: u, ..., v reversed; labs[i] is the label of the edge entering verts[i].
    int k = verts.size();
    int[] vs = new int[k];
    int[] ls = new int[k];
    // Cycle order: u -> v -> ... -> u. The last element walked back is v (entered by the anchor).
    vs[0] = verts.get(0);
    ls[0] = labs.get(k - 1);
    for (int i = 1; i < k; i++) {
      vs[i] = verts.get(k - i);
      ls[i] = labs.get(k - 1 - i);
    }
    return new Cycle(vs, ls);
  }

  private int anchorLabel(int[] sub, CycleSpec spec) {
    if (spec.rwMode() != CycleSpec.RwMode.NONE) {
      return Rels.RW;
    }
    int best = 0;
    int bestCount = Integer.MAX_VALUE;
    int candidates = spec.required() == 0 ? spec.allowed() : spec.required();
    for (int rel = 1; rel <= Rels.REALTIME; rel <<= 1) {
      if ((candidates & rel) == 0) {
        continue;
      }
      int count = 0;
      for (int u : sub) {
        for (int e = g.edgeStart(u); e < g.edgeEnd(u); e++) {
          if (localIndex[g.target(e)] >= 0 && labels.label(g.rels(e)) == rel) {
            count++;
          }
        }
      }
      if (count == 0 && (spec.required() & rel) != 0) {
        return 0;
      }
      if (count > 0 && count < bestCount) {
        best = rel;
        bestCount = count;
      }
    }
    return best;
  }

  private static int[] requiredBits(int required) {
    int[] out = new int[Integer.bitCount(required)];
    int i = 0;
    for (int rel : REQUIRED_ORDER) {
      if ((required & rel) != 0) {
        out[i++] = rel;
      }
    }
    return out;
  }

  private static int initialState() {
    return 0;
  }

  private static int rwCount(int s) {
    return s % 3;
  }

  private static boolean lastRw(int s) {
    return (s / 3) % 2 == 1;
  }

  private static boolean firstRw(int s) {
    return (s / 6) % 2 == 1;
  }

  private static int seen(int s) {
    return s / 12;
  }

  private static int pack(int rwCount, boolean lastRw, boolean firstRw, int seen) {
    return rwCount + 3 * ((lastRw ? 1 : 0) + 2 * ((firstRw ? 1 : 0) + 2 * seen));
  }

  /** The state after taking an edge labelled {@code label}, or -1 if the spec forbids it. */
  private static int step(int s, int label, CycleSpec spec, int[] requiredBits, boolean first) {
    int rw = rwCount(s);
    boolean last = lastRw(s);
    boolean firstWasRw = first ? label == Rels.RW : firstRw(s);
    int seen = seen(s);
    if (label == Rels.RW) {
      switch (spec.rwMode()) {
        case NONE:
          return -1;
        case SINGLE:
          if (rw >= 1) {
            return -1;
          }
          break;
        case NONADJACENT:
          if (last) {
            return -1;
          }
          break;
        default:
          break;
      }
      return pack(Math.min(2, rw + 1), true, firstWasRw, seen);
    }
    for (int i = 0; i < requiredBits.length; i++) {
      if (requiredBits[i] == label) {
        seen |= 1 << i;
      }
    }
    return pack(rw, false, firstWasRw, seen);
  }

  private static boolean accepts(int s, CycleSpec spec, int allSeen) {
    if (seen(s) != allSeen) {
      return false;
    }
    int rw = rwCount(s);
    return switch (spec.rwMode()) {
      case NONE -> rw == 0;
      case SINGLE -> rw == 1;
      case MULTIPLE -> rw >= 2;
      case NONADJACENT -> rw >= 2 && !(lastRw(s) && firstRw(s));
    };
  }
}
