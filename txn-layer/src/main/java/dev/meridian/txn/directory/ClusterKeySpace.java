package dev.meridian.txn.directory;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyReader;
import dev.meridian.storage.codec.KeyWriter;
import dev.meridian.storage.codec.SqlType;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;

/**
 * The top level of the cluster's key space (DESIGN §3, §7): which first byte holds what, and the
 * ranges a new cluster starts with.
 *
 * <pre>
 *   key                                         what                        bootstrap range
 *   0x00 'm' …                                  meta entries ({@link MetaLayout})   r1 META   ["", 0x01)
 *   0x01 'C' … / 0x01 'S' …                     catalog, sequences (sql KeySpace)   r2 SYSTEM [0x01, 0x10)
 *   0x01 'D' 'N'                                next range id, int64 big-endian     r2
 *   0x10 | tableId | indexId | columns           table rows and index entries        r3 TABLES [0x10, ∞)
 * </pre>
 *
 * {@code tableId} is a BIGINT and {@code indexId} an INTEGER in the order-preserving key codec
 * (ascending), as sql-frontend's {@code KeySpace} writes them; the primary index (the rows) is index
 * 1 and secondary indexes have higher ids, so a table's rows come first under its prefix and its
 * secondary indexes after them. The bytes 0x02–0x0F and 0x11–0xFF hold nothing.
 *
 * <p>Invariant of the bootstrap layout: the three bootstrap ranges are disjoint, ordered, and cover
 * the whole key space, so every key has exactly one range from the first moment; every later layout
 * comes from splits, which keep that property. The meta and system ranges never split (see {@link
 * SplitPlanner}); CREATE TABLE splits the tables range at the new table's prefix and at its end
 * ({@link #splitsForNewTable}), so each table starts in a range of its own: its rows and its
 * secondary indexes share the prefix, and a write and its index entries stay in one range until a
 * SPLIT AT separates them.
 */
public final class ClusterKeySpace {

  public static final byte META_BYTE = 0x00;
  public static final byte SYSTEM_BYTE = 0x01;
  public static final byte TABLE_DATA_BYTE = 0x10;

  /** The index id of a table's rows, as sql-frontend's {@code Table.PRIMARY_INDEX_ID}. */
  public static final int PRIMARY_INDEX_ID = 1;

  /** The range the catalog and other system data start in. */
  public static final RangeId SYSTEM = new RangeId(2);
  /** The range that holds every table until CREATE TABLE splits one out. */
  public static final RangeId TABLES = new RangeId(3);
  /** The first range id a split may allocate: ids below it belong to the bootstrap ranges. */
  public static final long FIRST_ALLOCATED_RANGE_ID = 4;

  static final Key SYSTEM_START = Key.of(new byte[] {SYSTEM_BYTE});
  static final Key TABLES_START = Key.of(new byte[] {TABLE_DATA_BYTE});

  /** The meta range's span: everything below the system prefix. */
  public static final KeySpan META_SPAN = new KeySpan(Key.EMPTY, SYSTEM_START);
  /** The system range's span. */
  public static final KeySpan SYSTEM_SPAN = new KeySpan(SYSTEM_START, TABLES_START);
  /** Where table data lives: from the table-data prefix to the end of the key space. */
  public static final KeySpan TABLE_DATA_SPAN = new KeySpan(TABLES_START, null);

  private static final byte[] NEXT_RANGE_ID = {SYSTEM_BYTE, 'D', 'N'};
  private static final KeyColumn TABLE_ID = KeyColumn.asc(SqlType.BIGINT);
  private static final KeyColumn INDEX_ID = KeyColumn.asc(SqlType.INTEGER);

  private ClusterKeySpace() {}

  /** Where the next range id a split may take is kept (int64 big-endian, at least 4). */
  public static Key nextRangeIdKey() {
    return Key.of(NEXT_RANGE_ID);
  }

