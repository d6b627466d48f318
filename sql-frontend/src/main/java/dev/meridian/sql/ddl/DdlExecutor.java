package dev.meridian.sql.ddl;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.catalog.CatalogStore;
import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.IndexColumn;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Sequence;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.catalog.View;
import dev.meridian.sql.exec.KvWriter;
import dev.meridian.sql.exec.ScalarQuery;
import dev.meridian.sql.exec.SequenceCache;
import dev.meridian.sql.exec.SqlExecutionException;
import dev.meridian.sql.exec.StatementGuard;
import dev.meridian.sql.parser.MeridianSqlParser;
import dev.meridian.sql.parser.ddl.SqlAlterTableAddColumn;
import dev.meridian.sql.parser.ddl.SqlColumnDeclaration;
import dev.meridian.sql.parser.ddl.SqlCreateIndex;
import dev.meridian.sql.parser.ddl.SqlCreateSequence;
import dev.meridian.sql.parser.ddl.SqlDropSequence;
import dev.meridian.sql.parser.ddl.SqlIdentitySpec;
import dev.meridian.sql.parser.ddl.SqlSequenceOptions;
import dev.meridian.sql.parser.ddl.SqlCreateTable;
import dev.meridian.sql.parser.ddl.SqlCreateView;
import dev.meridian.sql.parser.ddl.SqlDropIndex;
import dev.meridian.sql.parser.ddl.SqlDropTable;
import dev.meridian.sql.parser.ddl.SqlDropView;
import dev.meridian.sql.parser.ddl.SqlKeyColumn;
import dev.meridian.sql.parser.ddl.SqlUniqueConstraint;
import dev.meridian.sql.plan.MeridianSchema;
import dev.meridian.sql.plan.QueryPlanner;
import dev.meridian.sql.plan.SqlRewrites;
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
 * (DESIGN.md §8): a new index is backfilled from the table's rows (checking uniqueness), an added
 * column with a DEFAULT is written into every existing row; a dropped table or index leaves the
 * catalog at once and its data is recorded as a {@link dev.meridian.sql.catalog.DroppedSpan}, which
 * {@link DataCleanup} deletes afterwards in chunks of their own transactions, so a DROP of any size
 * is one small transaction (its id is never reused, so the leftovers are unreachable); a sequence (CREATE SEQUENCE, or the one behind an identity column) is a descriptor
 * whose value lives apart (see {@code SequenceCache}). Every statement raises the catalog version, so cached plans of the old version are
 * never used again and concurrent statements that read the old catalog conflict.
 *
 * <p>Backfills run inside the DDL transaction, so they are bounded by a transaction's write limit;
 * online schema changes for large tables arrive with ranges.
 */
public final class DdlExecutor {

  /** Rows read per storage call while backfilling or deleting. */
  private static final int BATCH = 1024;

  /** The function identity columns draw from (see {@code dev.meridian.sql.plan.NextValueFunction}). */
  private static final String NEXTVAL = "NEXTVAL";

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
      case SqlCreateSequence create -> createSequence(create);
      case SqlDropSequence drop -> dropSequence(drop);
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
    List<Sequence> identitySequences = new ArrayList<>();
    for (SqlColumnDeclaration declaration : create.getColumns()) {
      String columnName = declaration.getName().getSimple();
      if (columns.stream().anyMatch(c -> c.name().equals(columnName))) {
        throw new SqlExecutionException("42701", "column " + columnName + " is declared twice");
      }
      Column column = column(nextColumnId++, declaration, primaryKeyNames.contains(columnName));
      if (declaration.getIdentity().isPresent()) {
        Sequence sequence = identitySequence(name, column, declaration.getIdentity().get(), identitySequences);
        identitySequences.add(sequence);
        column = new Column(column.id(), column.name(), column.type(), false,
            NEXTVAL + "('\"" + sequence.name().replace("\"", "\"\"") + "\"')", false,
            declaration.getIdentity().get().isAlways() ? Column.Identity.ALWAYS : Column.Identity.BY_DEFAULT);
      }
      columns.add(column);
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
    identitySequences.forEach(sequence -> catalogs.putSequence(writer, sequence));
    catalogs.bumpVersion(writer);
  }

