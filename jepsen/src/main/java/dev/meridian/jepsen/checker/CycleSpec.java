package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.List;

/**
 * What kind of cycle to look for, after Elle's cycle anomaly specifications.
 *
 * <p>Glossary: an edge's <em>label</em> is the one relation that explains it (see
 * {@link EdgeLabels}); {@code allowed} are the labels other than rw a cycle may use;
 * {@code rwMode} says how many rw edges it needs and whether two may be adjacent; every label in
 * {@code required} must appear at least once (wr for G1c, process or realtime for the session and
 * strict variants).
 */
public record CycleSpec(String name, int allowed, RwMode rwMode, int required) {
  /** How anti-dependency (rw) edges may appear in the cycle. */
  public enum RwMode {
    /** No rw edges. */
    NONE,
    /** Exactly one rw edge (G-single). */
    SINGLE,
    /** Two or more rw edges, never two in a row, counting the wrap-around (G-nonadjacent). */
    NONADJACENT,
    /** Two or more rw edges, anywhere (G2). */
    MULTIPLE
  }

  /** The edge labels this spec may traverse. */
  public int usable() {
    return allowed | (rwMode == RwMode.NONE ? 0 : Rels.RW);
  }

  private static final List<CycleSpec> BASE = List.of(
      new CycleSpec("G0", Rels.WW, RwMode.NONE, 0),
      new CycleSpec("G1c", Rels.WW | Rels.WR, RwMode.NONE, Rels.WR),
      new CycleSpec("G-single-item", Rels.WW | Rels.WR, RwMode.SINGLE, 0),
      new CycleSpec("G-nonadjacent-item", Rels.WW | Rels.WR, RwMode.NONADJACENT, 0),
      new CycleSpec("G2-item", Rels.WW | Rels.WR, RwMode.MULTIPLE, 0));

  /**
   * Every spec, ordered so that a spec comes before every spec it implies (a base anomaly before
   * its process variant before its realtime variant), which is the order the search relies on to
   * skip anomalies already implied by one it found.
   */
  public static final List<CycleSpec> ALL;

  static {
    List<CycleSpec> all = new ArrayList<>(BASE);
    for (CycleSpec s : BASE) {
      all.add(new CycleSpec(s.name + "-process", s.allowed | Rels.PROCESS, s.rwMode,
          s.required | Rels.PROCESS));
    }
    for (CycleSpec s : BASE) {
      all.add(new CycleSpec(s.name + "-realtime", s.allowed | Rels.REALTIME, s.rwMode,
          s.required | Rels.REALTIME));
    }
    ALL = List.copyOf(all);
  }

  /**
   * Names a cycle from the labels of its edges, as Elle does: by its rw edges (one: G-single; more,
   * two adjacent: G2-item; more, none adjacent: G-nonadjacent), else wr (G1c), else G0; suffixed
   * {@code -realtime} or {@code -process} if it uses such an edge.
   */
  public static String classify(int[] labels) {
    int rw = 0;
    int wr = 0;
    int rt = 0;
    int proc = 0;
    boolean adjacent = false;
    for (int i = 0; i < labels.length; i++) {
      int l = labels[i];
      if (l == Rels.RW) {
        rw++;
        if (labels[(i + 1) % labels.length] == Rels.RW) {
          adjacent = true;
        }
      } else if (l == Rels.WR) {
        wr++;
      } else if (l == Rels.REALTIME) {
        rt++;
      } else if (l == Rels.PROCESS) {
        proc++;
      }
    }
    String base;
    if (rw == 1) {
      base = "G-single-item";
    } else if (rw > 1) {
      base = adjacent ? "G2-item" : "G-nonadjacent-item";
    } else if (wr > 0) {
      base = "G1c";
    } else {
      base = "G0";
    }
    return base + (rt > 0 ? "-realtime" : proc > 0 ? "-process" : "");
  }
}
