package dev.meridian.sql.catalog;

import dev.meridian.storage.codec.SqlType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The SQL type of a column as the catalog stores it. {@code precision} is the length of VARCHAR and
 * VARBINARY or the precision of DECIMAL ({@link #UNSPECIFIED} when the type was declared without
 * one); {@code scale} is DECIMAL's scale.
 *
 * <p>In rows, values travel in Calcite's runtime representation (see {@link
 * dev.meridian.sql.row.Values}); this type says how each is encoded in keys and values.
 */
public record ColumnType(Kind kind, int precision, int scale) {

  public static final int UNSPECIFIED = -1;

  /** The types Meridian stores. */
  public enum Kind {
    BOOLEAN(SqlTypeName.BOOLEAN, SqlType.BOOLEAN),
    SMALLINT(SqlTypeName.SMALLINT, SqlType.INTEGER),
    INTEGER(SqlTypeName.INTEGER, SqlType.INTEGER),
    BIGINT(SqlTypeName.BIGINT, SqlType.BIGINT),
    REAL(SqlTypeName.REAL, SqlType.DOUBLE),
    DOUBLE(SqlTypeName.DOUBLE, SqlType.DOUBLE),
    DECIMAL(SqlTypeName.DECIMAL, SqlType.DECIMAL),
    VARCHAR(SqlTypeName.VARCHAR, SqlType.VARCHAR),
    VARBINARY(SqlTypeName.VARBINARY, SqlType.VARBINARY),
    DATE(SqlTypeName.DATE, SqlType.DATE),
    TIMESTAMP(SqlTypeName.TIMESTAMP, SqlType.TIMESTAMP);

    final SqlTypeName calciteType;
    final SqlType codecType;

    Kind(SqlTypeName calciteType, SqlType codecType) {
      this.calciteType = calciteType;
      this.codecType = codecType;
    }
  }

  public ColumnType {
    if (kind == Kind.DECIMAL && precision != UNSPECIFIED && (scale < 0 || scale > precision)) {
      throw new IllegalArgumentException("DECIMAL scale must be between 0 and the precision");
    }
  }

  public static ColumnType of(Kind kind) {
    return new ColumnType(kind, UNSPECIFIED, 0);
  }

  /** The type of the key codec that stores values of this column. */
  public SqlType codecType() {
    return kind.codecType;
  }

  public SqlTypeName calciteTypeName() {
    return kind.calciteType;
  }

  /** This type in Calcite's type system. */
  public RelDataType toRelDataType(RelDataTypeFactory typeFactory, boolean nullable) {
    RelDataType type;
    if (precision == UNSPECIFIED) {
      type = typeFactory.createSqlType(kind.calciteType);
    } else if (kind == Kind.DECIMAL) {
      type = typeFactory.createSqlType(kind.calciteType, precision, scale);
    } else {
      type = typeFactory.createSqlType(kind.calciteType, precision);
    }
    return typeFactory.createTypeWithNullability(type, nullable);
  }

  /**
   * The catalog type for a Calcite type, or an exception naming the type Meridian cannot store.
   */
  public static ColumnType fromRelDataType(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    int precision = type.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
        ? UNSPECIFIED : type.getPrecision();
    return switch (name) {
      case BOOLEAN -> of(Kind.BOOLEAN);
      case TINYINT, SMALLINT -> of(Kind.SMALLINT);
      case INTEGER -> of(Kind.INTEGER);
      case BIGINT -> of(Kind.BIGINT);
      case REAL -> of(Kind.REAL);
      case FLOAT, DOUBLE -> of(Kind.DOUBLE);
      case DECIMAL -> new ColumnType(Kind.DECIMAL, precision,
          type.getScale() == RelDataType.SCALE_NOT_SPECIFIED ? 0 : type.getScale());
      case CHAR, VARCHAR -> new ColumnType(Kind.VARCHAR, precision, 0);
      case BINARY, VARBINARY -> new ColumnType(Kind.VARBINARY, precision, 0);
      case DATE -> of(Kind.DATE);
      case TIMESTAMP -> of(Kind.TIMESTAMP);
      default -> throw new IllegalArgumentException("type " + name + " is not supported in tables");
    };
  }

  /** The type as SQL text, e.g. {@code DECIMAL(10, 2)}. */
  public String toSql() {
    if (precision == UNSPECIFIED) {
      return kind.name();
    }
    return kind == Kind.DECIMAL
        ? kind.name() + "(" + precision + ", " + scale + ")"
        : kind.name() + "(" + precision + ")";
  }

  @Override
  public String toString() {
    return toSql();
  }
}
