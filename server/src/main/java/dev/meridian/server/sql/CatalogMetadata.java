package dev.meridian.server.sql;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.catalog.View;
import dev.meridian.sql.plan.SystemSchema;
import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * The answers to {@code DatabaseMetaData} calls, built from a catalog snapshot. Meridian has one
 * schema, {@value #SCHEMA}, and no catalogs (TABLE_CAT is null). Hidden columns (the row id of a
 * table declared without a primary key) are left out, and such a table reports no primary key.
 * Result columns follow the JDBC javadoc of each method, in order.
 */
final class CatalogMetadata {

  static final String SCHEMA = "PUBLIC";

  /** The name getPrimaryKeys and getIndexInfo give a table's primary key. */
  static final String PRIMARY_KEY_NAME = SystemSchema.PRIMARY_KEY_NAME;

  private static final Logger LOG = Logger.getLogger(CatalogMetadata.class.getName());

  record Result(List<ColumnMetaData> columns, List<Object> rows) {}

  private CatalogMetadata() {}

  static Result tables(Catalog catalog, String schemaPattern, String tablePattern, List<String> types) {
    List<Object> rows = new ArrayList<>();
    if (matches(schemaPattern, SCHEMA)) {
      boolean tables = types == null || types.contains("TABLE");
      boolean views = types == null || types.contains("VIEW");
      for (Table table : catalog.tables().values()) {
        if (tables && matches(tablePattern, table.name())) {
          rows.add(new Object[] {null, SCHEMA, table.name(), "TABLE", null, null, null, null, null, null});
        }
      }
      for (View view : catalog.views().values()) {
        if (views && matches(tablePattern, view.name())) {
          rows.add(new Object[] {null, SCHEMA, view.name(), "VIEW", null, null, null, null, null, null});
        }
      }
    }
    rows.sort((a, b) -> {
      int byType = ((String) ((Object[]) a)[3]).compareTo((String) ((Object[]) b)[3]);
      return byType != 0 ? byType : ((String) ((Object[]) a)[2]).compareTo((String) ((Object[]) b)[2]);
    });
    return new Result(columns(
        "TABLE_CAT", String.class, "TABLE_SCHEM", String.class, "TABLE_NAME", String.class,
        "TABLE_TYPE", String.class, "REMARKS", String.class, "TYPE_CAT", String.class,
        "TYPE_SCHEM", String.class, "TYPE_NAME", String.class, "SELF_REFERENCING_COL_NAME", String.class,
        "REF_GENERATION", String.class), rows);
  }

  /** Columns of tables, and of views as their query describes them ({@code describe} plans it). */
  static Result columns(Catalog catalog, String schemaPattern, String tablePattern, String columnPattern,
      Function<String, RelDataType> describe) {
    List<Object> rows = new ArrayList<>();
    if (matches(schemaPattern, SCHEMA)) {
      for (Table table : catalog.tables().values()) {
        if (!matches(tablePattern, table.name())) {
          continue;
        }
        int ordinal = 0;
        for (Column column : table.columns()) {
          if (column.hidden()) {
            continue;
          }
          ordinal++;
          if (matches(columnPattern, column.name())) {
            rows.add(columnRow(table.name(), column.name(), column.type(), column.nullable(),
                column.defaultSql(), ordinal));
          }
        }
      }
      for (View view : catalog.views().values()) {
        if (!matches(tablePattern, view.name())) {
          continue;
        }
        RelDataType rowType;
        try {
          rowType = describe.apply("SELECT * FROM \"" + view.name().replace("\"", "\"\"") + "\"");
        } catch (RuntimeException e) {
          LOG.log(Level.FINE, "cannot describe view " + view.name(), e);
          continue;
        }
        for (RelDataTypeField field : rowType.getFieldList()) {
          if (!matches(columnPattern, field.getName())) {
            continue;
          }
          ColumnType type;
          try {
            type = ColumnType.fromRelDataType(field.getType());
          } catch (IllegalArgumentException e) {
            continue;
          }
          rows.add(columnRow(view.name(), field.getName(), type, field.getType().isNullable(), null,
              field.getIndex() + 1));
        }
      }
    }
    return new Result(columns(
        "TABLE_CAT", String.class, "TABLE_SCHEM", String.class, "TABLE_NAME", String.class,
        "COLUMN_NAME", String.class, "DATA_TYPE", Integer.class, "TYPE_NAME", String.class,
        "COLUMN_SIZE", Integer.class, "BUFFER_LENGTH", Integer.class, "DECIMAL_DIGITS", Integer.class,
        "NUM_PREC_RADIX", Integer.class, "NULLABLE", Integer.class, "REMARKS", String.class,
        "COLUMN_DEF", String.class, "SQL_DATA_TYPE", Integer.class, "SQL_DATETIME_SUB", Integer.class,
        "CHAR_OCTET_LENGTH", Integer.class, "ORDINAL_POSITION", Integer.class, "IS_NULLABLE", String.class,
        "SCOPE_CATALOG", String.class, "SCOPE_SCHEMA", String.class, "SCOPE_TABLE", String.class,
        "SOURCE_DATA_TYPE", Short.class, "IS_AUTOINCREMENT", String.class,
        "IS_GENERATEDCOLUMN", String.class), rows);
  }

