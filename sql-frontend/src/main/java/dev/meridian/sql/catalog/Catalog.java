package dev.meridian.sql.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of the catalog at one version: the tables, views and sequences that exist. Every DDL
 * statement raises the version by one in the same transaction that changes a descriptor, so nodes can
 * cache snapshots by version and statements can tell a stale plan from a current one.
 */
public record Catalog(
    long version, Map<String, Table> tables, Map<String, View> views, Map<String, Sequence> sequences) {

  public Catalog {
    tables = java.util.Collections.unmodifiableMap(new TreeMap<>(tables));
    views = java.util.Collections.unmodifiableMap(new TreeMap<>(views));
    sequences = java.util.Collections.unmodifiableMap(new TreeMap<>(sequences));
  }

  public Catalog(long version, Map<String, Table> tables, Map<String, View> views) {
    this(version, tables, views, Map.of());
  }

  public Optional<Sequence> sequence(String name) {
    return Optional.ofNullable(sequences.get(name));
  }

  /** A copy without the table {@code name} (to find what depends on it). */
  public Catalog withoutTable(String name) {
    Map<String, Table> fewer = new TreeMap<>(tables);
    fewer.remove(name);
    return new Catalog(version, fewer, views, sequences);
  }

  /** A copy without the view {@code name}. */
  public Catalog withoutView(String name) {
    Map<String, View> fewer = new TreeMap<>(views);
    fewer.remove(name);
    return new Catalog(version, tables, fewer, sequences);
  }

  public Optional<Table> table(String name) {
    return Optional.ofNullable(tables.get(name));
  }

  public Optional<View> view(String name) {
    return Optional.ofNullable(views.get(name));
  }

  /** The table that has an index named {@code indexName}, if any. */
  public Optional<Table> tableWithIndex(String indexName) {
    return tables.values().stream().filter(t -> t.index(indexName).isPresent()).findFirst();
  }
}
