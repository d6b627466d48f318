package dev.meridian.runtime;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a small, fast, well-mixed generator whose whole state is one
 * long, so a seed reproduces the stream exactly on every JVM. Not for cryptography.
 */
final class SplitMix64 implements RandomSource {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long state;

  SplitMix64(long seed) {
    this.state = seed;
  }

  @Override
  public long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public int nextInt(int bound) {
    return (int) nextLong(bound);
  }

  @Override
  public long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    // Rejection sampling keeps the distribution uniform when bound is not a power of two.
    long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
    long candidate;
    do {
      candidate = nextLong() >>> 1;
    } while (candidate >= limit);
    return candidate % bound;
  }

  @Override
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  @Override
  public RandomSource fork() {
    return new SplitMix64(mix(nextLong()));
  }
}
