package dev.meridian.conformance.fuzz;

import static dev.meridian.conformance.fuzz.FuzzTable.pick;

import dev.meridian.conformance.fuzz.Expr.Call;
import dev.meridian.conformance.fuzz.Expr.Column;
import dev.meridian.conformance.fuzz.Expr.Kind;
import dev.meridian.conformance.fuzz.Expr.Literal;
import dev.meridian.runtime.RandomSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Random well-typed expressions over one table's columns: comparisons, three-valued logic, NULL
 * tests, BETWEEN, IN, LIKE, CASE, COALESCE, NULLIF, arithmetic on every numeric kind (including
 * the edges where it overflows or divides by zero), casts between them, and string functions on
 * text in any script. An expression that fails at run time with a data exception is fine: the
 * oracles skip it; one that the planner rejects as invalid SQL is counted apart.
 */
final class ExprGenerator {

  /** Expressions nest at most this deep; deeper ones take a long time to plan and say little more. */
  static final int MAX_DEPTH = 4;

  private final RandomSource random;
  private final List<Column> columns;

  ExprGenerator(RandomSource random, FuzzTable table) {
    this.random = random;
    this.columns = table.columns().stream().map(c -> new Column(c.name(), c.kind())).toList();
  }

  Expr predicate() {
    return bool(MAX_DEPTH);
  }

  Expr of(Kind kind, int depth) {
    return switch (kind) {
      case BOOL -> bool(depth);
      case TEXT -> text(depth);
      default -> number(kind, depth);
    };
  }

  Expr bool(int depth) {
    if (depth <= 0 || random.chance(0.1)) {
      return leaf(Kind.BOOL);
    }
    int d = depth - 1;
    switch (random.nextInt(12)) {
      case 0, 1, 2 -> {
        Kind kind = comparable();
        String op = pick(random, List.of("=", "<>", "<", "<=", ">", ">="));
        return call("($1 " + op + " $2)", Kind.BOOL, of(kind, d), of(compatible(kind), d));
      }
      case 3 -> {
        return call("($1 AND $2)", Kind.BOOL, bool(d), bool(d));
      }
      case 4 -> {
        return call("($1 OR $2)", Kind.BOOL, bool(d), bool(d));
      }
      case 5 -> {
        return call("(NOT $1)", Kind.BOOL, bool(d));
      }
      case 6 -> {
        Kind kind = anyKind();
        return call(random.chance(0.5) ? "($1 IS NULL)" : "($1 IS NOT NULL)", Kind.BOOL, of(kind, d));
      }
      case 7 -> {
        Kind kind = comparable();
        return call(random.chance(0.8) ? "($1 BETWEEN $2 AND $3)" : "($1 NOT BETWEEN $2 AND $3)", Kind.BOOL,
            of(kind, d), leaf(kind), leaf(kind));
      }
      case 8 -> {
        Kind kind = comparable();
        int n = 1 + random.nextInt(4);
        List<Expr> operands = new ArrayList<>();
        operands.add(of(kind, d));
        StringBuilder template = new StringBuilder("($1 " + (random.chance(0.8) ? "IN" : "NOT IN") + " (");
        for (int i = 0; i < n; i++) {
          operands.add(leaf(kind));
          template.append(i == 0 ? "" : ", ").append('$').append(i + 2);
        }
        return new Call(template.append("))").toString(), Kind.BOOL, List.copyOf(operands));
      }
      case 9 -> {
        return call("($1 LIKE $2)", Kind.BOOL, text(d), new Literal(pick(random,
            List.of("'a%'", "'%b'", "'_'", "'%'", "'世%'", "'%😀%'", "''")), Kind.TEXT));
      }
      case 10 -> {
        return call(pick(random, List.of("($1 IS TRUE)", "($1 IS FALSE)", "($1 IS NOT TRUE)", "($1 IS NOT FALSE)")),
            Kind.BOOL, bool(d));
      }
      default -> {
        return call("CASE WHEN $1 THEN $2 ELSE $3 END", Kind.BOOL, bool(d), bool(d), bool(d));
      }
    }
  }

