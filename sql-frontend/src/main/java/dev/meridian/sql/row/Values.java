package dev.meridian.sql.row;

import dev.meridian.sql.catalog.ColumnType;
import dev.meridian.storage.codec.Bytes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.calcite.avatica.util.ByteString;

/**
 * Converts between Calcite's runtime representation of SQL values (what rows hold during
 * execution) and the key codec's (what storage encodes):
 *
 * <pre>
 * type       Calcite runtime       codec
 * BOOLEAN    Boolean               Boolean
 * SMALLINT   Short                 Integer
 * INTEGER    Integer               Integer
 * BIGINT     Long                  Long
 * REAL       Float                 Double
 * DOUBLE     Double                Double
 * DECIMAL    BigDecimal            BigDecimal (normalized; scale restored on the way out)
 * VARCHAR    String                String
 * VARBINARY  ByteString            Bytes
 * DATE       Integer (epoch days)  LocalDate
 * TIMESTAMP  Long (epoch millis)   LocalDateTime (UTC)
 * </pre>
 *
 * Incoming numbers of another width are accepted (Calcite sometimes widens or narrows literals);
 * a value that does not fit its column fails with SQLSTATE 22003.
 */
public final class Values {

  private Values() {}

  /** The codec value for a runtime value of a column of {@code type}; null stays null. */
  public static Object toCodec(ColumnType type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case BOOLEAN -> (Boolean) value;
      case SMALLINT -> (int) checkedLong(value, Short.MIN_VALUE, Short.MAX_VALUE, type);
      case INTEGER -> (int) checkedLong(value, Integer.MIN_VALUE, Integer.MAX_VALUE, type);
      case BIGINT -> checkedLong(value, Long.MIN_VALUE, Long.MAX_VALUE, type);
      case REAL, DOUBLE -> ((Number) value).doubleValue();
      case DECIMAL -> decimal(value, type);
      case VARCHAR -> value.toString();
      case VARBINARY -> Bytes.of(((ByteString) value).getBytes());
      case DATE -> LocalDate.ofEpochDay(((Number) value).longValue());
      case TIMESTAMP ->
          LocalDateTime.ofEpochSecond(
              Math.floorDiv(((Number) value).longValue(), 1000L),
              (int) Math.floorMod(((Number) value).longValue(), 1000L) * 1_000_000,
              ZoneOffset.UTC);
    };
  }

  /** The runtime value for a codec value of a column of {@code type}; null stays null. */
  public static Object fromCodec(ColumnType type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case BOOLEAN, INTEGER, BIGINT, DOUBLE, VARCHAR -> value;
      case SMALLINT -> ((Integer) value).shortValue();
      case REAL -> ((Double) value).floatValue();
      case DECIMAL ->
          type.precision() == ColumnType.UNSPECIFIED
              ? value
              : ((BigDecimal) value).setScale(type.scale(), RoundingMode.UNNECESSARY);
      case VARBINARY -> new ByteString(((Bytes) value).toByteArray());
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case TIMESTAMP -> {
        LocalDateTime time = (LocalDateTime) value;
        yield time.toEpochSecond(ZoneOffset.UTC) * 1000L + time.getNano() / 1_000_000;
      }
    };
  }

  private static long checkedLong(Object value, long min, long max, ColumnType type) {
    long result;
    if (value instanceof BigDecimal decimal) {
      try {
        result = decimal.setScale(0, RoundingMode.HALF_UP).longValueExact();
      } catch (ArithmeticException e) {
        throw outOfRange(value, type);
      }
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || d < min || d > max) {
        throw outOfRange(value, type);
      }
      result = Math.round(d);
    } else {
      result = ((Number) value).longValue();
    }
    if (result < min || result > max) {
      throw outOfRange(value, type);
    }
    return result;
  }

  private static BigDecimal decimal(Object value, ColumnType type) {
    BigDecimal decimal =
        value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
    if (type.precision() != ColumnType.UNSPECIFIED) {
      decimal = decimal.setScale(type.scale(), RoundingMode.HALF_UP);
      if (decimal.precision() > type.precision()) {
        throw outOfRange(value, type);
      }
    }
    return decimal;
  }

  private static RuntimeException outOfRange(Object value, ColumnType type) {
    return new dev.meridian.sql.exec.SqlExecutionException(
        "22003", "value " + value + " is out of range for type " + type.toSql());
  }
}
