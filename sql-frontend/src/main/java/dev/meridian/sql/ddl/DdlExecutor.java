package dev.meridian.sql.ddl;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.CatalogStore;
import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.catalog.View;
import dev.meridian.sql.exec.KvWriter;
import dev.meridian.sql.exec.ScalarQuery;
import dev.meridian.sql.exec.SqlExecutionException;
import dev.meridian.sql.exec.StatementGuard;
import dev.meridian.sql.parser.MeridianSqlParser;
import dev.meridian.sql.parser.ddl.SqlAlterTableAddColumn;
import dev.meridian.sql.parser.ddl.SqlColumnDeclaration;
import dev.meridian.sql.parser.ddl.SqlCreateIndex;
import dev.meridian.sql.parser.ddl.SqlCreateTable;
import dev.meridian.sql.parser.ddl.SqlCreateView;
import dev.meridian.sql.parser.ddl.SqlDropIndex;
import dev.meridian.sql.parser.ddl.SqlDropTable;
import dev.meridian.sql.parser.ddl.SqlDropView;
import dev.meridian.sql.parser.ddl.SqlKeyColumn;
import dev.meridian.sql.parser.ddl.SqlUniqueConstraint;
import dev.meridian.sql.plan.MeridianSchema;
import dev.meridian.sql.plan.QueryPlanner;
import dev.meridian.sql.row.RowKeys;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * Executes DDL by writing catalog descriptors, and the data they imply, in one transaction
 * (DESIGN.md §8): a new index is backfilled from the table's rows (checking uniqueness), a dropped
 * table or index has its entries deleted, an added column with a DEFAULT is written into every
 * existing row. Every statement raises the catalog version, so cached plans of the old version are
 * never used again and concurrent statements that read the old catalog conflict.
 *
 * <p>Backfills and deletions run inside the DDL transaction, so they are bounded by a transaction's
 * write limit; online schema changes for large tables arrive with ranges.
 */
public final class DdlExecutor {

  /** Rows read per storage call while backfilling or deleting. */
  private static final int BATCH = 1024;

  private final CatalogStore catalogs;
  private final QueryPlanner planner;
  private final KvWriter writer;
  private final StatementGuard guard;
  private final Catalog catalog;

  public DdlExecutor(CatalogStore catalogs, QueryPlanner planner, KvWriter writer, StatementGuard guard) {
    this.catalogs = catalogs;
    this.planner = planner;
    this.writer = writer;
    this.guard = guard;
    this.catalog = planner.catalog();
  }

  public void execute(SqlNode node) {
    switch (node) {
      case SqlCreateTable create -> createTable(create);
      case SqlDropTable drop -> dropTable(drop);
      case SqlCreateIndex create -> createIndex(create);
      case SqlDropIndex drop -> dropIndex(drop);
      case SqlCreateView create -> createView(create);
      case SqlDropView drop -> dropView(drop);
      case SqlAlterTableAddColumn add -> addColumn(add);
      default -> throw new SqlExecutionException("0A000",
          node.getKind() + " is not supported yet: placement policies and splits arrive with "
              + "replication and ranges");
    }
  }

  private void createTable(SqlCreateTable create) {
    String name = objectName(create.getName());
    if (exists(name)) {
      if (create.isIfNotExists()) {
        return;
      }
      throw new SqlExecutionException("42P07", "relation " + name + " already exists");
    }
    List<Column> columns = new ArrayList<>();
    Set<String> primaryKeyNames = new HashSet<>();
    for (SqlKeyColumn key : create.getPrimaryKey()) {
      primaryKeyNames.add(key.getName().getSimple());
    }
    int nextColumnId = 1;
    for (SqlColumnDeclaration declaration : create.getColumns()) {
      String columnName = declaration.getName().getSimple();
      if (columns.stream().anyMatch(c -> c.name().equals(columnName))) {
        throw new SqlExecutionException("42701", "column " + columnName + " is declared twice");
      }
      columns.add(column(nextColumnId++, declaration, primaryKeyNames.contains(columnName)));
    }
    List<IndexColumn> primaryKey = new ArrayList<>();
    for (SqlKeyColumn key : create.getPrimaryKey()) {
      Column column = columns.stream().filter(c -> c.name().equals(key.getName().getSimple())).findFirst()
          .orElseThrow(() -> new SqlExecutionException("42703",
              "primary key column " + key.getName().getSimple() + " is not a column of " + name));
      primaryKey.add(new IndexColumn(column.id(), key.isDescending()));
    }
    if (primaryKey.isEmpty()) {
      // As CockroachDB does: a hidden, database-assigned row id is the key.
      Column rowId = new Column(nextColumnId++, Table.ROW_ID, ColumnType.of(ColumnType.Kind.BIGINT), false, null, true);
      columns.add(rowId);
      primaryKey.add(new IndexColumn(rowId.id(), false));
    }
    Table table = new Table(catalogs.allocateId(writer), name, columns, primaryKey, List.of(), nextColumnId, 2);
    // UNIQUE constraints are unique secondary indexes; the table is new, so nothing to backfill.
    for (Index index : uniqueIndexes(create, table)) {
      table = table.withIndex(index);
    }
    catalogs.putTable(writer, table);
    catalogs.bumpVersion(writer);
  }

