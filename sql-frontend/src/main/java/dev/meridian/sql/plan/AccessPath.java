package dev.meridian.sql.plan;

import java.util.List;

/**
 * How a scan reaches its rows: which index (the primary index holds the rows) and which key ranges
 * of it; no ranges means the whole index. {@code pointLookup} says the ranges fix the whole primary
 * key, so each is one row read with a point read rather than a scan.
 */
public record AccessPath(int indexId, String indexName, List<KeyRange> ranges, boolean pointLookup) {

  public AccessPath {
    ranges = List.copyOf(ranges);
  }

  public static AccessPath fullScan(int indexId, String indexName) {
    return new AccessPath(indexId, indexName, List.of(), false);
  }

  public boolean isFullScan() {
    return ranges.isEmpty();
  }

  /** What EXPLAIN shows, e.g. {@code point lookup on PRIMARY [1]}. */
  public String describe() {
    if (isFullScan()) {
      return "full scan of " + indexName;
    }
    String kind = pointLookup ? "point lookup" : ranges.stream().anyMatch(KeyRange::hasRange)
        ? "range scan" : "prefix scan";
    return kind + " on " + indexName + " " + ranges;
  }
}
