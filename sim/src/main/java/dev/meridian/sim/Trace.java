package dev.meridian.sim;

import dev.meridian.runtime.RandomSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;

/**
 * The fingerprint of one simulated run: every event the simulator executes is folded into one 64-bit
 * hash, so two runs of a seed can be compared exactly (the determinism check) without keeping the
 * whole trace. Only values that are the same on every JVM go in (numbers, enum ordinals, byte
 * contents), never identity hash codes.
 *
 * <p>For replay, the last {@code keepLines} events can also be kept as text; building the text costs,
 * so it is only done when asked for.
 */
public final class Trace {

  private long hash = 0x6d65726964696e61L;
  private long events;
  private final int keepLines;
  private final ArrayDeque<String> tail;

  public Trace(int keepLines) {
    this.keepLines = keepLines;
    this.tail = new ArrayDeque<>(Math.max(1, keepLines));
  }

  /** Folds one event in: when it ran, what it was, on which node, and a fingerprint of its details. */
  public void record(long trueMicros, int kind, int node, long detail, Supplier<String> text) {
    events++;
    hash = RandomSource.mix(hash ^ trueMicros);
    hash = RandomSource.mix(hash ^ ((long) kind << 32 | (node & 0xffffffffL)));
    hash = RandomSource.mix(hash ^ detail);
    if (keepLines > 0) {
      if (tail.size() == keepLines) {
        tail.removeFirst();
      }
      tail.addLast(String.format("%,14d  %s", trueMicros, text.get()));
    }
  }

  public long hash() {
    return hash;
  }

  public long events() {
    return events;
  }

  /** The last events kept as text, oldest first (empty unless {@code keepLines > 0}). */
  public List<String> tail() {
    return List.copyOf(tail);
  }

  /** Folds {@code value} into {@code acc}; for building detail fingerprints. */
  public static long fold(long acc, long value) {
    return RandomSource.mix(acc * 31 + value);
  }
}
