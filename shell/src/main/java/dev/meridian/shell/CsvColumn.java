package dev.meridian.shell;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A table column that CSV fields are loaded into: its name, JDBC type ({@link Types}) and
 * nullability, from {@code DatabaseMetaData.getColumns}, and how a field's text becomes a value of
 * that type. Checked on the client, so that a bad value is reported with its line and column
 * before anything is sent:
 * <ul>
 *   <li>nothing between two delimiters (an unquoted empty field) is NULL; so is an empty field of
 *       any column that is not text. A quoted empty field ({@code ""}) is the empty string;
 *   <li>integers and decimals as Java writes them ({@code -12}, {@code 3.25}, {@code 1e3} for
 *       floating point); BOOLEAN as {@code true/false}, {@code t/f}, {@code yes/no}, {@code 1/0};
 *   <li>DATE as {@code 2024-02-29}, TIMESTAMP as {@code 2024-02-29 13:45:00[.fraction]} or with a
 *       {@code T}; they are sent as text in that ISO form, so no time zone takes part;
 *   <li>VARBINARY as hexadecimal, with or without PostgreSQL's {@code \x} prefix.
 * </ul>
 * Spaces around numbers, booleans, dates and timestamps are ignored; text is kept as written.
 */
record CsvColumn(String name, int jdbcType, String typeName, boolean nullable) {

  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart().appendLiteral(' ').optionalEnd()
      .optionalStart().appendLiteral('T').optionalEnd()
      .appendPattern("HH:mm")
      .optionalStart().appendPattern(":ss").optionalEnd()
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(Locale.ROOT);

  /** A value the column cannot take; the loader adds the line and column. */
  static final class BadValue extends Exception {
    BadValue(String message) {
      super(message);
    }
  }

  boolean isText() {
    return switch (jdbcType) {
      case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB -> true;
      default -> false;
    };
  }

  /** Binds {@code text} (quoted or not) as parameter {@code index} of {@code insert}. */
  void bind(PreparedStatement insert, int index, String text, boolean quoted) throws SQLException, BadValue {
    if (text.isEmpty() && (!quoted || !isText())) {
      if (!nullable) {
        throw new BadValue("an empty field is NULL, and column " + name + " is NOT NULL");
      }
      insert.setNull(index, jdbcType);
      return;
    }
    String trimmed = text.strip();
    try {
      switch (jdbcType) {
        case Types.BOOLEAN, Types.BIT -> insert.setBoolean(index, bool(trimmed));
        case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> insert.setInt(index, Integer.parseInt(trimmed));
        case Types.BIGINT -> insert.setLong(index, Long.parseLong(trimmed));
        case Types.REAL, Types.FLOAT, Types.DOUBLE -> insert.setDouble(index, Double.parseDouble(trimmed));
        case Types.DECIMAL, Types.NUMERIC -> insert.setBigDecimal(index, new BigDecimal(trimmed));
        case Types.DATE -> insert.setString(index, LocalDate.parse(trimmed).toString());
        case Types.TIMESTAMP -> insert.setString(index, timestamp(trimmed));
        case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> insert.setBytes(index, hex(trimmed));
        default -> insert.setString(index, text);
      }
    } catch (NumberFormatException e) {
      throw new BadValue(quote(text) + " is not " + article() + " " + typeName);
    } catch (DateTimeParseException e) {
      throw new BadValue(quote(text) + " is not a " + typeName + " (write " + (jdbcType == Types.DATE
          ? "YYYY-MM-DD" : "YYYY-MM-DD HH:MM:SS[.fraction]") + ")");
    } catch (IllegalArgumentException e) {
      throw new BadValue(quote(text) + " is not " + article() + " " + typeName + ": " + e.getMessage());
    }
  }

  private String article() {
    return "AEIOU".indexOf(typeName.isEmpty() ? 'X' : Character.toUpperCase(typeName.charAt(0))) >= 0 ? "an" : "a";
  }

  private static boolean bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "t", "yes", "y", "1" -> true;
      case "false", "f", "no", "n", "0" -> false;
      default -> throw new IllegalArgumentException("write true or false");
    };
  }

  /** The timestamp in the form the server reads ({@code java.sql.Timestamp}'s: a space, full seconds). */
  private static String timestamp(String text) {
    LocalDateTime value = LocalDateTime.parse(text, TIMESTAMP);
    String seconds = value.format(DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT));
    return value.getNano() == 0 ? seconds : seconds + String.format(Locale.ROOT, ".%09d", value.getNano());
  }

  private static byte[] hex(String text) {
    String digits = text.startsWith("\\x") || text.startsWith("\\X") ? text.substring(2) : text;
    return HexFormat.of().parseHex(digits);
  }

  private static String quote(String text) {
    String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return "'" + shown + "'";
  }
}
