package dev.meridian.sql.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql2rel.SqlRexConvertlet;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Calcite's SQL-to-expression convertlets, except that a CASE never hands out a value cast to NOT
 * NULL from a nullable operand. Invariant: every expression a converted CASE builds has a type
 * that holds for every row, not only where a WHEN guards it.
 *
 * <p>Why: the validator rewrites {@code COALESCE(x, y)} into {@code CASE WHEN x IS NOT NULL THEN
 * CAST(x AS T NOT NULL) ELSE y END}. That cast is true only under its guard, but the simplifier
 * treats CAST as strict and removes {@code x IS NOT NULL} from {@code x IS NOT NULL AND 1.5 <>
 * CAST(x AS T NOT NULL)} as implied when unknown counts as false; the code generated for the NOT
 * NULL cast then reads a NULL x as a value, and a row with NULL matched {@code NOT (1.5 =
 * COALESCE(x, NULL))} (found by the randomized tester, seed 14). Here the THEN value is x itself
 * and the CASE takes the type its values give it; where the validated type is NOT NULL (a
 * COALESCE whose fallback cannot be NULL), the whole CASE is cast to it, which is true in every
 * row. (Keeping the NOT NULL type on a CASE with a nullable value is no better: pushing a
 * comparison into the CASE clones the comparison's NOT NULL type onto {@code 2.5 = x}.) This is
 * done during conversion, because the converter's own builder already simplifies what it builds
 * (the select list of an aggregate query, for one).
 */
final class MeridianConvertlets implements SqlRexConvertletTable {

  static final MeridianConvertlets INSTANCE = new MeridianConvertlets();

  private MeridianConvertlets() {}

  @Override
  public SqlRexConvertlet get(SqlCall call) {
    if (call.getKind() == SqlKind.CASE && call instanceof SqlCase) {
      return (cx, sqlCase) -> unguarded(cx.getRexBuilder(),
          StandardConvertletTable.INSTANCE.convertCase(cx, (SqlCase) sqlCase));
    }
    return StandardConvertletTable.INSTANCE.get(call);
  }

  /**
   * {@code converted} (a CASE) with its THEN values freed of NOT NULL casts of nullable operands,
   * typed by its values, and cast as a whole to the type it had if that is NOT NULL.
   */
  private static RexNode unguarded(RexBuilder rexBuilder, RexNode converted) {
    if (!(converted instanceof RexCall call) || call.getKind() != SqlKind.CASE) {
      return converted;
    }
    List<RexNode> operands = new ArrayList<>(call.getOperands());
    boolean changed = false;
    // Operands are WHEN, THEN pairs and the ELSE value last.
    boolean nullable = operands.get(operands.size() - 1).getType().isNullable();
    for (int i = 1; i < operands.size() - 1; i += 2) {
      RexNode value = withoutNotNullCast(rexBuilder, operands.get(i));
      changed |= value != operands.get(i);
      nullable |= value.getType().isNullable();
      operands.set(i, value);
    }
    if (!changed) {
      return call;
    }
    RelDataType type = call.getType();
    RexNode unguarded = rexBuilder.makeCall(call.getParserPosition(),
        rexBuilder.getTypeFactory().createTypeWithNullability(type, nullable), SqlStdOperatorTable.CASE, operands);
    return nullable && !type.isNullable()
        ? rexBuilder.makeAbstractCast(call.getParserPosition(), type, unguarded, false) : unguarded;
  }

  /**
   * {@code value}, or, if it is a chain of casts one of which declares a nullable operand NOT
   * NULL, the same chain keeping the operand's nullability (a cast that then changes nothing is
   * dropped).
   */
  private static RexNode withoutNotNullCast(RexBuilder rexBuilder, RexNode value) {
    if (value.getKind() != SqlKind.CAST || !(value instanceof RexCall cast) || cast.getOperands().size() != 1) {
      return value;
    }
    RexNode operand = cast.getOperands().get(0);
    RexNode inner = withoutNotNullCast(rexBuilder, operand);
    RelDataType type = cast.getType();
    if (inner == operand && (type.isNullable() || !operand.getType().isNullable())) {
      return value;
    }
    RelDataTypeFactory typeFactory = rexBuilder.getTypeFactory();
    RelDataType target = typeFactory.createTypeWithNullability(type, inner.getType().isNullable());
    if (SqlTypeUtil.equalSansNullability(typeFactory, target, inner.getType())) {
      return inner;
    }
    return rexBuilder.makeAbstractCast(cast.getParserPosition(), target, inner, false);
  }
}
