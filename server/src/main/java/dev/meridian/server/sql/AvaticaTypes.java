package dev.meridian.server.sql;

import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.sql.exec.ResultColumn;
import dev.meridian.sql.exec.SqlExecutionException;
import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ColumnMetaData.Rep;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Moves SQL values between the engine's Calcite runtime representation (see {@code
 * dev.meridian.sql.row.Values}) and Avatica's wire forms, and describes result columns and
 * parameters to the client.
 *
 * <pre>
 * SQL type   runtime (engine)     column rep   frame value   JDBC getter on the client
 * BOOLEAN    Boolean              BOOLEAN      Boolean       getBoolean
 * SMALLINT   Short                SHORT        Short         getShort
 * INTEGER    Integer              INTEGER      Integer       getInt
 * BIGINT     Long                 LONG         Long          getLong
 * REAL       Float                FLOAT        Float         getFloat
 * DOUBLE     Double               DOUBLE       Double        getDouble
 * DECIMAL    BigDecimal           NUMBER       BigDecimal    getBigDecimal
 * VARCHAR    String               STRING       String        getString
 * VARBINARY  ByteString           BYTE_STRING  byte[]        getBytes
 * DATE       Integer epoch days   INTEGER      Integer       getDate (Avatica's date-from-number)
 * TIMESTAMP  Long epoch millis    LONG         Long          getTimestamp (timestamp-from-number)
 * </pre>
 *
 * DATE and TIMESTAMP travel as numbers, as Calcite's own server sends them: the client turns
 * them into {@code java.sql.Date}/{@code Timestamp} in its connection's time zone, the inverse of
 * what it does to parameters it sends, so a value round-trips unchanged. Binary values go as
 * {@code byte[]}: Avatica's protobuf writer knows byte arrays, not its own {@link ByteString}.
 */
public final class AvaticaTypes {

  private AvaticaTypes() {}

  /** Result columns of {@code rowType}, for a signature, with nothing known of their origins. */
  public static List<ColumnMetaData> columns(RelDataType rowType) {
    return columns(rowType, List.of());
  }

  /**
   * Result columns of {@code rowType}, for a signature (ResultSetMetaData on the client). {@code
   * origins} (one per field, or empty) says which table column each reads: that gives the table
   * and schema names, the declared VARCHAR/VARBINARY length (the planner sees those columns as
   * unbounded) and whether the column is writable. As JDBC asks, table and schema names are ""
   * for a computed column, and there are no catalogs (""). Meridian has no auto-increment columns.
   */
  public static List<ColumnMetaData> columns(RelDataType rowType, List<ResultColumn> origins) {
    List<ColumnMetaData> columns = new ArrayList<>();
    if (rowType == null) {
      return columns;
    }
    for (RelDataTypeField field : rowType.getFieldList()) {
      int i = field.getIndex();
      ResultColumn origin = i < origins.size() ? origins.get(i) : ResultColumn.COMPUTED;
      columns.add(column(i, field.getName(), field.getType(), origin));
    }
    return columns;
  }

  static ColumnMetaData column(int ordinal, String name, RelDataType type, ResultColumn origin) {
    SqlTypeName typeName = type.getSqlTypeName();
    int jdbcType = jdbcType(typeName);
    Rep rep = rep(typeName);
    int length = declaredLength(type, origin);
    int precision = jdbcPrecision(typeName, type, length);
    boolean fromTable = origin.declared() != null;
    return new ColumnMetaData(
        ordinal,
        false,
        typeName == SqlTypeName.CHAR || typeName == SqlTypeName.VARCHAR,
        true,
        false,
        type.isNullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
        isSigned(typeName),
        displaySize(typeName, precision),
        name,
        name,
        origin.schema() == null ? "" : origin.schema(),
        precision,
        jdbcScale(typeName, type),
        origin.table() == null ? "" : origin.table(),
        "",
        ColumnMetaData.scalar(jdbcType, typeName(typeName), rep),
        !fromTable,
        fromTable,
        false,
        jdbcClassName(typeName));
  }

  /**
   * The length of a character or binary column: its declared length when it reads a table column,
   * else the type's own; {@link Integer#MAX_VALUE} when unbounded (VARCHAR without a length).
   */
  private static int declaredLength(RelDataType type, ResultColumn origin) {
    if (origin.declared() != null && origin.declared().precision() != ColumnType.UNSPECIFIED) {
      return origin.declared().precision();
    }
    int precision = type.getPrecision();
    return precision == RelDataType.PRECISION_NOT_SPECIFIED || precision <= 0 ? Integer.MAX_VALUE : precision;
  }

  /**
   * JDBC's precision: digits for numbers, characters or bytes for strings, and for dates and times
   * the length of their text ({@code yyyy-mm-dd} is 10, {@code hh:mm:ss} 8, {@code yyyy-mm-dd
   * hh:mm:ss.fff} 23).
   */
  private static int jdbcPrecision(SqlTypeName typeName, RelDataType type, int length) {
    return switch (typeName) {
      case CHAR, VARCHAR, BINARY, VARBINARY -> length;
      case DATE -> 10;
      case TIME -> 8 + fractionText(type);
      case TIMESTAMP -> 19 + fractionText(type);
      default -> precision(type);
    };
  }

  /** The characters a fraction of seconds takes in text: its point and digits. */
  private static int fractionText(RelDataType type) {
    int digits = type.getPrecision();
    return digits > 0 && digits != RelDataType.PRECISION_NOT_SPECIFIED ? digits + 1 : 0;
  }

  /** JDBC's scale: DECIMAL's, and the digits of the seconds' fraction of TIME and TIMESTAMP. */
  private static int jdbcScale(SqlTypeName typeName, RelDataType type) {
    return switch (typeName) {
      case DECIMAL -> type.getScale() != RelDataType.SCALE_NOT_SPECIFIED ? type.getScale() : 0;
      case TIME, TIMESTAMP -> Math.max(0, type.getPrecision());
      default -> 0;
    };
  }

  /** Parameters of a prepared statement, from the engine's parameter row type. */
  public static List<AvaticaParameter> parameters(RelDataType parameterRowType) {
    List<AvaticaParameter> parameters = new ArrayList<>();
    if (parameterRowType == null) {
      return parameters;
    }
    for (RelDataTypeField field : parameterRowType.getFieldList()) {
      RelDataType type = field.getType();
      SqlTypeName typeName = type.getSqlTypeName();
      parameters.add(new AvaticaParameter(
          isSigned(typeName),
          precision(type),
          typeName == SqlTypeName.DECIMAL && type.getScale() != RelDataType.SCALE_NOT_SPECIFIED
              ? type.getScale() : 0,
          jdbcType(typeName),
          typeName(typeName),
          jdbcClassName(typeName),
          field.getName()));
    }
    return parameters;
  }

  /**
   * The engine's runtime value for each parameter the client sent, in the type the statement
   * expects. A client may bind a value of a neighbouring type ({@code setInt} for a BIGINT
   * parameter, {@code setString} for a DECIMAL one); Calcite's generated code casts parameters to
   * the exact runtime class, so the conversion happens here, where a bad value is a clean 22018.
   */
  public static List<Object> parameterValues(List<TypedValue> values, RelDataType parameterRowType) {
    List<Object> result = new ArrayList<>(values == null ? 0 : values.size());
    if (values == null) {
      return result;
    }
    List<RelDataTypeField> fields = parameterRowType == null ? List.of() : parameterRowType.getFieldList();
    for (int i = 0; i < values.size(); i++) {
      TypedValue typed = values.get(i);
      Object local = typed == null ? null : typed.toLocal();
      SqlTypeName expected = i < fields.size() ? fields.get(i).getType().getSqlTypeName() : null;
      result.add(expected == null ? local : coerce(local, expected, i + 1));
    }
    return result;
  }

  /** {@code value} (an Avatica local value) as the runtime value of a parameter of type {@code type}. */
  static Object coerce(Object value, SqlTypeName type, int position) {
    if (value == null) {
      return null;
    }
    try {
      return switch (type) {
        case BOOLEAN -> value instanceof Boolean ? value : Boolean.valueOf(parseBoolean(value.toString()));
        case TINYINT, SMALLINT -> number(value).shortValue();
        case INTEGER -> value instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.valueOf(value.toString().trim());
        case BIGINT -> value instanceof Number n ? n.longValue() : Long.valueOf(value.toString().trim());
        case REAL -> number(value).floatValue();
        case FLOAT, DOUBLE -> number(value).doubleValue();
        case DECIMAL -> value instanceof BigDecimal d ? d : new BigDecimal(value.toString().trim());
        case CHAR, VARCHAR -> value instanceof ByteString ? value : value.toString();
        case BINARY, VARBINARY -> value instanceof ByteString ? value : value instanceof byte[] bytes
            ? new ByteString(bytes) : fail(value, type, position);
        case DATE -> value instanceof Number n ? Integer.valueOf(n.intValue())
            : Integer.valueOf((int) java.time.LocalDate.parse(value.toString().trim()).toEpochDay());
        case TIME -> value instanceof Number n ? Integer.valueOf(n.intValue())
            : Integer.valueOf((int) (java.time.LocalTime.parse(value.toString().trim()).toNanoOfDay() / 1_000_000L));
        case TIMESTAMP -> value instanceof Number n ? Long.valueOf(n.longValue())
            : Long.valueOf(java.sql.Timestamp.valueOf(value.toString().trim()).toLocalDateTime()
                .toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
        default -> value;
      };
    } catch (NumberFormatException | ArithmeticException | java.time.DateTimeException e) {
      return fail(value, type, position);
    } catch (IllegalArgumentException e) {
      return fail(value, type, position);
    }
  }

  private static Number number(Object value) {
    return value instanceof Number n ? n : new BigDecimal(value.toString().trim());
  }

  private static boolean parseBoolean(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("true") || t.equals("1")) {
      return true;
    }
    if (t.equals("false") || t.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException(text);
  }

  private static Object fail(Object value, SqlTypeName type, int position) {
    throw new SqlExecutionException("22018", "parameter " + position + ": cannot use "
        + value.getClass().getSimpleName() + " value '" + value + "' as " + type
        + "; bind a value of the parameter's type");
  }

  /** A result row from runtime values to frame values; the array is rewritten in place. */
  public static Object[] toFrameRow(Object[] row) {
    for (int i = 0; i < row.length; i++) {
      if (row[i] instanceof ByteString bytes) {
        row[i] = bytes.getBytes();
      }
    }
    return row;
  }

  static int jdbcType(SqlTypeName typeName) {
    return switch (typeName) {
      case BOOLEAN -> Types.BOOLEAN;
      case TINYINT -> Types.TINYINT;
      case SMALLINT -> Types.SMALLINT;
      case INTEGER -> Types.INTEGER;
      case BIGINT -> Types.BIGINT;
      case REAL -> Types.REAL;
      case FLOAT, DOUBLE -> Types.DOUBLE;
      case DECIMAL -> Types.DECIMAL;
      case CHAR -> Types.CHAR;
      case VARCHAR -> Types.VARCHAR;
      case BINARY -> Types.BINARY;
      case VARBINARY -> Types.VARBINARY;
      case DATE -> Types.DATE;
      case TIME -> Types.TIME;
      case TIMESTAMP -> Types.TIMESTAMP;
      case NULL -> Types.NULL;
      default -> Types.OTHER;
    };
  }

  static String typeName(SqlTypeName typeName) {
    return switch (typeName) {
      case FLOAT -> "DOUBLE";
      case CHAR -> "CHAR";
      default -> typeName.getName();
    };
  }

  private static Rep rep(SqlTypeName typeName) {
    return switch (typeName) {
      case BOOLEAN -> Rep.BOOLEAN;
      case TINYINT -> Rep.BYTE;
      case SMALLINT -> Rep.SHORT;
      case INTEGER, DATE, TIME -> Rep.INTEGER;
      case BIGINT, TIMESTAMP -> Rep.LONG;
      case REAL -> Rep.FLOAT;
      case FLOAT, DOUBLE -> Rep.DOUBLE;
      case DECIMAL -> Rep.NUMBER;
      case CHAR, VARCHAR -> Rep.STRING;
      case BINARY, VARBINARY -> Rep.BYTE_STRING;
      default -> Rep.OBJECT;
    };
  }

  private static String jdbcClassName(SqlTypeName typeName) {
    return switch (typeName) {
      case BOOLEAN -> Boolean.class.getName();
      case TINYINT -> Byte.class.getName();
      case SMALLINT -> Short.class.getName();
      case INTEGER -> Integer.class.getName();
      case BIGINT -> Long.class.getName();
      case REAL -> Float.class.getName();
      case FLOAT, DOUBLE -> Double.class.getName();
      case DECIMAL -> BigDecimal.class.getName();
      case CHAR, VARCHAR -> String.class.getName();
      case BINARY, VARBINARY -> byte[].class.getName();
      case DATE -> java.sql.Date.class.getName();
      case TIME -> java.sql.Time.class.getName();
      case TIMESTAMP -> java.sql.Timestamp.class.getName();
      default -> Object.class.getName();
    };
  }

  private static boolean isSigned(SqlTypeName typeName) {
    return switch (typeName) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, REAL, FLOAT, DOUBLE, DECIMAL -> true;
      default -> false;
    };
  }

  private static int precision(RelDataType type) {
    int precision = type.getPrecision();
    return precision == RelDataType.PRECISION_NOT_SPECIFIED ? 0 : precision;
  }

  /** Characters the longest value's text takes: sign and point included for numbers. */
  private static int displaySize(SqlTypeName typeName, int precision) {
    return switch (typeName) {
      case BOOLEAN -> 5;
      case TINYINT -> 4;
      case SMALLINT -> 6;
      case INTEGER -> 11;
      case BIGINT -> 20;
      case REAL, FLOAT, DOUBLE -> 24;
      case DECIMAL -> precision + 2;
      // Hexadecimal text: two characters a byte.
      case BINARY, VARBINARY -> precision > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : precision * 2;
      default -> precision > 0 ? precision : Integer.MAX_VALUE;
    };
  }
}