  /**
   * The unique indexes that the UNIQUE constraints of {@code create} stand for, with ids from
   * {@code table.nextIndexId()}. As PostgreSQL does, a constraint over exactly the primary key's
   * columns is skipped, and constraints over the same columns become one index (taking the first
   * name given). An unnamed constraint's index is named {@code <TABLE>_<COL>[_<COL>…]_KEY}, with a
   * number appended if that name is taken; a given name that is taken is an error, as in CREATE
   * INDEX.
   */
  private List<Index> uniqueIndexes(SqlCreateTable create, Table table) {
    List<Integer> primaryKeyIds = table.primaryKey().stream().map(IndexColumn::columnId).toList();
    List<List<Integer>> columnLists = new ArrayList<>();
    List<String> givenNames = new ArrayList<>();
    for (SqlUniqueConstraint constraint : create.getUniqueConstraints()) {
      List<Integer> ids = new ArrayList<>();
      for (SqlIdentifier column : constraint.getColumns()) {
        int id = columnOf(table, column).id();
        if (ids.contains(id)) {
          throw new SqlExecutionException("42701",
              "column " + column.getSimple() + " appears twice in a UNIQUE constraint");
        }
        ids.add(id);
      }
      String given = constraint.getConstraintName().map(DdlExecutor::objectName).orElse(null);
      if (ids.equals(primaryKeyIds)) {
        continue;
      }
      int same = columnLists.indexOf(ids);
      if (same >= 0) {
        if (givenNames.get(same) == null) {
          givenNames.set(same, given);
        }
        continue;
      }
      columnLists.add(ids);
      givenNames.add(given);
    }
    Set<String> taken = new HashSet<>();
    taken.add(table.name());
    for (String given : givenNames) {
      if (given != null && (!taken.add(given) || relationExists(given))) {
        throw new SqlExecutionException("42P07", "relation " + given + " already exists");
      }
    }
    List<Index> indexes = new ArrayList<>();
    int nextIndexId = table.nextIndexId();
    for (int i = 0; i < columnLists.size(); i++) {
      List<Integer> ids = columnLists.get(i);
      String indexName = givenNames.get(i);
      if (indexName == null) {
        StringBuilder base = new StringBuilder(table.name());
        ids.forEach(id -> base.append('_').append(table.columnById(id).name()));
        base.append("_KEY");
        indexName = base.toString().toUpperCase(java.util.Locale.ROOT);
        for (int n = 1; taken.contains(indexName) || relationExists(indexName); n++) {
          indexName = base.toString().toUpperCase(java.util.Locale.ROOT) + n;
        }
        taken.add(indexName);
      }
      List<IndexColumn> columns = ids.stream().map(id -> new IndexColumn(id, false)).toList();
      indexes.add(new Index(nextIndexId++, indexName, true, columns, List.of()));
    }
    return indexes;
  }

  /** Whether a table, view or index is already called {@code name}. */
  private boolean relationExists(String name) {
    return exists(name) || catalog.tableWithIndex(name).isPresent();
  }

  private Column column(int id, SqlColumnDeclaration declaration, boolean inPrimaryKey) {
    String columnName = declaration.getName().getSimple();
    ColumnType type;
    try {
      type = ColumnType.fromRelDataType(planner.deriveType(declaration.getDataType()));
    } catch (IllegalArgumentException e) {
      throw new SqlExecutionException("42804", "column " + columnName + ": " + e.getMessage());
    }
    boolean nullable = !inPrimaryKey && !declaration.isPrimaryKey()
        && declaration.getNullability() != SqlColumnDeclaration.Nullability.NOT_NULL;
    String defaultSql = declaration.getDefaultValue().map(MeridianSqlParser::unparse).orElse(null);
    if (defaultSql != null) {
      // Fails now, with the position of the mistake, rather than at the first INSERT.
      checkDefault(columnName, defaultSql, type);
    }
    return new Column(id, columnName, type, nullable, defaultSql, false);
  }

