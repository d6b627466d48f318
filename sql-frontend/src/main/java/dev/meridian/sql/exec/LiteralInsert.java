package dev.meridian.sql.exec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;

/**
 * Plans an {@code INSERT … VALUES} of literals once per shape. Loading scripts send one such
 * statement a row, each with other values; planned as written, each took a full Calcite planning
 * and two Janino compilations (one to fold the literals' casts, one for the plan), about 90% of the
 * statement's time. Here the literals of the VALUES rows become parameters: the statement's
 * {@link #sql shape} ({@code INSERT INTO "T" VALUES (?, ?)}) is planned and cached like a
 * prepared statement, and the literals are its parameter values.
 *
 * <p>Only single-row VALUES are shaped, and only values that mean the same as a parameter and as a literal are taken: a literal must fit
 * its column's type exactly (an integral number for an integer column, a string no longer than a
 * VARCHAR column, a number with no more scale than a DECIMAL column), or the statement is planned
 * as written, so that casts, rounding, padding and errors stay exactly those of the literal.
 */
final class LiteralInsert {

  private final String sql;
  private final List<SqlNode> literals;

  private LiteralInsert(String sql, List<SqlNode> literals) {
    this.sql = sql;
    this.literals = literals;
  }

  /** The shape of {@code statement} when it is an INSERT (or UPSERT) whose VALUES hold literals. */
  static Optional<LiteralInsert> of(SqlNode statement) {
    if (!(statement instanceof SqlInsert insert) || insert.getSource().getKind() != SqlKind.VALUES) {
      return Optional.empty();
    }
    List<SqlNode> literals = new ArrayList<>();
    SqlCall values = (SqlCall) insert.getSource();
    if (values.operandCount() != 1) {
      // A multi-row VALUES already spreads its planning over its rows, and with parameters Calcite
      // would plan it as a union of one projection a row instead of one VALUES.
      return Optional.empty();
    }
    List<SqlNode> rows = new ArrayList<>();
    for (SqlNode row : values.getOperandList()) {
      if (row.getKind() != SqlKind.ROW) {
        return Optional.empty();
      }
      List<SqlNode> items = new ArrayList<>();
      for (SqlNode item : ((SqlCall) row).getOperandList()) {
        if (isLiteral(item)) {
          items.add(new SqlDynamicParam(literals.size(), item.getParserPosition()));
          literals.add(item);
        } else {
          items.add(item);
        }
      }
      rows.add(((SqlCall) row).getOperator().createCall(row.getParserPosition(), items));
    }
    if (literals.isEmpty()) {
      return Optional.empty();
    }
    SqlNode source = values.getOperator().createCall(values.getParserPosition(), rows);
    // Operand 0 is the keyword list (UPSERT among them).
    SqlInsert shape = new SqlInsert(insert.getParserPosition(), (SqlNodeList) insert.getOperandList().get(0),
        insert.getTargetTable(), source, insert.getTargetColumnList());
    return Optional.of(new LiteralInsert(
        shape.toSqlString(config -> config.withDialect(CalciteSqlDialect.DEFAULT)).getSql(), literals));
  }

  /** The statement with its literals as parameters: the plan cache's key, and what is planned. */
  String sql() {
    return sql;
  }

  /**
   * The literals as runtime values of the parameters of the planned shape, or empty when one of
   * them does not fit its parameter's type exactly.
   */
  Optional<List<Object>> parameters(RelDataType parameterRowType) {
    if (parameterRowType == null || parameterRowType.getFieldCount() != literals.size()) {
      return Optional.empty();
    }
    List<Object> values = new ArrayList<>(literals.size());
    for (int i = 0; i < literals.size(); i++) {
      SqlNode literal = literals.get(i);
      if (isNull(literal)) {
        values.add(null);
        continue;
      }
      Optional<Object> value = value(literal, parameterRowType.getFieldList().get(i).getType());
      if (value.isEmpty()) {
        return Optional.empty();
      }
      values.add(value.get());
    }
    return Optional.of(values);
  }

  private static boolean isLiteral(SqlNode node) {
    if (node instanceof SqlNumericLiteral || node instanceof SqlCharStringLiteral || isNull(node)) {
      return true;
    }
    return node.getKind() == SqlKind.MINUS_PREFIX
        && ((SqlBasicCall) node).operand(0) instanceof SqlNumericLiteral;
  }

  private static Optional<Object> value(SqlNode literal, RelDataType type) {
    try {
      if (literal instanceof SqlCharStringLiteral string) {
        String text = string.getValueAs(String.class);
        boolean fits = type.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
            || text.codePointCount(0, text.length()) <= type.getPrecision();
        return switch (type.getSqlTypeName()) {
          case VARCHAR -> fits ? Optional.of(text) : Optional.empty();
          default -> Optional.empty();
        };
      }
      BigDecimal number = literal instanceof SqlNumericLiteral numeric
          ? numeric.getValueAs(BigDecimal.class)
          : ((SqlNumericLiteral) ((SqlBasicCall) literal).operand(0)).getValueAs(BigDecimal.class).negate();
      return switch (type.getSqlTypeName()) {
        case INTEGER -> Optional.of(number.intValueExact());
        case BIGINT -> Optional.of(number.longValueExact());
        case DOUBLE, FLOAT -> Optional.of(number.doubleValue());
        case DECIMAL -> {
          BigDecimal scaled = number.setScale(type.getScale());
          yield scaled.precision() <= type.getPrecision() ? Optional.of(scaled) : Optional.empty();
        }
        default -> Optional.empty();
      };
    } catch (ArithmeticException e) {
      // Not integral, out of range, or more scale than the column has: planned as written.
      return Optional.empty();
    }
  }

  private static boolean isNull(SqlNode node) {
    return SqlUtil.isNullLiteral(node, false);
  }
}
