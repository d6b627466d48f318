package dev.meridian.runtime.testing;

import dev.meridian.runtime.RandomSource;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Property-based testing on Meridian's own seeded {@link RandomSource}: draws {@code tries} cases
 * from a generator and checks a property on each. A failure names the seed, the case and the value,
 * and how to replay it. (We write our own rather than use jqwik, whose author asks AI agents not to
 * use it; every Meridian commit is written with one.)
 *
 * <p>The seed is fixed, so CI always checks the same cases; {@code -Dmeridian.seed=N} explores others.
 */
public final class PropertyCheck {

  /** The seed used when {@code meridian.seed} is not set. */
  public static final long DEFAULT_SEED = 0x4d45524944494e4cL;

  private PropertyCheck() {}

  /** The seed of this run: {@code -Dmeridian.seed}, or {@link #DEFAULT_SEED}. */
  public static long seed() {
    String configured = System.getProperty("meridian.seed");
    return configured == null ? DEFAULT_SEED : Long.decode(configured);
  }

  /** Checks {@code property} on {@code tries} values drawn by {@code generator}. */
  public static <T> void forAll(
      int tries, Function<RandomSource, T> generator, Consumer<T> property) {
    long seed = seed();
    RandomSource root = RandomSource.seeded(seed);
    for (int i = 0; i < tries; i++) {
      // One forked stream per case: a case's value does not depend on how much earlier ones drew.
      RandomSource caseRandom = root.fork();
      T value = generator.apply(caseRandom);
      try {
        property.accept(value);
      } catch (AssertionError | RuntimeException failure) {
        throw new AssertionError(
            "property failed on case "
                + i
                + " of "
                + tries
                + " (seed "
                + seed
                + "; replay with -Dmeridian.seed="
                + seed
                + "): "
                + describe(value)
                + "\n"
                + failure.getMessage(),
            failure);
      }
    }
  }

  private static String describe(Object value) {
    if (value instanceof byte[] bytes) {
      return java.util.HexFormat.of().formatHex(bytes);
    }
    if (value instanceof Object[] array) {
      return java.util.Arrays.deepToString(array);
    }
    return String.valueOf(value);
  }
}
