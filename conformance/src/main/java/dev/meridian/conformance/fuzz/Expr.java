package dev.meridian.conformance.fuzz;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A generated SQL expression, as a tree so that a failing one can be shrunk: {@link #children()}
 * are the sub-expressions the minimizer may put in its place, and {@link #withChildren} rebuilds
 * it around shrunk ones. Every node knows its {@link Kind}, so that a replacement keeps the
 * statement well typed.
 */
sealed interface Expr {

  /** The type family of a value: enough to keep generated SQL valid. */
  enum Kind { BOOL, INT, APPROX, DECIMAL, TEXT }

  Kind kind();

  String sql();

  List<Expr> children();

  Expr withChildren(List<Expr> children);

  /** An expression with no operands. */
  sealed interface Leaf extends Expr {
    @Override
    default List<Expr> children() {
      return List.of();
    }

    @Override
    default Expr withChildren(List<Expr> children) {
      return this;
    }
  }

  /** A column of the table under test. */
  record Column(String name, Kind kind) implements Leaf {
    @Override
    public String sql() {
      return name;
    }
  }

  /** A literal, written as SQL ({@code 12}, {@code 'ab'}, {@code CAST(NULL AS INTEGER)}). */
  record Literal(String text, Kind kind) implements Leaf {
    @Override
    public String sql() {
      return text;
    }
  }

  /**
   * An operator or function applied to operands, written from a template in which {@code $1},
   * {@code $2}, … stand for the operands' SQL: {@code ($1 + $2)}, {@code ($1 IS NULL)}, {@code
   * SUBSTRING($1 FROM 2 FOR 3)}.
   */
  record Call(String template, Kind kind, List<Expr> operands) implements Expr {
    @Override
    public String sql() {
      String out = template;
      for (int i = operands.size(); i >= 1; i--) {
        out = out.replace("$" + i, operands.get(i - 1).sql());
      }
      return out;
    }

    @Override
    public List<Expr> children() {
      return operands;
    }

    @Override
    public Expr withChildren(List<Expr> children) {
      return new Call(template, kind, List.copyOf(children));
    }

    @Override
    public String toString() {
      return sql();
    }
  }

  /** How many nodes the tree has: what the minimizer makes smaller. */
  static int size(Expr expr) {
    return 1 + expr.children().stream().mapToInt(Expr::size).sum();
  }

  static String list(List<Expr> exprs) {
    return exprs.stream().map(Expr::sql).collect(Collectors.joining(", "));
  }
}
