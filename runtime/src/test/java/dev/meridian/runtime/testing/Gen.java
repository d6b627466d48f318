package dev.meridian.runtime.testing;

import dev.meridian.runtime.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Small generators for {@link PropertyCheck}. Edge values are drawn often on purpose: boundaries
 * (zero, extremes, empty) are where encodings and protocols break.
 */
public final class Gen {

  private Gen() {}

  /** A long in {@code [min, max]} (inclusive), uniformly. */
  public static long between(RandomSource random, long min, long max) {
    if (max < min) {
      throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
    }
    long span = max - min + 1;
    if (span <= 0) {
      // The range covers more than half of all longs: draw until inside.
      while (true) {
        long candidate = random.nextLong();
        if (candidate >= min && candidate <= max) {
          return candidate;
        }
      }
    }
    return min + random.nextLong(span);
  }

  public static int between(RandomSource random, int min, int max) {
    return (int) between(random, (long) min, (long) max);
  }

  /** With probability {@code edgeProbability} one of {@code edges}, else {@code otherwise}. */
  public static long edgeBiased(
      RandomSource random, double edgeProbability, long[] edges, Function<RandomSource, Long> otherwise) {
    if (random.chance(edgeProbability)) {
      return edges[random.nextInt(edges.length)];
    }
    return otherwise.apply(random);
  }

  /**
   * Any long, with the bit width drawn uniformly from 0..64 and the sign at random: small
   * magnitudes, byte and power-of-two boundaries are as likely as huge ones (uniform longs are
   * almost never small).
   */
  public static long anyLong(RandomSource random) {
    int bits = random.nextInt(65);
    if (bits == 64) {
      return random.nextLong();
    }
    long magnitude = bits == 0 ? 0 : random.nextLong() >>> (64 - bits);
    return random.chance(0.5) ? -magnitude : magnitude;
  }

  /** Like {@link #anyLong}, for ints. */
  public static int anyInt(RandomSource random) {
    int bits = random.nextInt(33);
    if (bits == 32) {
      return (int) random.nextLong();
    }
    int magnitude = bits == 0 ? 0 : (int) (random.nextLong() >>> (64 - bits));
    return random.chance(0.5) ? -magnitude : magnitude;
  }

  /**
   * An index into {@code weights}, chosen with probability proportional to its weight: a weighted
   * choice among alternatives, as in {@code switch (frequency(random, 4, 1)) { case 0 -> ...}}.
   */
  public static int frequency(RandomSource random, int... weights) {
    int total = 0;
    for (int weight : weights) {
      if (weight < 0) {
        throw new IllegalArgumentException("negative weight " + weight);
      }
      total += weight;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("no positive weight");
    }
    int draw = random.nextInt(total);
    for (int i = 0; ; i++) {
      draw -= weights[i];
      if (draw < 0) {
        return i;
      }
    }
  }

  /** One element of {@code choices}, uniformly. */
  public static <T> T oneOf(RandomSource random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  /** {@code 0..maxLength} bytes, each one of {@code alphabet}. */
  public static byte[] bytesFrom(RandomSource random, int maxLength, byte... alphabet) {
    byte[] out = new byte[random.nextInt(maxLength + 1)];
    for (int i = 0; i < out.length; i++) {
      out[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return out;
  }

  /** One of {@code choices}, uniformly. */
  @SafeVarargs
  public static <T> T oneOf(RandomSource random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** A list of {@code 0..maxSize} elements drawn by {@code element}. */
  public static <T> List<T> listOf(RandomSource random, int maxSize, Function<RandomSource, T> element) {
    int size = random.nextInt(maxSize + 1);
    List<T> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(element.apply(random));
    }
    return out;
  }

  /** {@code length} random bytes, often drawn from {0x00, 0x01, 0xFE, 0xFF} to hit escapes. */
  public static byte[] bytes(RandomSource random, int maxLength) {
    byte[] out = new byte[random.nextInt(maxLength + 1)];
    boolean edgy = random.chance(0.5);
    for (int i = 0; i < out.length; i++) {
      out[i] =
          edgy && random.chance(0.5)
              ? (byte) oneOf(random, 0x00, 0x01, 0xFE, 0xFF).intValue()
              : (byte) random.nextInt(256);
    }
    return out;
  }
}
