package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.plan.AccessPath;
import dev.meridian.sql.plan.BoundValue;
import dev.meridian.sql.plan.KeyRange;
import dev.meridian.sql.row.RowKeys;
import dev.meridian.sql.row.Values;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyWriter;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Runs a {@link ScanSpec} in the statement's transaction: turns its key ranges into key spans (with
 * the statement's parameters), reads them in batches so that a large result streams in bounded
 * memory, decodes rows or index entries, looks up rows a secondary index does not cover, and stops
 * at the scan's limit. Called by the code Calcite generates for a {@code MeridianTableScan}.
 */
public final class ScanExecutor {

  /** Rows read per storage call; large enough to amortize a round trip, small enough to stream. */
  static final int BATCH_ROWS = 1024;

  private ScanExecutor() {}

  /**
   * The rows of {@code spec}: each an {@code Object[]}, or the bare value when the scan returns one
   * column (Calcite's SCALAR row format, which every Enumerable operator uses for one-column rows).
   */
  public static Enumerable<Object> scan(DataContext root, ScanSpec spec) {
    boolean scalar = spec.projection().length == 1;
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object> enumerator() {
        ScanEnumerator rows = new ScanEnumerator(root, spec);
        return new Enumerator<>() {
          @Override
          public Object current() {
            return scalar ? rows.current()[0] : rows.current();
          }

          @Override
          public boolean moveNext() {
            return rows.moveNext();
          }

          @Override
          public void reset() {
            rows.reset();
          }

          @Override
          public void close() {
            rows.close();
          }
        };
      }
    };
  }

  private static final class ScanEnumerator implements Enumerator<Object[]> {
    private final DataContext root;
    private final ScanSpec spec;
    private final ExecContext context;
    private final Index index;
    private final boolean needsLookup;
    private Deque<KeySpan> spans;
    private List<Key> points;
    private final ArrayDeque<Object[]> buffer = new ArrayDeque<>();
    private KeySpan currentSpan;
    private boolean currentSpanDone = true;
    private long emitted;
    private Object[] current;

    ScanEnumerator(DataContext root, ScanSpec spec) {
      this.root = root;
      this.spec = spec;
      this.context = ExecContext.of(root);
      Table table = spec.table();
      this.index = spec.path().indexId() == Table.PRIMARY_INDEX_ID ? null
          : table.indexes().stream().filter(i -> i.id() == spec.path().indexId()).findFirst().orElseThrow();
      this.needsLookup = index != null && !RowKeys.covers(table, index, spec.projection());
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean moveNext() {
      if (spans == null) {
        plan();
      }
      while (buffer.isEmpty()) {
        if (spec.limit() >= 0 && emitted >= spec.limit()) {
          return false;
        }
        if (!fill()) {
          return false;
        }
      }
      current = buffer.poll();
      emitted++;
      return spec.limit() < 0 || emitted <= spec.limit();
    }

    /** Works out the spans (or point keys) to read, with this execution's parameter values. */
    private void plan() {
      AccessPath path = spec.path();
      Table table = spec.table();
      List<IndexColumn> keyColumns = index == null ? table.primaryKey() : index.columns();
      spans = new ArrayDeque<>();
      points = new ArrayList<>();
      if (path.isFullScan()) {
        spans.add(KeySpace.index(table.id(), path.indexId()));
        return;
      }
      List<KeySpan> all = new ArrayList<>();
      for (KeyRange range : path.ranges()) {
        Optional<KeySpan> span = span(table, path.indexId(), keyColumns, range, root);
        if (span.isEmpty()) {
          continue;
        }
        if (path.pointLookup()) {
          points.add(span.get().start());
        } else {
          all.add(span.get());
        }
      }
      points.sort(spec.reverse() ? Comparator.reverseOrder() : Comparator.naturalOrder());
      points = dedupe(points);
      List<KeySpan> merged = merge(all);
      if (spec.reverse()) {
        java.util.Collections.reverse(merged);
      }
      spans.addAll(merged);
    }

    /** Reads the next batch into the buffer; false when everything has been read. */
    private boolean fill() {
      context.guard().check();
      if (!points.isEmpty()) {
        Key key = points.remove(0);
        context.reader().get(key).ifPresent(value -> buffer.add(project(RowKeys.decodeRow(spec.table(), key, value))));
        return true;
      }
      if (currentSpanDone) {
        if (spans.isEmpty()) {
          return false;
        }
        currentSpan = spans.poll();
        currentSpanDone = false;
      }
      int want = BATCH_ROWS;
      if (spec.limit() >= 0) {
        want = (int) Math.max(1, Math.min(BATCH_ROWS, spec.limit() - emitted - buffer.size()));
      }
      Direction direction = spec.reverse() ? Direction.REVERSE : Direction.FORWARD;
      List<KeyValue> batch = context.reader().scan(currentSpan, direction, want);
      for (KeyValue entry : batch) {
        buffer.add(project(decode(entry)));
      }
      if (batch.size() < want) {
        currentSpanDone = true;
      } else {
        Key last = batch.get(batch.size() - 1).key();
        currentSpan = spec.reverse()
            ? new KeySpan(currentSpan.start(), last)
            : new KeySpan(last.successor(), currentSpan.end());
      }
      return true;
    }

    private Object[] decode(KeyValue entry) {
      Table table = spec.table();
      if (index == null) {
        return RowKeys.decodeRow(table, entry.key(), entry.value());
      }
      Object[] partial = RowKeys.decodeIndexEntry(table, index, entry.key(), entry.value());
      if (!needsLookup) {
        return partial;
      }
      Key primary = RowKeys.primaryKey(table, partial);
      byte[] row = context.reader().get(primary).orElseThrow(() -> new SqlExecutionException(
          "XX001", "index " + index.name() + " of table " + table.name()
              + " has an entry for a row that does not exist: " + primary));
      return RowKeys.decodeRow(table, primary, row);
    }

    private Object[] project(Object[] row) {
      int[] projection = spec.projection();
      Object[] out = new Object[projection.length];
      for (int i = 0; i < projection.length; i++) {
        out[i] = row[projection[i]];
      }
      return out;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("a scan cannot restart");
    }

    @Override
    public void close() {
      buffer.clear();
    }
  }

  /**
   * The key span of {@code range}, or empty when no row can match (a NULL or out-of-range
   * parameter value never equals a stored key).
   */
  static Optional<KeySpan> span(
      Table table, int indexId, List<IndexColumn> keyColumns, KeyRange range, DataContext root) {
    KeyWriter prefix = KeySpace.indexPrefix(table.id(), indexId);
    for (int i = 0; i < range.equalities().size(); i++) {
      Optional<Object> value = codecValue(table, keyColumns.get(i), range.equalities().get(i), root);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      prefix.append(RowKeys.keyColumn(table, keyColumns.get(i)), value.get());
    }
    byte[] prefixBytes = prefix.toByteArray();
    Key prefixKey = Key.wrap(prefixBytes);
    Key prefixEnd = KeySpan.prefix(prefixKey).end();
    if (!range.hasRange()) {
      return Optional.of(KeySpan.prefix(prefixKey));
    }
    IndexColumn rangeColumn = keyColumns.get(range.equalities().size());
    KeyColumn keyColumn = RowKeys.keyColumn(table, rangeColumn);
    Key lowerKey = null;
    Key upperKey = null;
    if (range.lower() != null) {
      Optional<Object> value = codecValue(table, rangeColumn, range.lower(), root);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      lowerKey = Key.wrap(new KeyWriter().appendRaw(prefixBytes).append(keyColumn, value.get()).toByteArray());
    }
    if (range.upper() != null) {
      Optional<Object> value = codecValue(table, rangeColumn, range.upper(), root);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      upperKey = Key.wrap(new KeyWriter().appendRaw(prefixBytes).append(keyColumn, value.get()).toByteArray());
    }
    // A descending column stores larger values first: the value range's upper end starts the span.
    boolean descending = rangeColumn.descending();
    Key fromKey = descending ? upperKey : lowerKey;
    boolean fromInclusive = descending ? range.upperInclusive() : range.lowerInclusive();
    Key toKey = descending ? lowerKey : upperKey;
    boolean toInclusive = descending ? range.lowerInclusive() : range.upperInclusive();
    Key start = fromKey == null ? prefixKey : fromInclusive ? fromKey : KeySpan.prefix(fromKey).end();
    Key end = toKey == null ? prefixEnd : toInclusive ? KeySpan.prefix(toKey).end() : toKey;
    if (start == null || (end != null && end.compareTo(start) <= 0)) {
      return Optional.empty();
    }
    return Optional.of(new KeySpan(start, end));
  }

  private static Optional<Object> codecValue(
      Table table, IndexColumn indexColumn, BoundValue bound, DataContext root) {
    Object runtime = bound.resolve(root);
    if (runtime == null) {
      return Optional.empty();
    }
    ColumnType type = table.columnById(indexColumn.columnId()).type();
    try {
      return Optional.of(Values.toCodec(type, runtime));
    } catch (SqlExecutionException | ClassCastException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }


  private static List<Key> dedupe(List<Key> sorted) {
    List<Key> out = new ArrayList<>();
    for (Key key : sorted) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(key)) {
        out.add(key);
      }
    }
    return out;
  }

  /** Sorts spans by start and merges overlapping ones, so no row is read twice. */
  private static List<KeySpan> merge(List<KeySpan> spans) {
    List<KeySpan> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparing(KeySpan::start));
    List<KeySpan> out = new ArrayList<>();
    for (KeySpan span : sorted) {
      if (!out.isEmpty()) {
        KeySpan last = out.get(out.size() - 1);
        if (last.end() == null || last.end().compareTo(span.start()) >= 0) {
          Key end = last.end() == null || span.end() == null ? null
              : last.end().compareTo(span.end()) >= 0 ? last.end() : span.end();
          out.set(out.size() - 1, new KeySpan(last.start(), end));
          continue;
        }
      }
      out.add(span);
    }
    return out;
  }
}
