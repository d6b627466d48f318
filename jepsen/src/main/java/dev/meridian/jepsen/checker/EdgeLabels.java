package dev.meridian.jepsen.checker;

/**
 * Picks the single relation that explains an edge carrying several. Elle explains a pair of
 * transactions with the first of its explainers that can, and names cycles from those
 * explanations; we label edges the same way, so that a cycle we find is named as Elle would name
 * it. List-append asks ww, then wr, then rw; rw-register asks wr, then ww, then rw; process and
 * realtime come last in both.
 */
public final class EdgeLabels {
  private final int[] labelOf = new int[32];

  public EdgeLabels(int... priority) {
    for (int mask = 1; mask < 32; mask++) {
      for (int rel : priority) {
        if ((mask & rel) != 0) {
          labelOf[mask] = rel;
          break;
        }
      }
    }
  }

  public static final EdgeLabels LIST_APPEND =
      new EdgeLabels(Rels.WW, Rels.WR, Rels.RW, Rels.PROCESS, Rels.REALTIME);
  public static final EdgeLabels RW_REGISTER =
      new EdgeLabels(Rels.WR, Rels.WW, Rels.RW, Rels.PROCESS, Rels.REALTIME);

  /** The explaining relation of an edge with relation mask {@code rels}. */
  public int label(int rels) {
    return labelOf[rels & 31];
  }
}