  /** {@code 0x10 | tableId}: the first key of a table; every key of the table starts with it. */
  public static Key tablePrefix(long tableId) {
    KeyWriter writer = new KeyWriter(16);
    writer.appendRaw(new byte[] {TABLE_DATA_BYTE});
    writer.append(TABLE_ID, tableId);
    return Key.wrap(writer.toByteArray());
  }

  /** {@code 0x10 | tableId | indexId}: the first key of one index of a table. */
  public static Key indexPrefix(long tableId, int indexId) {
    KeyWriter writer = new KeyWriter(24);
    writer.appendRaw(new byte[] {TABLE_DATA_BYTE});
    writer.append(TABLE_ID, tableId);
    writer.append(INDEX_ID, indexId);
    return Key.wrap(writer.toByteArray());
  }

  /**
   * Every key of a table, its rows and all its index entries: from its prefix to the next table's
   * prefix. (The next prefix rather than the prefix's byte successor, so the end is itself a
   * well-formed table boundary; no valid key lies between the two.) The table with the largest id
   * runs to the end of the table prefix space.
   */
  public static KeySpan tableSpan(long tableId) {
    if (tableId == Long.MAX_VALUE) {
      return KeySpan.prefix(tablePrefix(tableId));
    }
    return new KeySpan(tablePrefix(tableId), tablePrefix(tableId + 1));
  }

  /**
   * The three ranges of a new cluster, generation 0, all on {@code replicas}: META, SYSTEM and
   * TABLES, covering the key space in order.
   */
  public static List<RangeDescriptor> bootstrap(List<ReplicaDescriptor> replicas) {
    return List.of(
        new RangeDescriptor(RangeId.META, META_SPAN, replicas, 0),
        new RangeDescriptor(SYSTEM, SYSTEM_SPAN, replicas, 0),
        new RangeDescriptor(TABLES, TABLE_DATA_SPAN, replicas, 0));
  }

  /**
   * The split keys CREATE TABLE must add so that the table's span is the whole span of one range:
   * the table's prefix and the end of its span, each unless it is already a range boundary
   * ({@code boundaries} holds every range's start key). With table ids allocated in increasing order
   * this is one split per table in steady state (the previous table's end split already made the new
   * table's start a boundary), and it stays correct when they are not.
   */
  public static List<Key> splitsForNewTable(long tableId, NavigableSet<Key> boundaries) {
    KeySpan span = tableSpan(tableId);
    List<Key> splits = new ArrayList<>(2);
    if (!boundaries.contains(span.start())) {
      splits.add(span.start());
    }
    if (tableId != Long.MAX_VALUE && !boundaries.contains(span.end())) {
      splits.add(span.end());
    }
    return splits;
  }

  /** The start keys of {@code descriptors}: the boundaries {@link #splitsForNewTable} needs. */
  public static NavigableSet<Key> boundaries(Collection<RangeDescriptor> descriptors) {
    NavigableSet<Key> starts = new java.util.TreeSet<>();
    for (RangeDescriptor descriptor : descriptors) {
      starts.add(descriptor.span().start());
    }
    return starts;
  }

  /**
   * Where a table-data key is in its table's layout: table id, index id (null when the key is a bare
   * table prefix) and the offset of the first key column. Null when {@code key} is not a well-formed
   * table-data key (outside {@link #TABLE_DATA_SPAN}, or a table id or index id that does not decode).
   */
  static TableKey parseTableKey(Key key) {
    byte[] bytes = key.unsafeBytes();
    if (bytes.length == 0 || bytes[0] != TABLE_DATA_BYTE) {
      return null;
    }
    try {
      KeyReader reader = new KeyReader(bytes, 1);
      Object tableId = reader.read(TABLE_ID);
      if (tableId == null) {
        return null;
      }
      if (reader.atEnd()) {
        return new TableKey((Long) tableId, null, reader.position());
      }
      Object indexId = reader.read(INDEX_ID);
      if (indexId == null) {
        return null;
      }
      return new TableKey((Long) tableId, (Integer) indexId, reader.position());
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  /** A parsed table-data key; {@code indexId} null for a bare table prefix. */
  record TableKey(long tableId, Integer indexId, int columnsOffset) {}
}
