package dev.meridian.conformance.fuzz;

import dev.meridian.conformance.fuzz.Expr.Kind;
import dev.meridian.runtime.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A generated table: columns of every kind the generator knows, a primary key on the first (so
 * predicates on it become key lookups and ranges), sometimes a secondary index on another, and
 * rows of values that favour the edges: NULL, zero, the ends of each integer range, empty and
 * non-Latin strings.
 *
 * @param rows each row's values as SQL literals, in column order
 */
record FuzzTable(String name, List<ColumnDef> columns, String indexedColumn, List<List<String>> rows) {

  /** One column: its name, declared SQL type and kind. */
  record ColumnDef(String name, String sqlType, Kind kind) {}

  private static final List<ColumnDef> TYPES = List.of(
      new ColumnDef("", "INTEGER", Kind.INT), new ColumnDef("", "BIGINT", Kind.INT),
      new ColumnDef("", "SMALLINT", Kind.INT), new ColumnDef("", "DOUBLE", Kind.APPROX),
      new ColumnDef("", "DECIMAL(8, 2)", Kind.DECIMAL), new ColumnDef("", "VARCHAR(8)", Kind.TEXT),
      new ColumnDef("", "BOOLEAN", Kind.BOOL));

  static final List<String> TEXTS = List.of("''", "'a'", "'ab'", "'B'", "'zz'", "'a%'", "'世界'", "'😀'",
      "'a😀b'", "'é'", "' x '");

  /** A table named {@code name} with 2 to 6 columns and up to {@code maxRows} rows, all from {@code random}. */
  static FuzzTable generate(String name, RandomSource random, int maxRows) {
    List<ColumnDef> columns = new ArrayList<>();
    columns.add(new ColumnDef("C0", "INTEGER", Kind.INT));
    int extra = 1 + random.nextInt(5);
    for (int i = 1; i <= extra; i++) {
      ColumnDef type = TYPES.get(random.nextInt(TYPES.size()));
      columns.add(new ColumnDef("C" + i, type.sqlType(), type.kind()));
    }
    String indexed = columns.size() > 1 && random.chance(0.5)
        ? columns.get(1 + random.nextInt(columns.size() - 1)).name() : null;
    int rowCount = random.nextInt(maxRows + 1);
    List<List<String>> rows = new ArrayList<>();
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < rowCount; i++) {
      int key;
      do {
        key = random.chance(0.1) ? pick(random, List.of(-2147483648, 2147483647, 0, -1)) : random.nextInt(40) - 10;
      } while (keys.contains(key));
      keys.add(key);
      List<String> row = new ArrayList<>();
      row.add(Integer.toString(key));
      for (int c = 1; c < columns.size(); c++) {
        row.add(random.chance(0.2) ? "NULL" : value(random, columns.get(c).sqlType()));
      }
      rows.add(row);
    }
    return new FuzzTable(name, List.copyOf(columns), indexed, List.copyOf(rows));
  }

  private static String value(RandomSource random, String sqlType) {
    return switch (sqlType) {
      case "INTEGER" -> random.chance(0.1) ? pick(random, List.of("2147483647", "-2147483648"))
          : Integer.toString(random.nextInt(21) - 10);
      case "BIGINT" -> random.chance(0.1) ? pick(random, List.of("9223372036854775807", "-9223372036854775808"))
          : Long.toString(random.nextInt(2001) - 1000);
      case "SMALLINT" -> random.chance(0.1) ? pick(random, List.of("32767", "-32768"))
          : Integer.toString(random.nextInt(21) - 10);
      case "DOUBLE" -> pick(random, List.of("0.0E0", "1.5E0", "-2.25E0", "1.0E10", "-0.5E0", "3.0E0", "7.0E0"));
      case "DECIMAL(8, 2)" -> pick(random, List.of("0.00", "1.50", "-3.25", "99.99", "2.50", "-0.01", "123456.78"));
      case "VARCHAR(8)" -> pick(random, TEXTS);
      case "BOOLEAN" -> random.chance(0.5) ? "TRUE" : "FALSE";
      default -> throw new IllegalArgumentException(sqlType);
    };
  }

  static <T> T pick(RandomSource random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  FuzzTable withName(String newName) {
    return new FuzzTable(newName, columns, indexedColumn, rows);
  }

  FuzzTable withRows(List<List<String>> newRows) {
    return new FuzzTable(name, columns, indexedColumn, List.copyOf(newRows));
  }

  /** CREATE TABLE, CREATE INDEX and INSERT, in order. */
  List<String> setupSql() {
    List<String> sql = new ArrayList<>();
    sql.add("CREATE TABLE " + name + " (" + columns.stream()
        .map(c -> c.name() + " " + c.sqlType() + (c.name().equals("C0") ? " PRIMARY KEY" : ""))
        .collect(Collectors.joining(", ")) + ")");
    if (indexedColumn != null) {
      sql.add("CREATE INDEX " + name + "_I ON " + name + " (" + indexedColumn + ")");
    }
    if (!rows.isEmpty()) {
      sql.add("INSERT INTO " + name + " VALUES " + rows.stream()
          .map(row -> "(" + String.join(", ", row) + ")").collect(Collectors.joining(", ")));
    }
    return sql;
  }

  String dropSql() {
    return "DROP TABLE IF EXISTS " + name;
  }

  String columnList() {
    return columns.stream().map(ColumnDef::name).collect(Collectors.joining(", "));
  }
}