  private static Object[] columnRow(String table, String column, ColumnType type, boolean nullable,
      String defaultSql, int ordinal) {
    int jdbcType = AvaticaTypes.jdbcType(type.calciteTypeName());
    Integer size = columnSize(type);
    Integer decimalDigits = switch (type.kind()) {
      case DECIMAL -> type.precision() == ColumnType.UNSPECIFIED ? null : type.scale();
      case SMALLINT, INTEGER, BIGINT, TIMESTAMP -> 0;
      default -> null;
    };
    Integer radix = switch (type.kind()) {
      case SMALLINT, INTEGER, BIGINT, DECIMAL -> 10;
      case REAL, DOUBLE -> 2;
      default -> null;
    };
    Integer octets = type.kind() == ColumnType.Kind.VARCHAR || type.kind() == ColumnType.Kind.VARBINARY
        ? size : null;
    return new Object[] {
      null, SCHEMA, table, column, jdbcType, type.toSql(), size, null, decimalDigits, radix,
      nullable ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls, null, defaultSql,
      null, null, octets, ordinal, nullable ? "YES" : "NO", null, null, null, null, "NO", "NO"
    };
  }

  /** JDBC's COLUMN_SIZE: length for strings and binaries (unbounded: Integer.MAX_VALUE), precision for numbers. */
  private static Integer columnSize(ColumnType type) {
    return switch (type.kind()) {
      case VARCHAR, VARBINARY -> type.precision() == ColumnType.UNSPECIFIED ? Integer.MAX_VALUE : type.precision();
      case DECIMAL -> type.precision() == ColumnType.UNSPECIFIED ? null : type.precision();
      case BOOLEAN -> 1;
      case SMALLINT -> 5;
      case INTEGER -> 10;
      case BIGINT -> 19;
      case REAL -> 24;
      case DOUBLE -> 53;
      case DATE -> 10;
      case TIMESTAMP -> 23;
    };
  }

  static Result primaryKeys(Catalog catalog, String schema, String tableName) {
    List<Object> rows = new ArrayList<>();
    if (schema == null || schema.equals(SCHEMA)) {
      for (Object[] row : SystemSchema.primaryKeyRows(catalog)) {
        if (tableName == null || tableName.equals(row[2])) {
          rows.add(row);
        }
      }
    }
    rows.sort((a, b) -> ((String) ((Object[]) a)[3]).compareTo((String) ((Object[]) b)[3]));
    return new Result(columns(SystemSchema.PRIMARY_KEY_COLUMNS), rows);
  }

  /**
   * The primary key (when visible) and secondary indexes of a table, one row per key column.
   * Columns an index only STORES are not key columns and are not listed.
   */
  static Result indexInfo(Catalog catalog, String schema, String tableName, boolean uniqueOnly) {
    List<Object> rows = new ArrayList<>();
    if (schema == null || schema.equals(SCHEMA)) {
      for (Object[] row : SystemSchema.indexInfoRows(catalog)) {
        if ((tableName == null || tableName.equals(row[2])) && !(uniqueOnly && (Boolean) row[3])) {
          rows.add(row);
        }
      }
    }
    return new Result(columns(SystemSchema.INDEX_INFO_COLUMNS), rows);
  }

  static Result schemas(String schemaPattern) {
    List<Object> rows = new ArrayList<>();
    if (matches(schemaPattern, SCHEMA)) {
      rows.add(new Object[] {SCHEMA, null});
    }
    return new Result(columns("TABLE_SCHEM", String.class, "TABLE_CATALOG", String.class), rows);
  }

  static Result catalogs() {
    return new Result(columns("TABLE_CAT", String.class), new ArrayList<>());
  }

  static Result tableTypes() {
    List<Object> rows = new ArrayList<>();
    rows.add(new Object[] {"TABLE"});
    rows.add(new Object[] {"VIEW"});
    return new Result(columns("TABLE_TYPE", String.class), rows);
  }

  /** JDBC pattern matching: {@code %} any run, {@code _} one character, null matches all. */
  static boolean matches(String pattern, String name) {
    if (pattern == null) {
      return true;
    }
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(name).matches();
  }

  private static List<ColumnMetaData> columns(List<SystemSchema.ColumnDef> defs) {
    List<ColumnMetaData> columns = new ArrayList<>();
    for (SystemSchema.ColumnDef def : defs) {
      columns.add(MetaImpl.columnMetaData(def.name(), columns.size(), def.javaClass(), def.nullable()));
    }
    return columns;
  }

  private static List<ColumnMetaData> columns(Object... namesAndTypes) {
    List<ColumnMetaData> columns = new ArrayList<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      columns.add(MetaImpl.columnMetaData((String) namesAndTypes[i], i / 2, (Class<?>) namesAndTypes[i + 1], true));
    }
    return columns;
  }
}
