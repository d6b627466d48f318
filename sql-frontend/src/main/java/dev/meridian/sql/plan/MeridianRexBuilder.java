package dev.meridian.sql.plan;

import dev.meridian.sql.exec.SqlExecutionException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's expression builder, except that a numeric literal cast to an integer type folds as
 * PostgreSQL computes it: DECIMAL rounds half away from zero, DOUBLE and REAL half to even
 * ({@code rint}), and a value outside the type's range is 22003. Calcite folds such a cast
 * wherever it is built (the SQL-to-rel converter, the simplifier), truncating approximate values
 * ({@code CAST(3.5E0 AS INTEGER)} was 3) and checking the range before rounding, so {@code
 * CAST(32767.5 AS SMALLINT)} became a SMALLINT literal 32768. Casts of other expressions are
 * handled at run time by {@link StrictSemantics}.
 *
 * <p>And a comparison ({@code =, <>, <, <=, >, >=}) built with a NULL literal operand is built as
 * the NULL literal it evaluates to (as PostgreSQL folds a strict operator with a NULL constant).
 * Calcite's simplifier rebuilds a comparison whose operand it simplified, say {@code NULLIF(1.50,
 * 1.50) >= 2.5} into {@code NULL >= 2.5}, but checks for NULL only on the comparison it was given;
 * the kept {@code NULL >= 2.5} then became a predicate of an AND, where {@code
 * RelOptPredicateList} asserts that no predicate compares with NULL: the statement failed with an
 * AssertionError (XX000; found by the randomized tester, seed 34). Every comparison the simplifier
 * builds from a list of operands comes through {@link #makeCall(SqlParserPos, SqlOperator, List)}.
 */
final class MeridianRexBuilder extends RexBuilder {

  private static final Set<SqlKind> COMPARISONS = EnumSet.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS,
      SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL);

  MeridianRexBuilder(RelDataTypeFactory typeFactory) {
    super(typeFactory);
  }

  @Override
  public RexNode makeCast(SqlParserPos pos, RelDataType type, RexNode exp, boolean matchNullability,
      boolean safe, RexLiteral format) {
    if (!safe && exp instanceof RexLiteral literal && !literal.isNull()
        && SqlTypeName.INT_TYPES.contains(type.getSqlTypeName())
        && (SqlTypeName.APPROX_TYPES.contains(literal.getTypeName()) || literal.getTypeName() == SqlTypeName.DECIMAL)) {
      BigDecimal value = literal.getValueAs(BigDecimal.class);
      if (value != null && value.scale() > 0) {
        RoundingMode mode = literal.getTypeName() == SqlTypeName.DECIMAL ? RoundingMode.HALF_UP : RoundingMode.HALF_EVEN;
        BigDecimal rounded = value.setScale(0, mode);
        checkRange(rounded, type.getSqlTypeName());
        return super.makeCast(pos, type, makeExactLiteral(rounded), matchNullability, false, format);
      }
    }
    return super.makeCast(pos, type, exp, matchNullability, safe, format);
  }

  @Override
  public RexNode makeCall(SqlParserPos pos, SqlOperator op, List<? extends RexNode> exprs) {
    RexNode call = super.makeCall(pos, op, exprs);
    // Not with a dynamic parameter: Calcite's code generator builds `x = ?` for a quantified
    // comparison over an array's elements and needs it to be a call.
    if (COMPARISONS.contains(op.getKind()) && exprs.stream().anyMatch(RexLiteral::isNullLiteral)
        && exprs.stream().noneMatch(RexDynamicParam.class::isInstance)) {
      return makeNullLiteral(call.getType());
    }
    return call;
  }

  private static void checkRange(BigDecimal value, SqlTypeName type) {
    long min;
    long max;
    switch (type) {
      case TINYINT -> {
        min = Byte.MIN_VALUE;
        max = Byte.MAX_VALUE;
      }
      case SMALLINT -> {
        min = Short.MIN_VALUE;
        max = Short.MAX_VALUE;
      }
      case INTEGER -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
      default -> {
        min = Long.MIN_VALUE;
        max = Long.MAX_VALUE;
      }
    }
    if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new SqlExecutionException("22003", type.getName().toLowerCase(Locale.ROOT) + " out of range: " + value);
    }
  }
}
