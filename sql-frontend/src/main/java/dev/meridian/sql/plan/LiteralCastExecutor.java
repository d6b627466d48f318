package dev.meridian.sql.plan;

import dev.meridian.sql.exec.DataErrors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.DataContexts;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexExecutable;
import org.apache.calcite.rex.RexExecutor;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Constant reduction for the planner that folds a numeric literal's cast to DOUBLE (or FLOAT)
 * itself and hands every other expression to Calcite's executor. Calcite's executor compiles Java
 * with Janino for each call; comparing a DOUBLE column with a literal such as {@code 3278.82}
 * (a DECIMAL) makes the simplifier fold {@code CAST(3278.82 AS DOUBLE)} that way, once per literal
 * per rule application: 45% of the planning time of index/in's queries. The value folded here is
 * the one the compiled code computes ({@link BigDecimal#doubleValue()}, the nearest double), made
 * into a literal the same way.
 *
 * <p>It also turns a constant that fails to evaluate into a planning error. Calcite's executor
 * leaves such an expression ({@code 1/0}, {@code SQRT(-1)}) unreduced, and the code Calcite then
 * generates evaluates it in a static initializer: the statement failed with an {@link
 * ExceptionInInitializerError}, and every later run of the same compiled class (Calcite caches
 * them by source) with a {@link NoClassDefFoundError} that no longer says why. PostgreSQL fails
 * such a statement at planning too ("a constant subexpression like 1/0 … at planning time").
 * Only data errors ({@link DataErrors}) are raised; any other failure to reduce keeps Calcite's
 * behaviour of leaving the expression to run time.
 *
 * <p>An expression over a dynamic parameter is never reduced, though Calcite calls it constant
 * ({@link RexUtil#isConstant}: the same for every row of one execution): at planning the parameter
 * has no value, Calcite's executor reads it from an empty data context as NULL, and the cached plan
 * then used NULL for every execution ({@code UPDATE … SET v = CAST(? AS VARCHAR(20))} stored NULL).
 */
final class LiteralCastExecutor implements RexExecutor {

  static final LiteralCastExecutor INSTANCE = new LiteralCastExecutor();

  private LiteralCastExecutor() {}

  @Override
  public void reduce(RexBuilder rexBuilder, List<RexNode> constExps, List<RexNode> reducedValues) {
    if (constExps.stream().anyMatch(LiteralCastExecutor::hasParameter)) {
      for (RexNode expression : constExps) {
        if (hasParameter(expression)) {
          reducedValues.add(expression);
        } else {
          reduce(rexBuilder, List.of(expression), reducedValues);
        }
      }
      return;
    }
    List<RexNode> folded = new ArrayList<>(constExps.size());
    for (RexNode expression : constExps) {
      RexNode value = foldDoubleCast(rexBuilder, expression);
      if (value == null) {
        RexUtil.EXECUTOR.reduce(rexBuilder, constExps, reducedValues);
        raiseDataErrors(rexBuilder, constExps, reducedValues);
        return;
      }
      folded.add(value);
    }
    reducedValues.addAll(folded);
  }

  /**
   * Whether {@code expression} has one value known at planning: constant in Calcite's sense and
   * free of dynamic parameters, whose values come only with each execution of the cached plan.
   */
  static boolean isPlanningConstant(RexNode expression) {
    return RexUtil.isConstant(expression) && !hasParameter(expression);
  }

  private static boolean hasParameter(RexNode expression) {
    boolean[] found = {false};
    expression.accept(new RexVisitorImpl<Void>(true) {
      @Override
      public Void visitDynamicParam(RexDynamicParam parameter) {
        found[0] = true;
        return null;
      }
    });
    return found[0];
  }

  /**
   * Calcite's executor returns every expression unreduced when one fails; this evaluates the
   * unreduced ones alone and throws the first data error found.
   */
  private static void raiseDataErrors(RexBuilder rexBuilder, List<RexNode> constExps, List<RexNode> reducedValues) {
    for (int i = 0; i < constExps.size(); i++) {
      RexNode expression = constExps.get(i);
      if (reducedValues.get(i) != expression || !(expression instanceof RexCall)) {
        continue;
      }
      RexExecutable executable;
      try {
        executable = RexExecutorImpl.getExecutable(rexBuilder, List.of(expression),
            rexBuilder.getTypeFactory().builder().build());
      } catch (RuntimeException compileFailure) {
        continue;
      }
      executable.setDataContext(DataContexts.EMPTY);
      try {
        executable.execute();
      } catch (RuntimeException e) {
        if (DataErrors.isDataError(e)) {
          throw e;
        }
      }
    }
  }

  /** The literal {@code expression} folds to, or null when it is not a numeric literal's cast to DOUBLE. */
  private static RexNode foldDoubleCast(RexBuilder rexBuilder, RexNode expression) {
    if (expression.getKind() != SqlKind.CAST
        || !(((RexCall) expression).getOperands().get(0) instanceof RexLiteral literal)) {
      return null;
    }
    RelDataType type = expression.getType();
    SqlTypeName target = type.getSqlTypeName();
    if ((target != SqlTypeName.DOUBLE && target != SqlTypeName.FLOAT)
        || !SqlTypeFamily.NUMERIC.contains(literal.getType())) {
      return null;
    }
    BigDecimal value = literal.getValueAs(BigDecimal.class);
    if (value == null) {
      return rexBuilder.makeNullLiteral(type);
    }
    return rexBuilder.makeLiteral(value.doubleValue(), type, true);
  }
}
