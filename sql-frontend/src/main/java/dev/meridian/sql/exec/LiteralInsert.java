package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.Catalog;
import dev.meridian.sql.parser.MeridianSqlParser;
import dev.meridian.sql.plan.QueryPlanner;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDateLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimestampString;

/**
 * Plans an {@code INSERT … VALUES} of literals once per shape. Loading scripts send one such
 * statement a row, each with other values; planned as written, each took a full Calcite planning
 * and two Janino compilations (one to fold the literals' casts, one for the plan), about 90% of the
 * statement's time. Here the literals of the VALUES rows become parameters: the statement's
 * {@link #sql shape} ({@code INSERT INTO "T" VALUES (?, ?)}) is planned and cached like a
 * prepared statement, and the literals are its parameter values.
 *
 * <p>A shape is the statement with one VALUES row: {@link #of} takes a single-row statement of
 * literals, {@link #ofRow} one row of a multi-row statement, whose own parameters ({@code ?}) then
 * become parameters of the shape as well ({@link MultiRowInsert}). Only values that mean the same
 * as a parameter and as a literal are taken: a literal must fit its column's type exactly (an
 * integral number for an integer column, a string no longer than a VARCHAR column, a number with
 * no more scale than a DECIMAL column, a DATE or TIMESTAMP literal, or a string in their plain ISO
 * form, for such a column, TRUE or FALSE for a BOOLEAN one), or the row is planned as written, so that casts, rounding,
 * padding and errors stay exactly those of the literal.
 */
final class LiteralInsert {

  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern ISO_TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

  private final String sql;
  /** Per parameter of the shape: the literal it stands for, or the statement's own parameter. */
  private final List<SqlNode> sources;

  private LiteralInsert(String sql, List<SqlNode> sources) {
    this.sql = sql;
    this.sources = sources;
  }

  /** The shape of {@code statement} when it is an INSERT (or UPSERT) whose VALUES hold literals. */
  static Optional<LiteralInsert> of(SqlNode statement) {
    if (!(statement instanceof SqlInsert insert) || insert.getSource().getKind() != SqlKind.VALUES) {
      return Optional.empty();
    }
    SqlCall values = (SqlCall) insert.getSource();
    if (values.operandCount() != 1) {
      // A multi-row VALUES is run a row at a time through the shape of one row (MultiRowInsert):
      // planned as written, Calcite compiles all its rows into one method, which fails past a few
      // thousand rows, and with parameters it plans a union of one projection a row.
      return Optional.empty();
    }
    Optional<LiteralInsert> shape = ofRow(insert, values.operand(0));
    return shape.filter(s -> s.sources.stream().noneMatch(SqlDynamicParam.class::isInstance));
  }

  /**
   * The shape of {@code insert} with {@code row} as its only VALUES row: each literal of the row, and
   * each of the statement's parameters in it, becomes a parameter of the shape. Empty when the row is
   * not a ROW or has neither.
   */
  static Optional<LiteralInsert> ofRow(SqlInsert insert, SqlNode row) {
    if (row.getKind() != SqlKind.ROW) {
      return Optional.empty();
    }
    List<SqlNode> sources = new ArrayList<>();
    List<SqlNode> items = new ArrayList<>();
    for (SqlNode item : ((SqlCall) row).getOperandList()) {
      if (isLiteral(item) || item instanceof SqlDynamicParam) {
        items.add(new SqlDynamicParam(sources.size(), item.getParserPosition()));
        sources.add(item);
      } else {
        items.add(item);
      }
    }
    if (sources.isEmpty()) {
      return Optional.empty();
    }
    SqlCall values = (SqlCall) insert.getSource();
    SqlNode source = values.getOperator().createCall(values.getParserPosition(),
        List.of(((SqlCall) row).getOperator().createCall(row.getParserPosition(), items)));
    return Optional.of(new LiteralInsert(unparse(withSource(insert, source)), sources));
  }

  /** {@code insert} with another source (keywords, UPSERT among them, target and columns kept). */
  static SqlInsert withSource(SqlInsert insert, SqlNode source) {
    // Operand 0 is the keyword list (UPSERT among them).
    return new SqlInsert(insert.getParserPosition(), (SqlNodeList) insert.getOperandList().get(0),
        insert.getTargetTable(), source, insert.getTargetColumnList());
  }

