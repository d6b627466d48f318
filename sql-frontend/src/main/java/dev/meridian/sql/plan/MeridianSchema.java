package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.catalog.View;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql2rel.InitializerExpressionFactory;

/**
 * One catalog snapshot as a Calcite schema: its tables and views. Built once per catalog version
 * and shared by every statement planned against that version.
 */
public final class MeridianSchema extends AbstractSchema {

  /** The schema every session starts in (unquoted identifiers fold to upper case). */
  public static final String NAME = "PUBLIC";

  private final Catalog catalog;
  private final Map<String, org.apache.calcite.schema.Table> tables;

  public MeridianSchema(
      Catalog catalog,
      Function<Table, InitializerExpressionFactory> defaults,
      Function<View, org.apache.calcite.schema.Table> views) {
    this.catalog = catalog;
    Map<String, org.apache.calcite.schema.Table> all = new HashMap<>();
    for (Table table : catalog.tables().values()) {
      all.put(table.name(), new MeridianTable(table, defaults.apply(table)));
    }
    for (View view : catalog.views().values()) {
      all.put(view.name(), views.apply(view));
    }
    this.tables = Map.copyOf(all);
  }

  public Catalog catalog() {
    return catalog;
  }

  @Override
  protected Map<String, org.apache.calcite.schema.Table> getTableMap() {
    return tables;
  }
}
