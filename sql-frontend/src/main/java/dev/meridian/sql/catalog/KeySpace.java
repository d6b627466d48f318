package dev.meridian.sql.catalog;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.codec.KeyColumn;
import dev.meridian.storage.codec.KeyWriter;
import dev.meridian.storage.codec.SqlType;

/**
 * Where SQL data lives in Meridian's key space (DESIGN.md §3). Every key starts with a prefix byte:
 *
 * <pre>
 * 0x01 'C' 'V'                       catalog version     value: int64 big-endian
 * 0x01 'C' 'N'                       next descriptor id  value: int64 big-endian
 * 0x01 'C' 'T' | name                table descriptor    value: {@link DescriptorCodec} table
 * 0x01 'C' 'W' | name                view descriptor     value: {@link DescriptorCodec} view
 * 0x01 'C' 'S' | name                sequence descriptor value: {@link DescriptorCodec} sequence
 * 0x01 'S' 'V' | sequenceId          sequence value      value: {@link DescriptorCodec} sequence value
 * 0x01 'D' 'S' | cleanupId           dropped span        value: {@link DescriptorCodec} dropped span
 * 0x10 | tableId | indexId | columns rows and index entries (see {@link dev.meridian.sql.row.RowKeys})
 * </pre>
 *
 * Names, table ids (BIGINT) and index ids (INTEGER) are encoded with the order-preserving key codec,
 * so the entries of one table are contiguous and those of one index sort in index order.
 *
 * <p>A sequence's value is outside the catalog prefix on purpose: nodes reserve blocks of values
 * by writing it, and that must not change the catalog version (which every statement reads).
 * Dropped spans are outside it too: the cleanup that deletes a dropped table's data a chunk at a
 * time rewrites its record with every chunk (see {@code dev.meridian.sql.ddl.DataCleanup}).
 */
public final class KeySpace {

  public static final byte SYSTEM = 0x01;
  public static final byte TABLE_DATA = 0x10;

  private static final byte[] CATALOG_VERSION = {SYSTEM, 'C', 'V'};
  private static final byte[] NEXT_ID = {SYSTEM, 'C', 'N'};
  private static final byte[] TABLES = {SYSTEM, 'C', 'T'};
  private static final byte[] VIEWS = {SYSTEM, 'C', 'W'};
  private static final byte[] SEQUENCES = {SYSTEM, 'C', 'S'};
  private static final byte[] SEQUENCE_VALUES = {SYSTEM, 'S', 'V'};
  private static final byte[] DROPPED_SPANS = {SYSTEM, 'D', 'S'};
  private static final KeyColumn NAME = KeyColumn.asc(SqlType.VARCHAR);
  private static final KeyColumn TABLE_ID = KeyColumn.asc(SqlType.BIGINT);
  private static final KeyColumn INDEX_ID = KeyColumn.asc(SqlType.INTEGER);

  private KeySpace() {}

  public static Key catalogVersion() {
    return Key.of(CATALOG_VERSION);
  }

  public static Key nextId() {
    return Key.of(NEXT_ID);
  }

  public static Key table(String name) {
    return named(TABLES, name);
  }

  public static KeySpan tables() {
    return KeySpan.prefix(Key.of(TABLES));
  }

  public static Key view(String name) {
    return named(VIEWS, name);
  }

  public static KeySpan views() {
    return KeySpan.prefix(Key.of(VIEWS));
  }

  public static Key sequence(String name) {
    return named(SEQUENCES, name);
  }

  public static KeySpan sequences() {
    return KeySpan.prefix(Key.of(SEQUENCES));
  }

  /** Where the sequence with {@code sequenceId} keeps the next value no node has reserved yet. */
  public static Key sequenceValue(long sequenceId) {
    KeyWriter writer = new KeyWriter(16);
    writer.appendRaw(SEQUENCE_VALUES);
    writer.append(TABLE_ID, sequenceId);
    return Key.wrap(writer.toByteArray());
  }

  /** Where the pending deletion of a dropped table's or index's data, {@code cleanupId}, is recorded. */
  public static Key droppedSpan(long cleanupId) {
    KeyWriter writer = new KeyWriter(16);
    writer.appendRaw(DROPPED_SPANS);
    writer.append(TABLE_ID, cleanupId);
    return Key.wrap(writer.toByteArray());
  }

  /** Every pending deletion, oldest (lowest id) first. */
  public static KeySpan droppedSpans() {
    return KeySpan.prefix(Key.of(DROPPED_SPANS));
  }

  private static Key named(byte[] prefix, String name) {
    KeyWriter writer = new KeyWriter(prefix.length + name.length() + 4);
    writer.appendRaw(prefix);
    writer.append(NAME, name);
    return Key.wrap(writer.toByteArray());
  }

  /** A writer positioned after the prefix of {@code indexId} of table {@code tableId}. */
  public static KeyWriter indexPrefix(long tableId, int indexId) {
    KeyWriter writer = new KeyWriter(32);
    writer.appendRaw(new byte[] {TABLE_DATA});
    writer.append(TABLE_ID, tableId);
    writer.append(INDEX_ID, indexId);
    return writer;
  }

  /** Every entry of one index (the primary index holds the rows). */
  public static KeySpan index(long tableId, int indexId) {
    return KeySpan.prefix(Key.wrap(indexPrefix(tableId, indexId).toByteArray()));
  }

  /** Every entry of every index of one table. */
  public static KeySpan tableData(long tableId) {
    KeyWriter writer = new KeyWriter(16);
    writer.appendRaw(new byte[] {TABLE_DATA});
    writer.append(TABLE_ID, tableId);
    return KeySpan.prefix(Key.wrap(writer.toByteArray()));
  }
}
