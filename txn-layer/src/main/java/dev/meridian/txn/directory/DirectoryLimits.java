package dev.meridian.txn.directory;

/**
 * The bounds of the directory (DESIGN §11, Bounds), each with its unit, the reason for its value and
 * what happens past it.
 *
 * @param maxKeyBytes the longest start or end key a descriptor may have. A split key is a table
 *     prefix plus a primary-key prefix, so this bounds primary keys that can be split at; every
 *     descriptor is cached on every node and shipped in every meta answer, so it must stay small.
 *     8 KiB holds any realistic key. Past it a split is refused ({@link SplitRefusedException},
 *     SQLSTATE 54000) and a descriptor that claims more is corrupt ({@link
 *     CorruptDescriptorException}); counted in the caller's error metric.
 * @param maxReplicas the most replicas a descriptor may list: voters plus read replicas of a
 *     placement policy; 32 leaves room for five regions of five voters and learners in flight. Past
 *     it a descriptor is corrupt.
 * @param maxRegionBytes the longest region name (UTF-8 bytes), as long as a DNS label set needs.
 * @param maxCachedRanges descriptors a node's {@link RangeCache} keeps besides the meta range's:
 *     about 300 bytes each, so 100,000 cost about 30 MiB of heap and cover a cluster of 100,000
 *     ranges without misses. Past it the least recently used entry is evicted and {@code
 *     evictions} counts it.
 * @param lookupPrefetch how many descriptors after the one asked for a meta lookup also reads:
 *     scans and batched writes touch neighbouring ranges next, and one meta read of 9 entries costs
 *     little more than one of 1.
 * @param maxInFlightLookups distinct meta lookups one {@link MetaLookups} may have outstanding; past
 *     it a lookup is refused with {@link DirectoryBusyException} (retryable) and {@code
 *     lookupsRefused} counts it, so a burst of misses cannot flood the meta range's leaseholder.
 */
public record DirectoryLimits(
    int maxKeyBytes,
    int maxReplicas,
    int maxRegionBytes,
    int maxCachedRanges,
    int lookupPrefetch,
    int maxInFlightLookups) {

  public DirectoryLimits {
    requirePositive("maxKeyBytes", maxKeyBytes);
    requirePositive("maxReplicas", maxReplicas);
    requirePositive("maxRegionBytes", maxRegionBytes);
    requirePositive("maxCachedRanges", maxCachedRanges);
    if (lookupPrefetch < 0) {
      throw new IllegalArgumentException("lookupPrefetch must not be negative, got " + lookupPrefetch);
    }
    requirePositive("maxInFlightLookups", maxInFlightLookups);
  }

  public static DirectoryLimits defaults() {
    return new DirectoryLimits(8 << 10, 32, 255, 100_000, 8, 1_024);
  }

  /** The same limits with another cache bound, for tests and small nodes. */
  public DirectoryLimits withMaxCachedRanges(int entries) {
    return new DirectoryLimits(
        maxKeyBytes, maxReplicas, maxRegionBytes, entries, lookupPrefetch, maxInFlightLookups);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
