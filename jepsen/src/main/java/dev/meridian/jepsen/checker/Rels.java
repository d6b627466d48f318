package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.List;

/**
 * Dependency relations between transactions, as bits of a mask.
 *
 * <p>Glossary (Adya): {@code ww} T2 overwrote T1's version (write dependency); {@code wr} T2 read
 * T1's version (read dependency); {@code rw} T1 read a version that T2 overwrote
 * (anti-dependency); {@code process} T1 came before T2 in the same client process; {@code realtime}
 * T1 completed before T2 was invoked.
 */
public final class Rels {
  public static final int WW = 1;
  public static final int WR = 2;
  public static final int RW = 4;
  public static final int PROCESS = 8;
  public static final int REALTIME = 16;
  public static final int ALL = WW | WR | RW | PROCESS | REALTIME;

  private Rels() {}

  public static String name(int rel) {
    return switch (rel) {
      case WW -> "ww";
      case WR -> "wr";
      case RW -> "rw";
      case PROCESS -> "process";
      case REALTIME -> "realtime";
      default -> throw new IllegalArgumentException("not a single relation: " + rel);
    };
  }

  public static List<String> names(int mask) {
    List<String> out = new ArrayList<>();
    for (int r = 1; r <= REALTIME; r <<= 1) {
      if ((mask & r) != 0) {
        out.add(name(r));
      }
    }
    return out;
  }
}