  /**
   * The sequence behind identity column {@code column} of new table {@code table}: named {@code
   * <TABLE>_<COLUMN>_SEQ} (a number appended if taken), owned by the table (dropped with it), its
   * bounds by default those of the column's type, as in PostgreSQL.
   */
  private Sequence identitySequence(String table, Column column, SqlIdentitySpec identity, List<Sequence> taken) {
    long[] range = switch (column.type().kind()) {
      case SMALLINT -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
      case INTEGER -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
      case BIGINT -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
      default -> throw new SqlExecutionException("22023", "identity column " + column.name()
          + " must be SMALLINT, INTEGER or BIGINT, not " + column.type().toSql());
    };
    String base = (table + "_" + column.name() + "_SEQ").toUpperCase(java.util.Locale.ROOT);
    String sequenceName = base;
    for (int n = 1; relationExists(sequenceName) || isTaken(taken, sequenceName); n++) {
      sequenceName = base + n;
    }
    return sequence(catalogs.allocateId(writer), sequenceName, identity.getOptions(), range[0], range[1], table);
  }

  private static boolean isTaken(List<Sequence> sequences, String name) {
    return sequences.stream().anyMatch(s -> s.name().equals(name));
  }

  /**
   * A sequence from its options, with PostgreSQL's defaults and checks (22023): INCREMENT 1;
   * MINVALUE 1 ascending, the type's least value descending; MAXVALUE the type's greatest value
   * ascending, -1 descending; START at MINVALUE ascending, MAXVALUE descending; CACHE {@link
   * SequenceCache#DEFAULT_CACHE}. CYCLE is refused (0A000): a sequence that wraps hands out values
   * twice, which keys filled from it cannot take.
   */
  private static Sequence sequence(long id, String name, SqlSequenceOptions options, long typeMin, long typeMax,
      String owner) {
    if (options.cycle()) {
      throw new SqlExecutionException("0A000", "CYCLE is not supported for sequence " + name
          + ": its values would repeat; leave it out (NO CYCLE is the default)");
    }
    long increment = options.increment().orElse(1L);
    if (increment == 0) {
      throw new SqlExecutionException("22023", "INCREMENT must not be zero (sequence " + name + ")");
    }
    long min = options.minValue().orElse(increment > 0 ? 1 : typeMin);
    long max = options.maxValue().orElse(increment > 0 ? typeMax : -1);
    if (min < typeMin || max > typeMax) {
      throw new SqlExecutionException("22023", "MINVALUE (" + min + ") and MAXVALUE (" + max
          + ") of sequence " + name + " must lie within its column's type");
    }
    if (min >= max) {
      throw new SqlExecutionException("22023", "MINVALUE (" + min + ") must be less than MAXVALUE (" + max
          + ") (sequence " + name + ")");
    }
    long start = options.start().orElse(increment > 0 ? min : max);
    if (start < min) {
      throw new SqlExecutionException("22023", "START value (" + start + ") cannot be less than MINVALUE ("
          + min + ") (sequence " + name + ")");
    }
    if (start > max) {
      throw new SqlExecutionException("22023", "START value (" + start + ") cannot be greater than MAXVALUE ("
          + max + ") (sequence " + name + ")");
    }
    long cache = options.cache().orElse(SequenceCache.DEFAULT_CACHE);
    if (cache < 1) {
      throw new SqlExecutionException("22023", "CACHE (" + cache + ") must be greater than zero (sequence "
          + name + ")");
    }
    return new Sequence(id, name, start, increment, min, max, cache, owner);
  }

  private void createSequence(SqlCreateSequence create) {
    String name = objectName(create.getName());
    if (relationExists(name)) {
      if (create.isIfNotExists()) {
        return;
      }
      throw new SqlExecutionException("42P07", "relation " + name + " already exists");
    }
    catalogs.putSequence(writer, sequence(catalogs.allocateId(writer), name, create.getOptions(),
        Long.MIN_VALUE, Long.MAX_VALUE, null));
    catalogs.bumpVersion(writer);
  }