  private void checkDefault(String columnName, String defaultSql, ColumnType type) {
    try {
      planner.queryRowType(MeridianSqlParser.parse("SELECT CAST(" + defaultSql + " AS " + type.toSql() + ")"));
    } catch (Exception e) {
      throw new SqlExecutionException("42804",
          "DEFAULT of column " + columnName + " is not a valid " + type.toSql() + ": " + e.getMessage());
    }
  }

  private void dropTable(SqlDropTable drop) {
    String name = objectName(drop.getName());
    Optional<Table> table = catalog.table(name);
    if (table.isEmpty()) {
      if (drop.isIfExists()) {
        return;
      }
      throw new SqlExecutionException("42P01", "table " + name + " does not exist");
    }
    deleteAll(KeySpace.tableData(table.get().id()));
    catalogs.deleteTable(writer, name);
    catalogs.bumpVersion(writer);
  }

  private void createIndex(SqlCreateIndex create) {
    String tableName = objectName(create.getTable());
    Table table = catalog.table(tableName).orElseThrow(() ->
        new SqlExecutionException("42P01", "table " + tableName + " does not exist"));
    String indexName = objectName(create.getName());
    if (catalog.tableWithIndex(indexName).isPresent() || exists(indexName)) {
      if (create.isIfNotExists()) {
        return;
      }
      throw new SqlExecutionException("42P07", "relation " + indexName + " already exists");
    }
    List<IndexColumn> columns = new ArrayList<>();
    for (SqlKeyColumn key : create.getColumns()) {
      columns.add(new IndexColumn(columnOf(table, key.getName()).id(), key.isDescending()));
    }
    List<Integer> storing = new ArrayList<>();
    for (SqlIdentifier stored : create.getStoringColumns()) {
      storing.add(columnOf(table, stored).id());
    }
    Index index = new Index(table.nextIndexId(), indexName, create.isUnique(), columns, storing);
    Table withIndex = table.withIndex(index);
    // Backfill: one entry per existing row, in this transaction, checking uniqueness as we go.
    forEachRow(table, row -> {
      Key key = RowKeys.indexKey(withIndex, index, row);
      if (index.unique() && writer.get(key).isPresent()) {
        throw new SqlExecutionException("23505", "cannot create unique index " + indexName
            + ": table " + tableName + " has duplicate values for its columns");
      }
      writer.put(key, RowKeys.indexValue(withIndex, index, row));
    });
    catalogs.putTable(writer, withIndex);
    catalogs.bumpVersion(writer);
  }

  private void dropIndex(SqlDropIndex drop) {
    String indexName = objectName(drop.getName());
    Optional<Table> table = drop.getTable().isPresent()
        ? catalog.table(objectName(drop.getTable().get())).filter(t -> t.index(indexName).isPresent())
        : catalog.tableWithIndex(indexName);
    if (table.isEmpty()) {
      if (drop.isIfExists()) {
        return;
      }
      throw new SqlExecutionException("42704", "index " + indexName + " does not exist");
    }
    Index index = table.get().index(indexName).orElseThrow();
    deleteAll(KeySpace.index(table.get().id(), index.id()));
    catalogs.putTable(writer, table.get().withoutIndex(indexName));
    catalogs.bumpVersion(writer);
  }

  private void createView(SqlCreateView create) {
    String name = objectName(create.getName());
    if (catalog.table(name).isPresent()) {
      throw new SqlExecutionException("42P07", "relation " + name + " already exists as a table");
    }
    if (catalog.view(name).isPresent() && !create.isOrReplace()) {
      throw new SqlExecutionException("42P07", "view " + name + " already exists");
    }
    RelDataType rowType = planner.queryRowType(create.getQuery());
    List<String> columnNames = create.getColumnNames()
        .map(ids -> ids.stream().map(SqlIdentifier::getSimple).toList()).orElse(List.of());
    if (!columnNames.isEmpty() && columnNames.size() != rowType.getFieldCount()) {
      throw new SqlExecutionException("42601", "view " + name + " names " + columnNames.size()
          + " columns but its query returns " + rowType.getFieldCount());
    }
    catalogs.putView(writer, new View(name, MeridianSqlParser.unparse(create.getQuery()), columnNames));
    catalogs.bumpVersion(writer);
  }

  private void dropView(SqlDropView drop) {
    String name = objectName(drop.getName());
    if (catalog.view(name).isEmpty()) {
      if (drop.isIfExists()) {
        return;
      }
      throw new SqlExecutionException("42P01", "view " + name + " does not exist");
    }
    catalogs.deleteView(writer, name);
    catalogs.bumpVersion(writer);
  }

