package dev.meridian.server.sql;

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

  /** Result columns of {@code rowType}, for a signature. */
  public static List<ColumnMetaData> columns(RelDataType rowType) {
    List<ColumnMetaData> columns = new ArrayList<>();
    if (rowType == null) {
      return columns;
    }
    for (RelDataTypeField field : rowType.getFieldList()) {
      columns.add(column(field.getIndex(), field.getName(), field.getType()));
    }
    return columns;
  }

  static ColumnMetaData column(int ordinal, String name, RelDataType type) {
    SqlTypeName typeName = type.getSqlTypeName();
    int jdbcType = jdbcType(typeName);
    Rep rep = rep(typeName);
    int precision = precision(type);
    int scale = typeName == SqlTypeName.DECIMAL && type.getScale() != RelDataType.SCALE_NOT_SPECIFIED
        ? type.getScale() : 0;
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
        null,
        precision,
        scale,
        null,
        null,
        ColumnMetaData.scalar(jdbcType, typeName(typeName), rep),
        true,
        false,
        false,
        jdbcClassName(typeName));
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

  private static int displaySize(SqlTypeName typeName, int precision) {
    return switch (typeName) {
      case BOOLEAN -> 5;
      case SMALLINT -> 6;
      case INTEGER -> 11;
      case BIGINT -> 20;
      case REAL, FLOAT, DOUBLE -> 24;
      case DECIMAL -> precision + 2;
      case DATE -> 10;
      case TIMESTAMP -> 23;
      default -> precision > 0 ? precision : 65536;
    };
  }
}
