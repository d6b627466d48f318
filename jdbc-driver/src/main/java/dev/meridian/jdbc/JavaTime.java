package dev.meridian.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * {@code java.time} values in {@code PreparedStatement.setObject} and {@code
 * ResultSet.getObject(column, Class)}, which Avatica's client does not know (JDBC 4.2 asks for
 * them). The values never pass through {@code java.util.Calendar} or the JVM's time zone:
 *
 * <ul>
 *   <li>A parameter is sent as text in the server's literal form ({@code 2024-03-01}, {@code
 *       13:45:00.25}, {@code 2024-03-01 13:45:00.25}), which the server turns into the parameter's
 *       type (AvaticaTypes.coerce on the server), exactly.
 *   <li>A DATE column is read from its epoch-day number, TIME from milliseconds of the day,
 *       TIMESTAMP from its epoch milliseconds read as UTC: the raw values the server sends.
 * </ul>
 *
 * Semantics: DATE is a calendar date, TIME a time of day, TIMESTAMP a date and time <b>without
 * time zone</b> (SQL's TIMESTAMP, like PostgreSQL's {@code timestamp}), kept to the millisecond;
 * finer fractions are dropped. Meridian has no session time zone, so the types that name an instant
 * map through UTC: an {@link OffsetDateTime}, {@link ZonedDateTime} or {@link Instant} is stored
 * as its UTC date and time, and read back as that instant with offset {@code Z}. An instant thus
 * round-trips exactly (to the millisecond); its original offset does not.
 */
final class JavaTime {

  private static final Set<Class<?>> READABLE = Set.of(
      LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class, Instant.class);

  /** {@code yyyy-mm-dd hh:mm:ss[.fffffffff]}: what java.sql.Timestamp.valueOf on the server reads. */
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME)
      .toFormatter();

  private static final DateTimeFormatter TIMESTAMP_READ = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral(' ').optionalEnd()
      .optionalStart().appendLiteral('T').optionalEnd().append(DateTimeFormatter.ISO_LOCAL_TIME)
      .toFormatter();

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private JavaTime() {}

  /** Whether {@code value} is a java.time parameter this class sends. */
  static boolean isParameter(Object value) {
    return value instanceof LocalDate || value instanceof LocalTime || value instanceof LocalDateTime
        || value instanceof OffsetDateTime || value instanceof ZonedDateTime || value instanceof Instant;
  }

  /**
   * The text to send for {@code value}, bound as a parameter whose JDBC type is {@code targetSqlType}
   * (null: the parameter's own). Fails with 22018 for a target type no date or time converts to.
   */
  static String parameter(Object value, Integer targetSqlType) throws SQLException {
    if (targetSqlType != null && !acceptsTemporal(targetSqlType)) {
      throw SqlStates.of("cannot send a " + value.getClass().getSimpleName() + " as JDBC type "
          + targetSqlType + "; use Types.DATE, TIME, TIMESTAMP or VARCHAR", "22018", 0, null);
    }
    return switch (value) {
      case LocalDate date -> DateTimeFormatter.ISO_LOCAL_DATE.format(date);
      case LocalTime time -> DateTimeFormatter.ISO_LOCAL_TIME.format(time);
      case LocalDateTime dateTime -> TIMESTAMP.format(dateTime);
      case OffsetDateTime offset -> TIMESTAMP.format(offset.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
      case ZonedDateTime zoned -> TIMESTAMP.format(zoned.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime());
      case Instant instant -> TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
      default -> throw new IllegalArgumentException("not a java.time value: " + value.getClass());
    };
  }

  private static boolean acceptsTemporal(int sqlType) {
    return switch (sqlType) {
      case Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE,
          Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
          Types.OTHER, Types.JAVA_OBJECT -> true;
      default -> false;
    };
  }

  /** Whether {@code getObject(column, type)} is answered here. */
  static boolean isReadable(Class<?> type) {
    return READABLE.contains(type);
  }

  /** Column {@code column} of the current row as {@code type}, one of {@link #isReadable}'s. */
  static <T> T read(ResultSet rs, int column, Class<T> type) throws SQLException {
    int sqlType = rs.getMetaData().getColumnType(column);
    LocalDateTime dateTime;
    switch (sqlType) {
      case Types.DATE -> {
        int days = rs.getInt(column);
        if (rs.wasNull()) {
          return null;
        }
        if (type == LocalDate.class) {
          return type.cast(LocalDate.ofEpochDay(days));
        }
        dateTime = LocalDate.ofEpochDay(days).atStartOfDay();
      }
      case Types.TIME -> {
        int millis = rs.getInt(column);
        if (rs.wasNull()) {
          return null;
        }
        if (type != LocalTime.class) {
          throw cannotRead(rs, column, type);
        }
        return type.cast(LocalTime.ofNanoOfDay(millis * NANOS_PER_MILLI));
      }
      case Types.TIMESTAMP -> {
        long millis = rs.getLong(column);
        if (rs.wasNull()) {
          return null;
        }
        dateTime = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
      }
      case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR -> {
        String text = rs.getString(column);
        if (text == null) {
          return null;
        }
        return parse(text.trim(), type);
      }
      default -> throw cannotRead(rs, column, type);
    }
    Object answer;
    if (type == LocalDate.class) {
      answer = dateTime.toLocalDate();
    } else if (type == LocalTime.class) {
      answer = dateTime.toLocalTime();
    } else if (type == LocalDateTime.class) {
      answer = dateTime;
    } else if (type == OffsetDateTime.class) {
      answer = dateTime.atOffset(ZoneOffset.UTC);
    } else {
      answer = dateTime.toInstant(ZoneOffset.UTC);
    }
    return type.cast(answer);
  }

  private static <T> T parse(String text, Class<T> type) throws SQLException {
    try {
      Object answer;
      if (type == LocalDate.class) {
        answer = LocalDate.parse(text);
      } else if (type == LocalTime.class) {
        answer = LocalTime.parse(text);
      } else if (type == LocalDateTime.class) {
        answer = LocalDateTime.parse(text, TIMESTAMP_READ);
      } else if (type == OffsetDateTime.class) {
        answer = OffsetDateTime.parse(text);
      } else {
        answer = Instant.parse(text);
      }
      return type.cast(answer);
    } catch (DateTimeParseException e) {
      throw SqlStates.of("cannot read '" + text + "' as " + type.getSimpleName() + ": " + e.getMessage(),
          "22007", 0, e);
    }
  }

  private static SQLException cannotRead(ResultSet rs, int column, Class<?> type) throws SQLException {
    return SqlStates.of("cannot read column " + column + " (" + rs.getMetaData().getColumnTypeName(column)
        + ") as " + type.getSimpleName(), "22018", 0, null);
  }
}
