package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.plan.MeridianTypeSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;

/**
 * The generated keys of one DML statement, for JDBC's {@code getGeneratedKeys()}: the values, as
 * written, of the columns the client asked for, one row per row the statement inserted.
 *
 * <ul>
 *   <li>{@link Request.Generated} ({@code RETURN_GENERATED_KEYS}): the columns the database fills
 *       itself when INSERT gives no value — identity columns and columns with a DEFAULT — in table
 *       order. A table with none has no generated keys: an empty result (no columns, no rows).
 *   <li>{@link Request.Named} ({@code String[]}): the named columns, in the order given. A name
 *       matches a column exactly, or else case-insensitively if exactly one column matches that way
 *       (applications often pass names in the case their mapping declares); the hidden row id of a
 *       table without a primary key ({@value Table#ROW_ID}) can be named too. Unknown: 42703.
 *   <li>{@link Request.Indexed} ({@code int[]}): the columns at those 1-based positions among the
 *       table's visible columns. Out of range: 42703.
 * </ul>
 * UPDATE and DELETE generate no keys: their result is empty, as is that of any other statement.
 * The rows are kept in memory; a statement's writes are bounded ({@link StatementWrites#MAX_WRITES}),
 * and so are they.
 */
public final class GeneratedKeys {

  /** Which columns the client asked for. */
  public sealed interface Request {
    record Generated() implements Request {}

    record Named(List<String> names) implements Request {
      public Named {
        names = List.copyOf(names);
      }
    }

    record Indexed(List<Integer> positions) implements Request {
      public Indexed {
        positions = List.copyOf(positions);
      }
    }
  }

  private static final RelDataTypeFactory TYPES = new JavaTypeFactoryImpl(MeridianTypeSystem.INSTANCE);

  private final Request request;
  private Table table;
  private int[] positions = new int[0];
  private final List<Object[]> rows = new ArrayList<>();

  public GeneratedKeys(Request request) {
    this.request = request;
  }

  /** The statement writes rows of {@code table}: resolves the columns asked for. */
  void target(Table table, boolean inserts) {
    if (!inserts) {
      return;
    }
    this.table = table;
    this.positions = switch (request) {
      case Request.Generated generated -> generatedColumns(table);
      case Request.Named named -> named.names().stream().mapToInt(name -> byName(table, name)).toArray();
      case Request.Indexed indexed -> indexed.positions().stream().mapToInt(i -> byIndex(table, i)).toArray();
    };
  }

  /** One row the statement wrote, complete (defaults, identity values and row id filled). */
  void add(Object[] row) {
    if (table == null || positions.length == 0) {
      return;
    }
    Object[] key = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      key[i] = row[positions[i]];
    }
    rows.add(key);
  }

  /** No generated keys: no columns, no rows. */
  public static StatementResult.Rows none() {
    return new StatementResult.Rows(TYPES.builder().build(), java.util.Collections.emptyIterator(), () -> { });
  }

  /** The keys as rows (no columns and no rows when there are none). */
  public StatementResult.Rows result() {
    RelDataTypeFactory.Builder builder = TYPES.builder();
    for (int position : positions) {
      Column column = table.columns().get(position);
      builder.add(column.name(), column.type().toRelDataType(TYPES, column.nullable() || column.hidden()));
    }
    return new StatementResult.Rows(builder.build(), List.copyOf(rows).iterator(), () -> { });
  }

  private static int[] generatedColumns(Table table) {
    List<Integer> generated = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      Column column = table.columns().get(i);
      if (!column.hidden() && (column.isIdentity() || column.defaultSql() != null)) {
        generated.add(i);
      }
    }
    return generated.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int byName(Table table, String name) {
    List<Column> columns = table.columns();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    int found = -1;
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().toUpperCase(Locale.ROOT).equals(name.toUpperCase(Locale.ROOT))) {
        if (found >= 0) {
          throw new SqlExecutionException("42702", "generated key column " + name + " is ambiguous in table "
              + table.name() + ": quote it as it is declared");
        }
        found = i;
      }
    }
    if (found < 0) {
      throw new SqlExecutionException("42703", "generated key column " + name + " does not exist in table "
          + table.name());
    }
    return found;
  }

  private static int byIndex(Table table, int index) {
    List<Integer> visible = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      if (!table.columns().get(i).hidden()) {
        visible.add(i);
      }
    }
    if (index < 1 || index > visible.size()) {
      throw new SqlExecutionException("42703", "generated key column index " + index + " is out of range: table "
          + table.name() + " has " + visible.size() + " columns");
    }
    return visible.get(index - 1);
  }
}
