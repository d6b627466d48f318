package dev.meridian.sql.plan;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * Rewrites a statement's relational algebra, right after SQL-to-rel conversion and before any
 * optimization, so that it computes what PostgreSQL computes or fails as PostgreSQL fails, never
 * returning a wrong number (see "SQL semantics" in the module README for every difference left).
 *
 * <ul>
 *   <li>{@code +}, {@code -}, {@code *}, {@code /} and unary minus on SMALLINT, INTEGER and BIGINT
 *       become Calcite's checked operators: overflow is 22003, not a wrapped value.
 *   <li>The same on DECIMAL whose result type is at the maximum precision (38 digits) is checked
 *       against that type: a result with more integer digits than it holds is 22003. Below the
 *       maximum the derived type always holds the exact result.
 *   <li>{@code /} on DOUBLE or REAL fails on a zero divisor (22012) and on overflow (22003).
 *   <li>A cast of a DECIMAL or DOUBLE to an integer type rounds as PostgreSQL does (half away
 *       from zero for DECIMAL, half to even for DOUBLE) before Calcite's range-checked cast;
 *       Calcite alone would truncate.
 *   <li>SQRT, LN, LOG10, POWER, EXP, ASIN and ACOS check their domain (2201F, 2201E, 22003)
 *       instead of returning NaN or an infinity.
 *   <li>CHAR_LENGTH (and LENGTH), SUBSTRING, POSITION and explicit casts to VARCHAR(n) count and
 *       cut code points, not UTF-16 units; a negative SUBSTRING length is 22011. UPPER and LOWER
 *       map each code point alone, keeping the length.
 *   <li>Text cast to TIME or TIMESTAMP checks the range of its time fields (22008).
 *   <li>TRIM becomes BTRIM, LTRIM or RTRIM (by its side) taking the string and the trim
 *       characters: Calcite's code for TRIM loses its side inside
 *       a CASE branch ({@link MeridianFunctions#trimBoth}).
 * </ul>
 *
 * <p>Each replacement is a deterministic function, so the planner still folds it when its
 * arguments are constant, and an error it raises then is a planning error with its SQLSTATE.
 * Integer division and MOD by zero need nothing here: Java's own integer division raises it.
 */
final class StrictSemantics extends RelHomogeneousShuttle {

  private static final Map<String, SqlOperator> FUNCTIONS = Map.ofEntries(
      function("SQRT", "sqrt", double.class),
      function("LN", "ln", double.class),
      function("LOG10", "log10", double.class),
      function("POWER", "power", double.class, double.class),
      function("EXP", "exp", double.class),
      function("ASIN", "asin", double.class),
      function("ACOS", "acos", double.class));

  private static final SqlOperator CHECK_DECIMAL =
      udf("CHECK_DECIMAL", ReturnTypes.ARG0, "checkDecimal", java.math.BigDecimal.class, int.class);
  private static final SqlOperator DIVIDE =
      udf("/", ReturnTypes.LEAST_RESTRICTIVE, "divide", double.class, double.class);
  private static final SqlOperator ROUND_DECIMAL = udf("ROUND_FOR_CAST", ReturnTypes.ARG0, "roundForIntegerCast",
      java.math.BigDecimal.class);
  private static final SqlOperator ROUND_DOUBLE =
      udf("ROUND_FOR_CAST", ReturnTypes.ARG0, "roundForIntegerCast", double.class);
  private static final SqlOperator CHAR_LENGTH =
      udf("CHAR_LENGTH", ReturnTypes.INTEGER_NULLABLE, "charLength", String.class);
  private static final SqlOperator SUBSTRING_FROM =
      udf("SUBSTRING", ReturnTypes.ARG0_NULLABLE_VARYING, "substring", String.class, int.class);
  private static final SqlOperator SUBSTRING_FOR =
      udf("SUBSTRING", ReturnTypes.ARG0_NULLABLE_VARYING, "substring", String.class, int.class, int.class);
  private static final SqlOperator POSITION =
      udf("POSITION", ReturnTypes.INTEGER_NULLABLE, "position", String.class, String.class);
  private static final SqlOperator POSITION_FROM =
      udf("POSITION", ReturnTypes.INTEGER_NULLABLE, "position", String.class, String.class, int.class);
  private static final SqlOperator UPPER = udf("UPPER", ReturnTypes.ARG0, "upper", String.class);
  private static final SqlOperator LOWER = udf("LOWER", ReturnTypes.ARG0, "lower", String.class);
  private static final SqlOperator CHECK_TIME = udf("CHECK_TIME", ReturnTypes.ARG0, "checkTimeFields", String.class);
  /** Its type is the cast's, given where it is made; re-derived, a VARCHAR of the operand's length. */
  private static final SqlOperator TRUNCATE =
      udf("CAST", ReturnTypes.ARG0_NULLABLE_VARYING, "truncate", String.class, int.class);

  private static final Map<SqlTrimFunction.Flag, SqlOperator> TRIMS = Map.of(
      SqlTrimFunction.Flag.BOTH, trim("BTRIM", "trimBoth"),
      SqlTrimFunction.Flag.LEADING, trim("LTRIM", "trimLeading"),
      SqlTrimFunction.Flag.TRAILING, trim("RTRIM", "trimTrailing"));

  private static final List<String> LENGTH_NAMES = List.of("CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH");

  private final Rewriter rewriter;
  private final Folder folder;

  private StrictSemantics(RexBuilder rexBuilder) {
    this.rewriter = new Rewriter(rexBuilder);
    this.folder = new Folder(rexBuilder);
  }

  /** {@code rel} with every expression in it, subqueries included, rewritten. */
  static RelNode rewrite(RelNode rel) {
    return rel.accept(new StrictSemantics(rel.getCluster().getRexBuilder()));
  }

  @Override
  public RelNode visit(RelNode other) {
    return super.visit(other).accept(rewriter).accept(folder);
  }

  /**
   * Folds each largest constant expression that can fail, so that its error is a planning error.
   * Meridian's planner registers none of Calcite's reduce-expressions rules (their Janino compile
   * per expression costs too much planning time), so a constant such as {@code 1/0} used to reach
   * the generated code, which evaluates constants in a static initializer: the statement failed
   * with an {@link ExceptionInInitializerError} and every later run of the cached class with a
   * {@link NoClassDefFoundError} that no longer said why. Only expressions with an operator that
   * can raise a data error are folded, so the cost falls on statements that have them. An
   * expression over a dynamic parameter is left to run time: it has no value at planning.
   */
  private static final class Folder extends RexShuttle {
    private final RexBuilder rexBuilder;

    Folder(RexBuilder rexBuilder) {
      this.rexBuilder = rexBuilder;
    }

    @Override
    public RexNode visitSubQuery(RexSubQuery subQuery) {
      return subQuery;
    }

    @Override
    public RexNode visitCall(RexCall call) {
      if (LiteralCastExecutor.isPlanningConstant(call) && mayFail(call)) {
        List<RexNode> reduced = new java.util.ArrayList<>(1);
        LiteralCastExecutor.INSTANCE.reduce(rexBuilder, List.of(call), reduced);
        return reduced.get(0);
      }
      return super.visitCall(call);
    }

    private static boolean mayFail(RexNode node) {
      if (!(node instanceof RexCall call)) {
        return false;
      }
      SqlOperator operator = call.getOperator();
      boolean fails = operator instanceof SqlUserDefinedFunction
          || operator == SqlStdOperatorTable.CHECKED_PLUS || operator == SqlStdOperatorTable.CHECKED_MINUS
          || operator == SqlStdOperatorTable.CHECKED_MULTIPLY || operator == SqlStdOperatorTable.CHECKED_DIVIDE
          || operator == SqlStdOperatorTable.CHECKED_UNARY_MINUS
          || call.getKind() == SqlKind.DIVIDE || call.getKind() == SqlKind.MOD
          || (call.getKind() == SqlKind.CAST && !(call.getOperands().get(0) instanceof org.apache.calcite.rex.RexLiteral
              && SqlTypeName.APPROX_TYPES.contains(call.getType().getSqlTypeName())));
      return fails || call.getOperands().stream().anyMatch(Folder::mayFail);
    }
  }

  private final class Rewriter extends RexShuttle {
    private final RexBuilder rexBuilder;

    Rewriter(RexBuilder rexBuilder) {
      this.rexBuilder = rexBuilder;
    }

    @Override
    public RexNode visitSubQuery(RexSubQuery subQuery) {
      RexSubQuery visited = (RexSubQuery) super.visitSubQuery(subQuery);
      RelNode rel = visited.rel.accept(StrictSemantics.this);
      return rel == visited.rel ? visited : visited.clone(rel);
    }

    @Override
    public RexNode visitCall(RexCall original) {
      RexCall call = (RexCall) super.visitCall(original);
      RelDataType type = call.getType();
      SqlTypeName result = type.getSqlTypeName();
      List<RexNode> operands = call.getOperands();
      String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
      switch (call.getKind()) {
        case PLUS, MINUS, TIMES, DIVIDE, MINUS_PREFIX -> {
          return arithmetic(call, result);
        }
        case CAST -> {
          return cast(call, type, operands.get(0));
        }
        case TRIM -> {
          if (operands.get(0) instanceof RexLiteral side
              && side.getValue() instanceof SqlTrimFunction.Flag flag
              && allCharacter(operands.subList(1, 3))) {
            return rexBuilder.makeCall(type, TRIMS.get(flag), List.of(operands.get(2), operands.get(1)));
          }
          return call;
        }
        case POSITION -> {
          if (allCharacter(operands.subList(0, 2))) {
            return rexBuilder.makeCall(type, operands.size() == 2 ? POSITION : POSITION_FROM, operands);
          }
          return call;
        }
        default -> { }
      }
      if (FUNCTIONS.containsKey(name) && call.getOperator().getSyntax() == org.apache.calcite.sql.SqlSyntax.FUNCTION
          && !(call.getOperator() instanceof SqlUserDefinedFunction)) {
        return rexBuilder.makeCall(type, FUNCTIONS.get(name), operands.stream().map(this::asDouble).toList());
      }
      if ((call.getOperator() == SqlStdOperatorTable.UPPER || call.getOperator() == SqlStdOperatorTable.LOWER)
          && allCharacter(operands)) {
        return rexBuilder.makeCall(type, call.getOperator() == SqlStdOperatorTable.UPPER ? UPPER : LOWER, operands);
      }
      if (LENGTH_NAMES.contains(name) && operands.size() == 1 && allCharacter(operands)) {
        return rexBuilder.makeCall(type, CHAR_LENGTH, operands);
      }
      if (call.getOperator() == SqlStdOperatorTable.SUBSTRING && allCharacter(operands.subList(0, 1))) {
        List<RexNode> arguments = List.of(operands.get(0), asInteger(operands.get(1)));
        if (operands.size() == 3) {
          arguments = List.of(operands.get(0), asInteger(operands.get(1)), asInteger(operands.get(2)));
        }
        return rexBuilder.makeCall(type, operands.size() == 2 ? SUBSTRING_FROM : SUBSTRING_FOR, arguments);
      }
      return call;
    }

    private RexNode arithmetic(RexCall call, SqlTypeName result) {
      SqlOperator checked = switch (call.getKind()) {
        case PLUS -> SqlStdOperatorTable.CHECKED_PLUS;
        case MINUS -> SqlStdOperatorTable.CHECKED_MINUS;
        case TIMES -> SqlStdOperatorTable.CHECKED_MULTIPLY;
        case DIVIDE -> SqlStdOperatorTable.CHECKED_DIVIDE;
        default -> SqlStdOperatorTable.CHECKED_UNARY_MINUS;
      };
      if (result == SqlTypeName.SMALLINT || result == SqlTypeName.INTEGER || result == SqlTypeName.BIGINT
          || result == SqlTypeName.TINYINT) {
        return rexBuilder.makeCall(call.getType(), checked, call.getOperands());
      }
      if (result == SqlTypeName.DECIMAL && call.getKind() != SqlKind.DIVIDE
          && call.getType().getPrecision() >= MeridianTypeSystem.MAX_DECIMAL_DIGITS) {
        RelDataType type = call.getType();
        return rexBuilder.makeCall(type, CHECK_DECIMAL, List.of(call,
            rexBuilder.makeExactLiteral(java.math.BigDecimal.valueOf(type.getPrecision() - type.getScale()))));
      }
      if ((result == SqlTypeName.DOUBLE || result == SqlTypeName.REAL || result == SqlTypeName.FLOAT)
          && call.getKind() == SqlKind.DIVIDE) {
        return rexBuilder.makeCall(call.getType(), DIVIDE, call.getOperands().stream().map(this::asDouble).toList());
      }
      return call;
    }

    private RexNode cast(RexCall call, RelDataType target, RexNode operand) {
      SqlTypeName to = target.getSqlTypeName();
      SqlTypeName from = operand.getType().getSqlTypeName();
      boolean toInteger = SqlTypeName.INT_TYPES.contains(to);
      if (toInteger && from == SqlTypeName.DECIMAL && operand.getType().getScale() > 0) {
        return rexBuilder.makeAbstractCast(target, rounded(ROUND_DECIMAL, operand), false);
      }
      if (toInteger && SqlTypeName.APPROX_TYPES.contains(from)) {
        return rexBuilder.makeAbstractCast(target, rounded(ROUND_DOUBLE, asDouble(operand)), false);
      }
      if ((to == SqlTypeName.TIME || to == SqlTypeName.TIMESTAMP)
          && SqlTypeFamily.CHARACTER.contains(operand.getType())) {
        return rexBuilder.makeAbstractCast(target,
            rexBuilder.makeCall(operand.getType(), CHECK_TIME, List.of(operand)), false);
      }
      if (to == SqlTypeName.VARCHAR && target.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED
          && SqlTypeFamily.CHARACTER.contains(operand.getType())
          && (operand.getType().getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
              || operand.getType().getPrecision() > target.getPrecision())) {
        return rexBuilder.makeCall(target, TRUNCATE,
            List.of(operand, rexBuilder.makeExactLiteral(java.math.BigDecimal.valueOf(target.getPrecision()))));
      }
      return call;
    }

    private RexNode rounded(SqlOperator round, RexNode operand) {
      return rexBuilder.makeCall(operand.getType(), round, List.of(operand));
    }

    private RexNode asDouble(RexNode operand) {
      return as(SqlTypeName.DOUBLE, operand);
    }

    private RexNode asInteger(RexNode operand) {
      return as(SqlTypeName.INTEGER, operand);
    }

    /** {@code operand} cast to {@code type}, keeping its nullability; itself if it has that type. */
    private RexNode as(SqlTypeName type, RexNode operand) {
      if (operand.getType().getSqlTypeName() == type) {
        return operand;
      }
      RelDataType target = rexBuilder.getTypeFactory().createTypeWithNullability(
          rexBuilder.getTypeFactory().createSqlType(type), operand.getType().isNullable());
      return rexBuilder.makeAbstractCast(target, operand, false);
    }

    private static boolean allCharacter(List<RexNode> operands) {
      return operands.stream().allMatch(operand -> SqlTypeFamily.CHARACTER.contains(operand.getType()));
    }
  }

  private static SqlOperator trim(String name, String method) {
    return udf(name, ReturnTypes.ARG0_NULLABLE_VARYING, method, String.class, String.class);
  }

  private static Map.Entry<String, SqlOperator> function(String name, String method, Class<?>... parameters) {
    return Map.entry(name, udf(name, ReturnTypes.DOUBLE_NULLABLE, method, parameters));
  }

  /**
   * An operator named {@code name} whose implementation is {@code MeridianFunctions.method}. The
   * rewrite gives each call its type; {@code returnType} is for a rule that rebuilds the call.
   */
  private static SqlOperator udf(String name, org.apache.calcite.sql.type.SqlReturnTypeInference returnType,
      String method, Class<?>... parameters) {
    Method target;
    try {
      target = MeridianFunctions.class.getMethod(method, parameters);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("MeridianFunctions." + method + Arrays.toString(parameters) + " is missing", e);
    }
    return new SqlUserDefinedFunction(new SqlIdentifier(name, SqlParserPos.ZERO), SqlKind.OTHER_FUNCTION,
        returnType, InferTypes.RETURN_TYPE, null, ScalarFunctionImpl.create(target));
  }
}
