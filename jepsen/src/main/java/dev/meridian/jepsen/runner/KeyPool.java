package dev.meridian.jepsen.runner;

import dev.meridian.jepsen.checker.Keyword;
import dev.meridian.runtime.RandomSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys a workload writes, after Elle's generators: a few keys are active at a time; each takes at
 * most {@code maxWritesPerKey} writes, with the values 1, 2, 3, … (each handed out once, so the
 * checker can tell every write apart), and is then retired for a fresh key. Short-lived keys keep
 * values small and cycles in the dependency graph short enough to explain.
 *
 * <p>Thread-safe.
 */
final class KeyPool {

  private final int activeKeys;
  private final int maxWritesPerKey;
  private final long[] active;
  private final int[] written;
  private long nextKey;
  private final List<Long> everUsed = new ArrayList<>();

  KeyPool(int activeKeys, int maxWritesPerKey) {
    this.activeKeys = activeKeys;
    this.maxWritesPerKey = maxWritesPerKey;
    this.active = new long[activeKeys];
    this.written = new int[activeKeys];
    for (int i = 0; i < activeKeys; i++) {
      active[i] = nextKey++;
      everUsed.add(active[i]);
    }
  }

  /** A key to read. */
  synchronized long readKey(RandomSource random) {
    return active[random.nextInt(activeKeys)];
  }

  /** A key to write and the value to write to it: {@code [key, value]}. */
  synchronized long[] write(RandomSource random) {
    int slot = random.nextInt(activeKeys);
    long key = active[slot];
    int value = ++written[slot];
    if (written[slot] >= maxWritesPerKey) {
      active[slot] = nextKey++;
      written[slot] = 0;
      everUsed.add(active[slot]);
    }
    return new long[] {key, value};
  }

  /**
   * A key for an operation of any kind that counts toward the key's retirement, for workloads that
   * choose their own values (so {@code maxWritesPerKey} bounds all operations on a key).
   */
  synchronized long use(RandomSource random) {
    return write(random)[0];
  }

  /**
   * The micro-operations of one transaction: 1 to {@code maxMops}, each a read ({@code [:r k nil]})
   * or, as often, a write of the next value of a key ({@code [writeKind k v]}).
   */
  List<List<Object>> transaction(RandomSource random, int maxMops, Keyword writeKind) {
    int length = 1 + random.nextInt(maxMops);
    List<List<Object>> mops = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      if (random.chance(0.5)) {
        mops.add(ListAppendWorkload.mop(ListAppendWorkload.READ, readKey(random), null));
      } else {
        long[] write = write(random);
        mops.add(ListAppendWorkload.mop(writeKind, write[0], write[1]));
      }
    }
    return mops;
  }

  synchronized List<Long> everUsed() {
    return List.copyOf(everUsed);
  }
}
