package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.Table;
import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The read-only system schema {@value #NAME}: tables describing one catalog snapshot, for what
 * Avatica's wire protocol has no request for. Their columns are exactly the result columns JDBC
 * specifies for the {@code DatabaseMetaData} method of the same purpose, so the JDBC driver answers
 * that method with a SELECT over the table:
 *
 * <ul>
 *   <li>{@value #PRIMARY_KEYS}: {@code getPrimaryKeys}, one row per primary key column;
 *   <li>{@value #INDEX_INFO}: {@code getIndexInfo}, one row per key column of the primary key and
 *       of each secondary index (columns an index only STORES are not key columns, not listed).
 * </ul>
 *
 * <p>A table declared without a primary key is keyed by its hidden row id, which is not a column to
 * clients (getColumns leaves it out): such a table has no rows in either system table for its
 * primary key. Meridian has no catalogs (TABLE_CAT is null) and one user schema, {@value
 * MeridianSchema#NAME}. The rows come from the snapshot the statement is planned against, so they
 * agree with the session's view of the schema.
 */
public final class SystemSchema extends AbstractSchema {

  public static final String NAME = "MERIDIAN_CATALOG";
  public static final String PRIMARY_KEYS = "PRIMARY_KEYS";
  public static final String INDEX_INFO = "INDEX_INFO";

  /** The name the primary key of every table has in these tables. */
  public static final String PRIMARY_KEY_NAME = "PRIMARY_KEY";

  private final Map<String, org.apache.calcite.schema.Table> tables;

  public SystemSchema(Catalog catalog) {
    this.tables = Map.of(
        PRIMARY_KEYS, new SystemTable(PRIMARY_KEY_COLUMNS, primaryKeyRows(catalog)),
        INDEX_INFO, new SystemTable(INDEX_INFO_COLUMNS, indexInfoRows(catalog)));
  }

  @Override
  protected Map<String, org.apache.calcite.schema.Table> getTableMap() {
    return tables;
  }

  /** A column of a system table: name, SQL type, Java class of its values. */
  public record ColumnDef(String name, SqlTypeName type, Class<?> javaClass, boolean nullable) {}

  public static final List<ColumnDef> PRIMARY_KEY_COLUMNS = List.of(
      new ColumnDef("TABLE_CAT", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("TABLE_SCHEM", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("TABLE_NAME", SqlTypeName.VARCHAR, String.class, false),
      new ColumnDef("COLUMN_NAME", SqlTypeName.VARCHAR, String.class, false),
      new ColumnDef("KEY_SEQ", SqlTypeName.SMALLINT, Short.class, false),
      new ColumnDef("PK_NAME", SqlTypeName.VARCHAR, String.class, true));

  public static final List<ColumnDef> INDEX_INFO_COLUMNS = List.of(
      new ColumnDef("TABLE_CAT", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("TABLE_SCHEM", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("TABLE_NAME", SqlTypeName.VARCHAR, String.class, false),
      new ColumnDef("NON_UNIQUE", SqlTypeName.BOOLEAN, Boolean.class, false),
      new ColumnDef("INDEX_QUALIFIER", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("INDEX_NAME", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("TYPE", SqlTypeName.SMALLINT, Short.class, false),
      new ColumnDef("ORDINAL_POSITION", SqlTypeName.SMALLINT, Short.class, false),
      new ColumnDef("COLUMN_NAME", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("ASC_OR_DESC", SqlTypeName.VARCHAR, String.class, true),
      new ColumnDef("CARDINALITY", SqlTypeName.BIGINT, Long.class, true),
      new ColumnDef("PAGES", SqlTypeName.BIGINT, Long.class, true),
      new ColumnDef("FILTER_CONDITION", SqlTypeName.VARCHAR, String.class, true));

  /** Rows of {@value #PRIMARY_KEYS}, ordered by table name and key position. */
  public static List<Object[]> primaryKeyRows(Catalog catalog) {
    List<Object[]> rows = new ArrayList<>();
    for (Table table : catalog.tables().values()) {
      if (table.hasHiddenRowId()) {
        continue;
      }
      short seq = 0;
      for (IndexColumn key : table.primaryKey()) {
        rows.add(new Object[] {null, MeridianSchema.NAME, table.name(),
            table.columnById(key.columnId()).name(), ++seq, PRIMARY_KEY_NAME});
      }
    }
    return List.copyOf(rows);
  }

  /**
   * Rows of {@value #INDEX_INFO}, in the order JDBC asks of getIndexInfo: NON_UNIQUE, TYPE,
   * INDEX_NAME, ORDINAL_POSITION (then table name, as the method may span tables).
   */
  public static List<Object[]> indexInfoRows(Catalog catalog) {
    List<Object[]> rows = new ArrayList<>();
    for (Table table : catalog.tables().values()) {
      if (!table.hasHiddenRowId()) {
        indexRows(rows, table, PRIMARY_KEY_NAME, true, table.primaryKey());
      }
      for (Index index : table.indexes()) {
        indexRows(rows, table, index.name(), index.unique(), index.columns());
      }
    }
    rows.sort(Comparator.<Object[], Boolean>comparing(r -> (Boolean) r[3])
        .thenComparing(r -> (String) r[5])
        .thenComparing(r -> (String) r[2])
        .thenComparing(r -> (Short) r[7]));
    return List.copyOf(rows);
  }

  private static void indexRows(List<Object[]> rows, Table table, String name, boolean unique,
      List<IndexColumn> columns) {
    short position = 0;
    for (IndexColumn column : columns) {
      rows.add(new Object[] {
        null, MeridianSchema.NAME, table.name(), !unique, null, name,
        (short) DatabaseMetaData.tableIndexOther, ++position, table.columnById(column.columnId()).name(),
        column.descending() ? "D" : "A", null, null, null
      });
    }
  }

  /** A table of fixed rows. */
  private static final class SystemTable extends AbstractTable implements ScannableTable {
    private final List<ColumnDef> columns;
    private final List<Object[]> rows;

    SystemTable(List<ColumnDef> columns, List<Object[]> rows) {
      this.columns = columns;
      this.rows = rows;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      RelDataTypeFactory.Builder builder = typeFactory.builder();
      for (ColumnDef column : columns) {
        builder.add(column.name(), column.type()).nullable(column.nullable());
      }
      return builder.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(rows);
    }
  }
}
