package dev.meridian.sql.plan;

import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's type system with Meridian's choices: {@code CASE WHEN … THEN 'high' ELSE 'low' END} and
 * UNIONs of strings of different lengths are VARCHAR, not blank-padded CHAR (as in PostgreSQL:
 * nobody wants {@code 'low '} back); DECIMAL goes to 38 digits, as in most SQL databases; a
 * TIMESTAMP declared without a precision keeps milliseconds (Calcite's runtime resolution; its
 * default of 0 would silently drop them); rounding half away from zero where a DECIMAL loses digits
 * (a cast to fewer decimal places or to an integer type), as PostgreSQL rounds {@code numeric}:
 * Calcite's default truncates, so {@code CAST(2.5 AS INTEGER)} was 2.
 */
public final class MeridianTypeSystem extends RelDataTypeSystemImpl {

  public static final MeridianTypeSystem INSTANCE = new MeridianTypeSystem();

  static final int MAX_DECIMAL_DIGITS = 38;

  private MeridianTypeSystem() {}

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? MAX_DECIMAL_DIGITS : super.getMaxPrecision(typeName);
  }

  @Override
  public int getDefaultPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.TIMESTAMP ? 3 : super.getDefaultPrecision(typeName);
  }

  @Override
  public java.math.RoundingMode roundingMode() {
    return java.math.RoundingMode.HALF_UP;
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? MAX_DECIMAL_DIGITS : super.getMaxScale(typeName);
  }
}
