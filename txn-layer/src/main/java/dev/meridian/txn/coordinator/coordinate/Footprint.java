package dev.meridian.txn.coordinator.coordinate;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Write;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * What a transaction touches, as commit sees it: its buffered writes (one per key, in key order),
 * the keys it read and the spans it scanned (in key order, empty spans dropped). The order makes
 * everything derived from it deterministic: the grouping, the coordinator range (the range of
 * {@link #firstWrittenKey()}), the order requests are sent in.
 */
public record Footprint(List<Write> writes, List<Key> readKeys, List<KeySpan> readSpans) {

  public Footprint {
    List<Write> sortedWrites = new ArrayList<>(writes);
    sortedWrites.sort(Comparator.comparing(Write::key));
    for (int i = 1; i < sortedWrites.size(); i++) {
      if (sortedWrites.get(i - 1).key().equals(sortedWrites.get(i).key())) {
        throw new IllegalArgumentException("two buffered writes to " + sortedWrites.get(i).key());
      }
    }
    writes = List.copyOf(sortedWrites);
    readKeys = List.copyOf(new TreeSet<>(readKeys));
    List<KeySpan> spans = new ArrayList<>();
    for (KeySpan span : readSpans) {
      if (!span.isEmpty()) {
        spans.add(span);
      }
    }
    spans.sort(Comparator.comparing(KeySpan::start));
    readSpans = List.copyOf(spans);
  }

  public boolean hasWrites() {
    return !writes.isEmpty();
  }

  /** The smallest written key: its range holds the transaction record. */
  public Key firstWrittenKey() {
    return writes.getFirst().key();
  }
}
