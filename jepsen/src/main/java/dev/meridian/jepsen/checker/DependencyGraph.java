package dev.meridian.jepsen.checker;

import java.util.Arrays;

/**
 * A directed graph over operation ids whose edges carry a mask of {@link Rels}. Stored as
 * compressed sparse rows (offsets into one target array), so memory is linear in the number of
 * edges and iteration is cache-friendly; a 100,000-operation history fits in a few megabytes.
 *
 * <p>Invariant: no self-edges, and at most one edge per ordered pair (parallel relations are ORed
 * into its mask).
 */
public final class DependencyGraph {
  private final int vertexCount;
  private final int[] offsets;
  private final int[] targets;
  private final byte[] rels;

  private DependencyGraph(int vertexCount, int[] offsets, int[] targets, byte[] rels) {
    this.vertexCount = vertexCount;
    this.offsets = offsets;
    this.targets = targets;
    this.rels = rels;
  }

  public int vertexCount() {
    return vertexCount;
  }

  public int edgeCount() {
    return targets.length;
  }

  /** First position of {@code v}'s out-edges in {@link #target}/{@link #rels}. */
  public int edgeStart(int v) {
    return offsets[v];
  }

  public int edgeEnd(int v) {
    return offsets[v + 1];
  }

  public int target(int edge) {
    return targets[edge];
  }

  public int rels(int edge) {
    return rels[edge];
  }

  /** The relation mask of edge {@code from -> to}, or 0 if there is none. */
  public int relsBetween(int from, int to) {
    for (int e = offsets[from]; e < offsets[from + 1]; e++) {
      if (targets[e] == to) {
        return rels[e];
      }
    }
    return 0;
  }

  /** Collects edges in any order, then freezes them into a {@link DependencyGraph}. */
  public static final class Builder {
    // Packed as from << 34 | to << 5 | rels, so one sort groups parallel edges together.
    private long[] packed = new long[16];
    private int size;
    private final int vertexCount;

    public Builder(int vertexCount) {
      if (vertexCount >= (1 << 29)) {
        throw new IllegalArgumentException("history too large: " + vertexCount + " operations");
      }
      this.vertexCount = vertexCount;
    }

    public Builder link(int from, int to, int rel) {
      if (from == to) {
        return this;
      }
      if (size == packed.length) {
        packed = Arrays.copyOf(packed, size * 2);
      }
      packed[size++] = ((long) from << 34) | ((long) to << 5) | rel;
      return this;
    }

    public Builder addAll(DependencyGraph g) {
      for (int v = 0; v < g.vertexCount; v++) {
        for (int e = g.offsets[v]; e < g.offsets[v + 1]; e++) {
          link(v, g.targets[e], g.rels[e]);
        }
      }
      return this;
    }

    public DependencyGraph build() {
      long[] p = Arrays.copyOf(packed, size);
      Arrays.sort(p);
      int[] offsets = new int[vertexCount + 1];
      int[] targets = new int[size];
      byte[] rels = new byte[size];
      int n = 0;
      long prevPair = -1;
      for (long x : p) {
        long pair = x >>> 5;
        int rel = (int) (x & 31);
        if (pair == prevPair) {
          rels[n - 1] |= (byte) rel;
          continue;
        }
        prevPair = pair;
        int from = (int) (x >>> 34);
        targets[n] = (int) ((x >>> 5) & ((1L << 29) - 1));
        rels[n] = (byte) rel;
        offsets[from + 1]++;
        n++;
      }
      for (int v = 0; v < vertexCount; v++) {
        offsets[v + 1] += offsets[v];
      }
      return new DependencyGraph(vertexCount, offsets, Arrays.copyOf(targets, n),
          Arrays.copyOf(rels, n));
    }
  }
}
