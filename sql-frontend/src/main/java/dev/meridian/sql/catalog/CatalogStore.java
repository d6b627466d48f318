package dev.meridian.sql.catalog;

import dev.meridian.sql.exec.KvReader;
import dev.meridian.sql.exec.KvWriter;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the catalog through transactions (DESIGN.md §8), and caches snapshots by version.
 * Reading the version key puts it in a transaction's read set, so a statement planned against one
 * catalog version conflicts with a concurrent DDL statement instead of writing with a stale schema.
 * Thread-safe.
 */
public final class CatalogStore {

  /** How many catalog versions to keep: the current one and a few for stale reads. */
  private static final int CACHED_VERSIONS = 8;

  private final Map<Long, Catalog> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Catalog> eldest) {
          return size() > CACHED_VERSIONS;
        }
      };

  /** The catalog as the transaction behind {@code reader} sees it. */
  public Catalog catalog(KvReader reader) {
    long version = version(reader);
    synchronized (cache) {
      Catalog cached = cache.get(version);
      if (cached != null) {
        return cached;
      }
    }
    Catalog loaded = load(reader, version);
    synchronized (cache) {
      cache.put(version, loaded);
    }
    return loaded;
  }

  /** The newest catalog version this node has loaded, if any: for describing keys in messages. */
  public Optional<Catalog> newestLoaded() {
    synchronized (cache) {
      return cache.values().stream().max(Comparator.comparingLong(Catalog::version));
    }
  }

  public long version(KvReader reader) {
    return reader.get(KeySpace.catalogVersion()).map(DescriptorCodec::decodeLong).orElse(0L);
  }

  private Catalog load(KvReader reader, long version) {
    Map<String, Table> tables = new HashMap<>();
    for (KeyValue entry : reader.scan(KeySpace.tables(), Direction.FORWARD, Integer.MAX_VALUE)) {
      Table table = DescriptorCodec.decodeTable(entry.value());
      tables.put(table.name(), table);
    }
    Map<String, View> views = new HashMap<>();
    for (KeyValue entry : reader.scan(KeySpace.views(), Direction.FORWARD, Integer.MAX_VALUE)) {
      View view = DescriptorCodec.decodeView(entry.value());
      views.put(view.name(), view);
    }
    Map<String, Sequence> sequences = new HashMap<>();
    for (KeyValue entry : reader.scan(KeySpace.sequences(), Direction.FORWARD, Integer.MAX_VALUE)) {
      Sequence sequence = DescriptorCodec.decodeSequence(entry.value());
      sequences.put(sequence.name(), sequence);
    }
    return new Catalog(version, tables, views, sequences);
  }

  /** A new id for a table or sequence, unique for the life of the database. */
  public long allocateId(KvWriter writer) {
    long next = writer.get(KeySpace.nextId()).map(DescriptorCodec::decodeLong).orElse(100L);
    writer.put(KeySpace.nextId(), DescriptorCodec.encodeLong(next + 1));
    return next;
  }

  public void putTable(KvWriter writer, Table table) {
    writer.put(KeySpace.table(table.name()), DescriptorCodec.encode(table));
  }

  public void deleteTable(KvWriter writer, String name) {
    writer.delete(KeySpace.table(name));
  }

  public void putView(KvWriter writer, View view) {
    writer.put(KeySpace.view(view.name()), DescriptorCodec.encode(view));
  }

  public void deleteView(KvWriter writer, String name) {
    writer.delete(KeySpace.view(name));
  }

  public void putSequence(KvWriter writer, Sequence sequence) {
    writer.put(KeySpace.sequence(sequence.name()), DescriptorCodec.encode(sequence));
  }

  /** Deletes the sequence's descriptor and its value: its id is never used again. */
  public void deleteSequence(KvWriter writer, Sequence sequence) {
    writer.delete(KeySpace.sequence(sequence.name()));
    writer.delete(KeySpace.sequenceValue(sequence.id()));
  }

  /**
   * Records that {@code span}, the data of dropped {@code what}, is to be deleted: in the DROP's
   * own transaction, so the drop is one small write whatever the table's size, and its data is
   * deleted afterwards in chunks of their own ({@code dev.meridian.sql.ddl.DataCleanup}).
   */
  public void scheduleCleanup(KvWriter writer, String what, dev.meridian.storage.KeySpan span) {
    DroppedSpan dropped = DroppedSpan.of(allocateId(writer), what, span);
    writer.put(KeySpace.droppedSpan(dropped.id()), DescriptorCodec.encode(dropped));
  }

  /** Raises the catalog version: every DDL transaction calls this once. */
  public void bumpVersion(KvWriter writer) {
    writer.put(KeySpace.catalogVersion(), DescriptorCodec.encodeLong(version(writer) + 1));
  }
}