  static String unparse(SqlNode node) {
    return node.toSqlString(config -> config.withDialect(CalciteSqlDialect.DEFAULT)).getSql();
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
    return parameters(parameterRowType, List.of());
  }

  /**
   * As {@link #parameters(RelDataType)}, where the statement's own parameters in the row take
   * their values from {@code statementParameters} (runtime values, already of their types).
   */
  Optional<List<Object>> parameters(RelDataType parameterRowType, List<Object> statementParameters) {
    if (parameterRowType == null || parameterRowType.getFieldCount() != sources.size()) {
      return Optional.empty();
    }
    List<Object> values = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      SqlNode literal = sources.get(i);
      if (literal instanceof SqlDynamicParam parameter) {
        values.add(statementParameter(statementParameters, parameter.getIndex()));
        continue;
      }
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

  /** The statement's parameters in this row, in order. */
  List<Integer> statementParameterIndexes() {
    return sources.stream().filter(SqlDynamicParam.class::isInstance)
        .map(node -> ((SqlDynamicParam) node).getIndex()).toList();
  }

  /** Where the statement's parameters of this row are among the shape's, in order. */
  List<Integer> parameterPositions() {
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      if (sources.get(i) instanceof SqlDynamicParam) {
        positions.add(i);
      }
    }
    return positions;
  }

  /**
   * The plan of the shape, from the engine's plan cache or planned and cached; empty when the shape
   * does not plan: the statement is then planned as written, so that its error names its own
   * values rather than parameters.
   */
  Optional<QueryPlanner.Plan> plan(SqlEngine engine, Catalog catalog) {
    QueryPlanner.Plan plan = engine.cachedPlan(catalog.version(), sql);
    if (plan != null) {
      return Optional.of(plan);
    }
    try {
      plan = engine.planner(catalog).plan(MeridianSqlParser.parse(sql));
    } catch (RuntimeException | SqlParseException e) {
      return Optional.empty();
    }
    engine.cachePlan(catalog.version(), sql, plan);
    return Optional.of(plan);
  }

  static Object statementParameter(List<Object> statementParameters, int index) {
    if (index >= statementParameters.size()) {
      throw new SqlExecutionException("07001", "parameter " + (index + 1) + " has no value");
    }
    return statementParameters.get(index);
  }

  private static boolean isLiteral(SqlNode node) {
    if (node instanceof SqlNumericLiteral || node instanceof SqlCharStringLiteral || isNull(node)
        || node instanceof SqlDateLiteral || node instanceof SqlTimestampLiteral) {
      return true;
    }
    if (node instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.BOOLEAN) {
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
          // Only the plain ISO forms, which every cast reads alike; others get Calcite's cast.
          case DATE -> ISO_DATE.matcher(text).matches()
              ? Optional.of((int) LocalDate.parse(text).toEpochDay()) : Optional.empty();
          case TIMESTAMP -> ISO_TIMESTAMP.matcher(text).matches()
              ? Optional.of(LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli())
              : Optional.empty();
          default -> Optional.empty();
        };
      }
      if (literal instanceof SqlDateLiteral date) {
        return type.getSqlTypeName() == SqlTypeName.DATE
            ? Optional.of(date.getValueAs(DateString.class).getDaysSinceEpoch()) : Optional.empty();
      }
      if (literal instanceof SqlTimestampLiteral timestamp) {
        // Sub-millisecond digits, or more than the column keeps, would be rounded by a cast.
        boolean fits = timestamp.getPrec() <= Math.min(3, type.getPrecision());
        return type.getSqlTypeName() == SqlTypeName.TIMESTAMP && fits
            ? Optional.of(timestamp.getValueAs(TimestampString.class).getMillisSinceEpoch()) : Optional.empty();
      }
      if (literal instanceof SqlLiteral bool && bool.getTypeName() == SqlTypeName.BOOLEAN) {
        return type.getSqlTypeName() == SqlTypeName.BOOLEAN
            ? Optional.of(bool.booleanValue()) : Optional.empty();
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
    } catch (ArithmeticException | DateTimeException e) {
      // Not integral, out of range, more scale than the column has, no such day: planned as written.
      return Optional.empty();
    }
  }

  private static boolean isNull(SqlNode node) {
    return SqlUtil.isNullLiteral(node, false);
  }
}