  Expr number(Kind kind, int depth) {
    if (depth <= 0 || random.chance(0.3)) {
      return leaf(kind);
    }
    int d = depth - 1;
    switch (random.nextInt(kind == Kind.INT ? 12 : 9)) {
      case 0, 1 -> {
        return call("($1 " + pick(random, List.of("+", "-", "*")) + " $2)", kind, number(kind, d), number(kind, d));
      }
      case 2 -> {
        return call("(-$1)", kind, number(kind, d));
      }
      case 3 -> {
        return call("ABS($1)", kind, number(kind, d));
      }
      case 4 -> {
        return call("CASE WHEN $1 THEN $2 ELSE $3 END", kind, bool(d), number(kind, d), number(kind, d));
      }
      case 5 -> {
        return call("COALESCE($1, $2)", kind, number(kind, d), number(kind, d));
      }
      case 6 -> {
        return call("NULLIF($1, $2)", kind, number(kind, d), number(kind, d));
      }
      case 7 -> {
        Kind from = pick(random, List.of(Kind.INT, Kind.APPROX, Kind.DECIMAL));
        String type = switch (kind) {
          case INT -> pick(random, List.of("INTEGER", "BIGINT", "SMALLINT"));
          case APPROX -> "DOUBLE";
          default -> "DECIMAL(10, 2)";
        };
        return call("CAST($1 AS " + type + ")", kind, number(from, d));
      }
      case 8 -> {
        return call("($1 / $2)", kind, number(kind, d), number(kind, d));
      }
      case 9 -> {
        return call("MOD($1, $2)", kind, number(kind, d), number(kind, d));
      }
      case 10 -> {
        return call("CHAR_LENGTH($1)", kind, text(d));
      }
      default -> {
        return call("POSITION($1 IN $2)", kind, text(d), text(d));
      }
    }
  }

  Expr text(int depth) {
    if (depth <= 0 || random.chance(0.35)) {
      return leaf(Kind.TEXT);
    }
    int d = depth - 1;
    switch (random.nextInt(7)) {
      case 0 -> {
        return call(random.chance(0.5) ? "UPPER($1)" : "LOWER($1)", Kind.TEXT, text(d));
      }
      case 1 -> {
        int from = random.nextInt(5) - 1;
        int count = random.nextInt(4);
        return call("SUBSTRING($1 FROM " + from + " FOR " + count + ")", Kind.TEXT, text(d));
      }
      case 2 -> {
        return call("SUBSTRING($1 FROM " + (random.nextInt(4) + 1) + ")", Kind.TEXT, text(d));
      }
      case 3 -> {
        return call("($1 || $2)", Kind.TEXT, text(d), text(d));
      }
      case 4 -> {
        return call("CASE WHEN $1 THEN $2 ELSE $3 END", Kind.TEXT, bool(d), text(d), text(d));
      }
      case 5 -> {
        return call("COALESCE($1, $2)", Kind.TEXT, text(d), text(d));
      }
      default -> {
        return call("TRIM($1)", Kind.TEXT, text(d));
      }
    }
  }

  /** A column of {@code kind} if the table has one (most of the time), else a literal. */
  Expr leaf(Kind kind) {
    List<Column> ofKind = columns.stream().filter(c -> c.kind() == kind).toList();
    if (!ofKind.isEmpty() && random.chance(0.6)) {
      return pick(random, ofKind);
    }
    return literal(kind);
  }

  Literal literal(Kind kind) {
    if (random.chance(0.1)) {
      return nullOf(kind);
    }
    String text = switch (kind) {
      case BOOL -> pick(random, List.of("TRUE", "FALSE"));
      case INT -> random.chance(0.1) ? pick(random, List.of("2147483647", "-2147483648", "32767"))
          : Integer.toString(random.nextInt(21) - 10);
      case APPROX -> pick(random, List.of("0.0E0", "1.5E0", "-2.25E0", "2.5E0", "1.0E300"));
      case DECIMAL -> pick(random, List.of("0.00", "1.50", "-3.25", "2.5", "0.005"));
      case TEXT -> pick(random, FuzzTable.TEXTS);
    };
    return new Literal(text, kind);
  }

  static Literal nullOf(Kind kind) {
    String type = switch (kind) {
      case BOOL -> "BOOLEAN";
      case INT -> "INTEGER";
      case APPROX -> "DOUBLE";
      case DECIMAL -> "DECIMAL(8, 2)";
      case TEXT -> "VARCHAR(8)";
    };
    return new Literal("CAST(NULL AS " + type + ")", kind);
  }

  private Kind comparable() {
    return pick(random, List.of(Kind.INT, Kind.INT, Kind.APPROX, Kind.DECIMAL, Kind.TEXT, Kind.TEXT));
  }

  /** A kind that compares with {@code kind}: numbers with numbers, text with text. */
  private Kind compatible(Kind kind) {
    if (kind == Kind.TEXT || kind == Kind.BOOL || random.chance(0.6)) {
      return kind;
    }
    return pick(random, List.of(Kind.INT, Kind.APPROX, Kind.DECIMAL));
  }

  private Kind anyKind() {
    return pick(random, List.of(Kind.values()));
  }

  private static Call call(String template, Kind kind, Expr... operands) {
    return new Call(template, kind, List.of(operands));
  }
}
