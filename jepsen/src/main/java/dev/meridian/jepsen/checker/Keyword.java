package dev.meridian.jepsen.checker;

import java.util.Objects;

/**
 * An EDN keyword such as {@code :append}. Kept distinct from strings so that a history keyed by
 * {@code :x} and one keyed by {@code "x"} are not silently conflated, as Elle keeps them apart too.
 */
public record Keyword(String name) implements Comparable<Keyword> {
  public Keyword {
    Objects.requireNonNull(name, "name");
  }

  public static Keyword of(String name) {
    return new Keyword(name);
  }

  @Override
  public int compareTo(Keyword o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return ":" + name;
  }
}
