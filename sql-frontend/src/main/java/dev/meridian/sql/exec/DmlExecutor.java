package dev.meridian.sql.exec;

import dev.meridian.runtime.Invariants;
import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.catalog.Index;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.row.RowKeys;
import dev.meridian.storage.Key;
import java.util.Arrays;
import java.util.Optional;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * Applies a DML statement's rows to its table in the statement's write buffer: rows under their
 * primary key, and every secondary index entry in the same transaction (DESIGN.md §8). Checks the
 * constraints SQL promises: a duplicate primary key or unique index value fails with 23505, a NULL
 * in a NOT NULL column with 23502, a too-long string with 22001. Called by the code Calcite generates
 * for a {@code MeridianTableModify}; returns the number of rows affected.
 */
public final class DmlExecutor {

  private DmlExecutor() {}

  public static Enumerable<Long> modify(DataContext root, ModifySpec spec, Enumerable<?> rows) {
    ExecContext context = ExecContext.of(root);
    StatementWrites writes = context.statementWrites();
    Table table = spec.table();
    int width = table.columns().size();
    GeneratedKeys keys = context.generatedKeys();
    if (keys != null) {
      keys.target(table, spec.operation() == ModifySpec.Operation.INSERT);
    }
    long count = 0;
    try (Enumerator<?> input = rows.enumerator()) {
      while (input.moveNext()) {
        Object element = input.current();
        Object[] row = element instanceof Object[] array ? array : new Object[] {element};
        switch (spec.operation()) {
          case INSERT -> insert(context, writes, table, Arrays.copyOf(row, width), spec.upsert(), keys);
          case UPDATE -> update(writes, table, existing(table, row, width), updatedRow(row, width, spec));
          case DELETE -> delete(writes, table, existing(table, row, width));
        }
        count++;
        if ((count & 0xff) == 0) {
          context.guard().check();
        }
      }
    }
    return Linq4j.singletonEnumerable(count);
  }

  /** A stored row, as UPDATE and DELETE receive it: its key columns are never NULL. */
  private static Object[] existing(Table table, Object[] input, int width) {
    Object[] row = Arrays.copyOf(input, width);
    for (int position : table.primaryKeyPositions()) {
      Invariants.require(row[position] != null,
          "a stored row of %s reached DML without its key column %s", table.name(),
          table.columns().get(position).name());
    }
    return row;
  }

  private static Object[] updatedRow(Object[] input, int width, ModifySpec spec) {
    Object[] updated = Arrays.copyOf(input, width);
    int[] positions = spec.updatedPositions();
    for (int i = 0; i < positions.length; i++) {
      updated[positions[i]] = input[width + i];
    }
    return updated;
  }

  private static void insert(ExecContext context, StatementWrites writes, Table table, Object[] row,
      boolean upsert, GeneratedKeys keys) {
    for (int i = 0; i < row.length; i++) {
      if (table.columns().get(i).hidden()) {
        row[i] = context.nextRowId();
      }
    }
    checkColumns(table, row);
    Key key = RowKeys.primaryKey(table, row);
    if (upsert) {
      Optional<byte[]> existing = writes.get(key);
      if (existing.isPresent()) {
        removeIndexEntries(writes, table, RowKeys.decodeRow(table, key, existing.get()));
      }
    } else {
      writes.requireAbsent(key, () -> duplicate(table, "primary key", describeKey(table, row)));
    }
    writes.put(key, RowKeys.rowValue(table, row));
    addIndexEntries(writes, table, row);
    if (keys != null) {
      keys.add(row);
    }
  }

  private static void update(StatementWrites writes, Table table, Object[] old, Object[] updated) {
    checkColumns(table, updated);
    Key oldKey = RowKeys.primaryKey(table, old);
    Key newKey = RowKeys.primaryKey(table, updated);
    removeIndexEntries(writes, table, old);
    if (!oldKey.equals(newKey)) {
      if (writes.get(newKey).isPresent()) {
        throw duplicate(table, "primary key", describeKey(table, updated));
      }
      writes.delete(oldKey);
    }
    writes.put(newKey, RowKeys.rowValue(table, updated));
    addIndexEntries(writes, table, updated);
  }

  private static void delete(StatementWrites writes, Table table, Object[] row) {
    removeIndexEntries(writes, table, row);
    writes.delete(RowKeys.primaryKey(table, row));
  }

  private static void removeIndexEntries(StatementWrites writes, Table table, Object[] row) {
    for (Index index : table.indexes()) {
      writes.delete(RowKeys.indexKey(table, index, row));
    }
  }

  private static void addIndexEntries(StatementWrites writes, Table table, Object[] row) {
    for (Index index : table.indexes()) {
      Key key = RowKeys.indexKey(table, index, row);
      if (index.unique()) {
        writes.requireAbsent(key, () -> duplicate(table, "unique index " + index.name(),
            describeIndexValue(table, index, row)));
      }
      writes.put(key, RowKeys.indexValue(table, index, row));
    }
  }

  private static void checkColumns(Table table, Object[] row) {
    for (int i = 0; i < row.length; i++) {
      Column column = table.columns().get(i);
      Object value = row[i];
      if (value == null) {
        if (!column.nullable()) {
          throw new SqlExecutionException("23502",
              "null value in column " + column.name() + " of table " + table.name()
                  + " violates its NOT NULL constraint");
        }
        continue;
      }
      ColumnType type = column.type();
      if (type.kind() == ColumnType.Kind.VARCHAR && type.precision() != ColumnType.UNSPECIFIED) {
        String text = value.toString();
        if (text.codePointCount(0, text.length()) > type.precision()) {
          throw new SqlExecutionException("22001",
              "value too long for column " + column.name() + " of type " + type.toSql()
                  + " (" + text.codePointCount(0, text.length()) + " characters)");
        }
      }
    }
  }

  private static SqlExecutionException duplicate(Table table, String what, String values) {
    return new SqlExecutionException("23505",
        "duplicate key value violates " + what + " of table " + table.name() + ": " + values
            + " already exists");
  }

  private static String describeKey(Table table, Object[] row) {
    return describe(table, table.primaryKey(), row);
  }

  private static String describeIndexValue(Table table, Index index, Object[] row) {
    return describe(table, index.columns(), row);
  }

  /** {@code (a=1, b=x)}: the named columns of {@code row}, for error messages. */
  private static String describe(Table table, java.util.List<dev.meridian.sql.catalog.IndexColumn> columns, Object[] row) {
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < columns.size(); i++) {
      int position = table.position(columns.get(i).columnId());
      out.append(i == 0 ? "" : ", ").append(table.columns().get(position).name()).append('=')
          .append(row[position]);
    }
    return out.append(')').toString();
  }
}
