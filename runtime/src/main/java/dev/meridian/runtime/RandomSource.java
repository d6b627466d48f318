package dev.meridian.runtime;

/**
 * Seeded randomness. Protocol code draws every random choice from a source it was given, so that one
 * seed reproduces a whole simulated run. {@link #fork()} derives an independent stream (one per node
 * or per component) whose values do not depend on how much the parent is used afterwards.
 */
public interface RandomSource {

  long nextLong();

  /** A uniformly distributed value in {@code [0, bound)}; {@code bound} must be positive. */
  int nextInt(int bound);

  /** A uniformly distributed value in {@code [0, bound)}; {@code bound} must be positive. */
  long nextLong(long bound);

  /** A uniformly distributed value in {@code [0, 1)}. */
  double nextDouble();

  /** True with probability {@code probability}. */
  default boolean chance(double probability) {
    return nextDouble() < probability;
  }

  /** A new, independent stream seeded from this one. */
  RandomSource fork();

  /** A deterministic source for {@code seed}. */
  static RandomSource seeded(long seed) {
    return new SplitMix64(seed);
  }

  /**
   * The finaliser of the seeded sources' generator (SplitMix64's): a bijection on longs in which
   * every input bit affects every output bit, the same on every JVM. For fingerprints and hashes that
   * must reproduce from a seed (the simulator's trace), so they need no second copy of the mixer.
   */
  static long mix(long z) {
    return SplitMix64.mix(z);
  }
}
