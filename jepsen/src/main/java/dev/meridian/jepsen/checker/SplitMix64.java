package dev.meridian.jepsen.checker;

/**
 * SplitMix64 (Steele, Lea, Flood): a tiny, seedable, deterministic generator. The checker's
 * generator uses it instead of {@code java.util.Random} so one seed reproduces one history on every
 * JDK.
 */
public final class SplitMix64 {
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    return (int) Math.floorMod(nextLong(), (long) bound);
  }

  /** True with probability {@code p}. */
  public boolean chance(double p) {
    return (nextLong() >>> 11) * 0x1.0p-53 < p;
  }
}