  private void addColumn(SqlAlterTableAddColumn add) {
    String tableName = objectName(add.getTable());
    Table table = catalog.table(tableName).orElseThrow(() ->
        new SqlExecutionException("42P01", "table " + tableName + " does not exist"));
    SqlColumnDeclaration declaration = add.getColumn();
    String columnName = declaration.getName().getSimple();
    if (table.column(columnName).isPresent()) {
      if (add.isIfNotExists()) {
        return;
      }
      throw new SqlExecutionException("42701", "column " + columnName + " of " + tableName + " already exists");
    }
    if (declaration.isPrimaryKey()) {
      throw new SqlExecutionException("0A000", "cannot add a primary key column to an existing table");
    }
    if (declaration.isUnique()) {
      throw new SqlExecutionException("0A000", "ADD COLUMN … UNIQUE is not supported yet; add the "
          + "column, then CREATE UNIQUE INDEX on it");
    }
    Column column = column(table.nextColumnId(), declaration, false);
    if (!column.nullable() && column.defaultSql() == null && hasRows(table)) {
      throw new SqlExecutionException("23502", "cannot add NOT NULL column " + columnName
          + " without a DEFAULT to table " + tableName + ", which has rows");
    }
    Table widened = withColumnBeforeHidden(table, column);
    if (column.defaultSql() != null) {
      Object value = evaluateDefault(widened, column);
      int position = widened.position(column.id());
      forEachRow(table, oldRow -> {
        Object[] row = new Object[widened.columns().size()];
        for (int i = 0; i < table.columns().size(); i++) {
          row[widened.position(table.columns().get(i).id())] = oldRow[i];
        }
        row[position] = value;
        writer.put(RowKeys.primaryKey(widened, row), RowKeys.rowValue(widened, row));
      });
    }
    catalogs.putTable(writer, widened);
    catalogs.bumpVersion(writer);
  }

  /** Hidden columns stay last, so INSERT without a column list still fills the visible ones. */
  private static Table withColumnBeforeHidden(Table table, Column column) {
    List<Column> columns = new ArrayList<>(table.columns());
    int at = columns.size();
    while (at > 0 && columns.get(at - 1).hidden()) {
      at--;
    }
    columns.add(at, column);
    return new Table(table.id(), table.name(), columns, table.primaryKey(), table.indexes(),
        Math.max(table.nextColumnId(), column.id() + 1), table.nextIndexId());
  }

  /** The value of a column's DEFAULT, computed once for the rows that exist when it is added. */
  private Object evaluateDefault(Table table, Column column) {
    return ScalarQuery.evaluate(planner,
        "SELECT CAST(" + column.defaultSql() + " AS " + column.type().toSql() + ")", writer, guard);
  }

  private boolean hasRows(Table table) {
    return !writer.scan(KeySpace.index(table.id(), Table.PRIMARY_INDEX_ID), Direction.FORWARD, 1).isEmpty();
  }

  private void forEachRow(Table table, Consumer<Object[]> action) {
    forEachEntry(KeySpace.index(table.id(), Table.PRIMARY_INDEX_ID),
        entry -> action.accept(RowKeys.decodeRow(table, entry.key(), entry.value())));
  }

  private void deleteAll(KeySpan span) {
    forEachEntry(span, entry -> writer.delete(entry.key()));
  }

  /** Visits every entry of {@code span} in key order, a batch at a time. */
  private void forEachEntry(KeySpan span, Consumer<KeyValue> action) {
    while (true) {
      guard.check();
      List<KeyValue> batch = writer.scan(span, Direction.FORWARD, BATCH);
      batch.forEach(action);
      if (batch.size() < BATCH) {
        return;
      }
      span = new KeySpan(batch.get(batch.size() - 1).key().successor(), span.end());
    }
  }

  private boolean exists(String name) {
    return catalog.table(name).isPresent() || catalog.view(name).isPresent();
  }

  private static Column columnOf(Table table, SqlIdentifier identifier) {
    return table.column(identifier.getSimple()).orElseThrow(() ->
        new SqlExecutionException("42703", "column " + identifier.getSimple() + " does not exist in " + table.name()));
  }

  /** The simple name of a table, view or index; only the PUBLIC schema exists. */
  private static String objectName(SqlIdentifier identifier) {
    if (identifier.names.size() == 2 && identifier.names.get(0).equals(MeridianSchema.NAME)) {
      return identifier.names.get(1);
    }
    if (identifier.names.size() != 1) {
      throw new SqlExecutionException("3F000", "schema of " + identifier + " does not exist; only "
          + MeridianSchema.NAME + " does");
    }
    return identifier.getSimple();
  }
}
