package dev.meridian.txn.directory;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.directory.MultiRangeScan.PieceRequest;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The truth a scan test runs against: the meta range's entries (what the directory says now), the
 * rows, and ranges that answer piece requests as a leaseholder would — refusing a request made
 * against a generation they no longer have.
 */
final class ScanWorld {

  final TreeMap<Key, byte[]> meta = new TreeMap<>();
  final TreeMap<Key, byte[]> rows = new TreeMap<>();
  private long nextRangeId;

  ScanWorld(List<RangeDescriptor> layout) {
    for (RangeDescriptor descriptor : layout) {
      put(descriptor);
      nextRangeId = Math.max(nextRangeId, descriptor.id().value() + 1);
    }
  }

  void put(RangeDescriptor descriptor) {
    MetaLayout.MetaWrite write = MetaLayout.entry(descriptor);
    meta.put(write.key(), write.value());
  }

  List<RangeDescriptor> descriptors() {
    List<RangeDescriptor> all = new ArrayList<>();
    for (Map.Entry<Key, byte[]> entry : meta.entrySet()) {
      all.add(MetaLayout.decodeEntry(entry.getKey(), entry.getValue(), DirectoryLimits.defaults()));
    }
    return all;
  }

  RangeDescriptor byId(RangeId id) {
    return descriptors().stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
  }

  /** Splits the range holding {@code key} there (no-op at a boundary); returns the two halves. */
  List<RangeDescriptor> split(Key key) {
    for (RangeDescriptor d : descriptors()) {
      if (d.contains(key) && !d.span().start().equals(key)) {
        RangeDescriptor left = new RangeDescriptor(d.id(), new KeySpan(d.span().start(), key), d.replicas(), d.generation() + 1);
        RangeDescriptor right = new RangeDescriptor(new RangeId(nextRangeId++), new KeySpan(key, d.span().end()),
            d.replicas(), d.generation() + 1);
        put(left);
        put(right);
        return List.of(left, right);
      }
    }
    return List.of();
  }

  /** The meta scan's answer: up to {@code max} entries from {@code start}. */
  List<MetaLookups.MetaEntry> scanMeta(MetaLookups.MetaScan scan) {
    List<MetaLookups.MetaEntry> out = new ArrayList<>();
    for (Map.Entry<Key, byte[]> entry : meta.subMap(scan.start(), true, scan.end(), false).entrySet()) {
      if (out.size() == scan.maxEntries()) {
        break;
      }
      out.add(new MetaLookups.MetaEntry(entry.getKey(), entry.getValue()));
    }
    return out;
  }

  /** Null when the request's generation is current: the range serves it. */
  RoutingError check(PieceRequest request) {
    KeySpan asked = request.span();
    KeySpan owned = request.range().span();
    boolean within = asked.start().compareTo(owned.start()) >= 0
        && (owned.end() == null || (asked.end() != null && asked.end().compareTo(owned.end()) <= 0));
    if (!within) {
      throw new AssertionError("piece " + asked + " is not inside its range " + request.range());
    }
    RangeDescriptor now = byId(request.range().id());
    if (now == null) {
      return new RoutingError.RangeNotFound(request.range().id(), request.range().generation());
    }
    if (now.generation() != request.range().generation()) {
      List<RangeDescriptor> current = new ArrayList<>();
      for (RangeDescriptor d : descriptors()) {
        if (d.span().overlaps(request.range().span())) {
          current.add(d);
        }
      }
      return new RoutingError.StaleGeneration(request.range().id(), request.range().generation(), current);
    }
    return null;
  }

  /** A range's answer: up to {@code max} rows of the span in order, and the resume key if more remain. */
  Answer serve(PieceRequest request, int max) {
    KeySpan span = request.span();
    NavigableMap<Key, byte[]> inSpan = span.end() == null
        ? rows.tailMap(span.start(), true) : rows.subMap(span.start(), true, span.end(), false);
    if (request.direction() == Direction.REVERSE) {
      inSpan = inSpan.descendingMap();
    }
    List<KeyValue> out = new ArrayList<>();
    Key resume = null;
    for (Map.Entry<Key, byte[]> row : inSpan.entrySet()) {
      if (out.size() == max) {
        Key last = out.getLast().key();
        resume = request.direction() == Direction.FORWARD ? last.successor() : last;
        break;
      }
      out.add(new KeyValue(row.getKey(), row.getValue()));
    }
    return new Answer(out, resume);
  }

  /** The rows a scan must release. */
  List<Key> expected(KeySpan span, Direction direction, long limit) {
    NavigableMap<Key, byte[]> inSpan = span.end() == null
        ? rows.tailMap(span.start(), true) : rows.subMap(span.start(), true, span.end(), false);
    List<Key> keys = new ArrayList<>(direction == Direction.FORWARD
        ? inSpan.navigableKeySet() : inSpan.descendingKeySet());
    return keys.subList(0, (int) Math.min(limit, keys.size()));
  }

  record Answer(List<KeyValue> rows, Key resume) {}
}
