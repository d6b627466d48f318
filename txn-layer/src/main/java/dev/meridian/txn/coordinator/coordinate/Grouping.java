package dev.meridian.txn.coordinator.coordinate;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.txn.coordinator.RangeLookup;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits a {@link Footprint} by range, with the descriptors the cache holds now: every write and
 * read key goes to the range that contains it, every scanned span is cut at range boundaries into
 * pieces each inside one range. Pure: the same footprint and cache give the same groups, in the
 * order of their ranges' start keys.
 */
public final class Grouping {

  private Grouping() {}

  /** The part of a transaction's footprint inside one range, as that range's descriptor says. */
  public record Group(RangeDescriptor range, Footprint part) {
    public RangeId id() {
      return range.id();
    }

    /** A read-only participant: it validates and holds read intents, but writes nothing. */
    public boolean readOnly() {
      return !part.hasWrites();
    }
  }

  /** Either the groups, or a key no cached descriptor covers. */
  public sealed interface Result {}

  public record Grouped(List<Group> groups) implements Result {
    public Grouped {
      groups = List.copyOf(groups);
    }

    public Optional<Group> groupOf(Key key) {
      return groups.stream().filter(g -> g.range().contains(key)).findFirst();
    }
  }

  public record Missing(Key key) implements Result {}

  public static Result group(Footprint footprint, RangeLookup lookup) {
    Map<RangeId, RangeDescriptor> ranges = new LinkedHashMap<>();
    Map<RangeId, List<Write>> writes = new LinkedHashMap<>();
    Map<RangeId, List<Key>> readKeys = new LinkedHashMap<>();
    Map<RangeId, List<KeySpan>> readSpans = new LinkedHashMap<>();
    for (Write write : footprint.writes()) {
      Optional<RangeDescriptor> range = covering(lookup, write.key());
      if (range.isEmpty()) {
        return new Missing(write.key());
      }
      add(ranges, writes, range.get(), write);
    }
    for (Key key : footprint.readKeys()) {
      Optional<RangeDescriptor> range = covering(lookup, key);
      if (range.isEmpty()) {
        return new Missing(key);
      }
      add(ranges, readKeys, range.get(), key);
    }
    for (KeySpan span : footprint.readSpans()) {
      Key from = span.start();
      while (true) {
        Optional<RangeDescriptor> found = covering(lookup, from);
        if (found.isEmpty()) {
          return new Missing(from);
        }
        RangeDescriptor range = found.get();
        Key rangeEnd = range.span().end();
        boolean last = rangeEnd == null || (span.end() != null && rangeEnd.compareTo(span.end()) >= 0);
        add(ranges, readSpans, range, new KeySpan(from, last ? span.end() : rangeEnd));
        if (last) {
          break;
        }
        from = rangeEnd;
      }
    }
    List<Group> groups = new ArrayList<>();
    for (RangeDescriptor range : ranges.values()) {
      RangeId id = range.id();
      groups.add(new Group(range, new Footprint(
          writes.getOrDefault(id, List.of()),
          readKeys.getOrDefault(id, List.of()),
          readSpans.getOrDefault(id, List.of()))));
    }
    groups.sort(Comparator.comparing(g -> g.range().span().start()));
    return new Grouped(Collections.unmodifiableList(groups));
  }

  /** The cached range of {@code key}; one that does not contain it counts as missing. */
  private static Optional<RangeDescriptor> covering(RangeLookup lookup, Key key) {
    return lookup.rangeFor(key).filter(range -> range.contains(key));
  }

  private static <T> void add(
      Map<RangeId, RangeDescriptor> ranges, Map<RangeId, List<T>> into, RangeDescriptor range, T item) {
    RangeDescriptor known = ranges.putIfAbsent(range.id(), range);
    if (known != null && !known.equals(range)) {
      // Two keys of one range answered with two descriptors: the cache moved between lookups. Keep
      // the newer; the leaseholder's generation check refuses a request built on the older one.
      if (range.newerThan(known)) {
        ranges.put(range.id(), range);
      }
    }
    into.computeIfAbsent(range.id(), id -> new ArrayList<>()).add(item);
  }
}