  private void dropSequence(SqlDropSequence drop) {
    String name = objectName(drop.getName());
    Optional<Sequence> sequence = catalog.sequence(name);
    if (sequence.isEmpty()) {
      if (drop.isIfExists()) {
        return;
      }
      throw new SqlExecutionException("42P01", "sequence " + name + " does not exist");
    }
    if (sequence.get().ownerTable() != null) {
      throw new SqlExecutionException("2BP01", "cannot drop sequence " + name + ": an identity column of table "
          + sequence.get().ownerTable() + " requires it; drop the table (or the column) instead");
    }
    catalogs.deleteSequence(writer, sequence.get());
    catalogs.bumpVersion(writer);
  }

  /**
   * The views that depend on table {@code name}, directly or through other views: those that plan
   * against the current catalog but no longer once the table (and the views found so far) are gone.
   */
  private List<String> dependentViews(String name) {
    List<String> dependent = new ArrayList<>();
    Catalog without = catalog.withoutTable(name);
    boolean found = true;
    while (found) {
      found = false;
      QueryPlanner reduced = new QueryPlanner(without);
      for (View view : without.views().values()) {
        if (!plans(reduced, view) && plans(planner, view)) {
          dependent.add(view.name());
          without = without.withoutView(view.name());
          found = true;
        }
      }
    }
    return dependent;
  }

  private static boolean plans(QueryPlanner planner, View view) {
    try {
      planner.queryRowType(MeridianSqlParser.parse(view.sql()));
      return true;
    } catch (RuntimeException | org.apache.calcite.sql.parser.SqlParseException e) {
      return false;
    }
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

  /** Whether a table, view, sequence or index is already called {@code name}. */
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
    // NEXT VALUE FOR s is stored as NEXTVAL('"S"'), the form the planner runs.
    String defaultSql = declaration.getDefaultValue()
        .map(value -> MeridianSqlParser.unparse(SqlRewrites.rewrite(value))).orElse(null);
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
    List<String> views = dependentViews(name);
    if (!views.isEmpty() && !drop.isCascade()) {
      throw new SqlExecutionException("2BP01", "cannot drop table " + name + " because "
          + (views.size() == 1 ? "view " : "views ") + String.join(", ", views)
          + (views.size() == 1 ? " depends" : " depend") + " on it; use DROP TABLE " + name
          + " CASCADE to drop " + (views.size() == 1 ? "that view" : "those views") + " too");
    }
    views.forEach(view -> catalogs.deleteView(writer, view));
    for (Sequence sequence : catalog.sequences().values()) {
      if (name.equals(sequence.ownerTable())) {
        catalogs.deleteSequence(writer, sequence);
      }
    }
    catalogs.scheduleCleanup(writer, "table " + name, KeySpace.tableData(table.get().id()));
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
    catalogs.scheduleCleanup(writer, "index " + indexName + " of " + table.get().name(),
        KeySpace.index(table.get().id(), index.id()));
    catalogs.putTable(writer, table.get().withoutIndex(indexName));
    catalogs.bumpVersion(writer);
  }

  private void createView(SqlCreateView create) {
    String name = objectName(create.getName());
    if (catalog.sequence(name).isPresent()) {
      throw new SqlExecutionException("42P07", "relation " + name + " already exists as a sequence");
    }
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
    if (declaration.getIdentity().isPresent()) {
      throw new SqlExecutionException("0A000", "ADD COLUMN … GENERATED AS IDENTITY is not supported yet: "
          + "existing rows would need values; create the table with the identity column");
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

  /** Whether a table, view or sequence is called {@code name} (they share one name space, as in PostgreSQL). */
  private boolean exists(String name) {
    return catalog.table(name).isPresent() || catalog.view(name).isPresent() || catalog.sequence(name).isPresent();
  }

  private static Column columnOf(Table table, SqlIdentifier identifier) {
    return table.column(identifier.getSimple()).orElseThrow(() ->
        new SqlExecutionException("42703", "column " + identifier.getSimple() + " does not exist in " + table.name()));
  }

  /** The simple name of a table, view or index; only the PUBLIC schema exists. */
  /** The name of a table, view, index or sequence as written, in the one schema there is (else 3F000). */
  public static String objectName(SqlIdentifier identifier) {
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
