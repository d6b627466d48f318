package dev.meridian.server.sql;

import dev.meridian.sql.parser.MeridianSqlParser;
import java.sql.Connection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.Meta.DatabaseProperty;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * What the node answers to Avatica's {@code getDatabaseProperties}: the client's {@code
 * DatabaseMetaData} reads the product name and version, the SQL keywords and the function lists
 * from here. The version is this build's ({@code version.properties}, filled in by Maven).
 *
 * <p>The function lists are the JDBC escape functions ({@code {fn NAME(…)}}) that run on Meridian:
 * Calcite's escape table ({@code SqlJdbcFunctionCall}) less USER, which does not run here, and
 * less DATABASE, CONVERT, CONVERT_TIMEZONE, TO_DATE and TO_TIMESTAMP, which are not checked.
 * {@code DatabasePropertiesTest} runs every listed one, so nothing is advertised that fails.
 */
final class DatabaseProperties {

  static final String PRODUCT_NAME = "Meridian";

  /** The build's version of this node, e.g. {@code 0.1.0-SNAPSHOT}. */
  static final String VERSION = dev.meridian.server.admin.BuildInfo.VERSION;

  static final List<String> NUMERIC_FUNCTIONS = List.of(
      "ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "CBRT", "CEILING", "COS", "COT", "DEGREES", "EXP", "FLOOR", "LOG",
      "LOG10", "MOD", "PI", "POWER", "RADIANS", "RAND", "ROUND", "SIGN", "SIN", "SQRT", "TAN", "TRUNCATE");

  static final List<String> STRING_FUNCTIONS = List.of(
      "ASCII", "CHAR", "CONCAT", "DIFFERENCE", "INSERT", "LCASE", "LEFT", "LENGTH", "LOCATE", "LTRIM", "REPEAT",
      "REPLACE", "RIGHT", "RTRIM", "SOUNDEX", "SPACE", "SUBSTRING", "UCASE");

  static final List<String> TIME_DATE_FUNCTIONS = List.of(
      "CURDATE", "CURTIME", "DAYNAME", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "HOUR", "MINUTE", "MONTH",
      "MONTHNAME", "NOW", "QUARTER", "SECOND", "TIMESTAMPADD", "TIMESTAMPDIFF", "WEEK", "YEAR");

  static final List<String> SYSTEM_FUNCTIONS = List.of("IFNULL");

  private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+).*");

  static final Map<DatabaseProperty, Object> ALL = build();

  private DatabaseProperties() {}

  private static Map<DatabaseProperty, Object> build() {
    Map<DatabaseProperty, Object> answer = new EnumMap<>(DatabaseProperty.class);
    Matcher version = MAJOR_MINOR.matcher(VERSION);
    boolean numbered = version.matches();
    answer.put(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, PRODUCT_NAME);
    answer.put(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, VERSION);
    answer.put(DatabaseProperty.GET_DATABASE_MAJOR_VERSION, numbered ? Integer.parseInt(version.group(1)) : 0);
    answer.put(DatabaseProperty.GET_DATABASE_MINOR_VERSION, numbered ? Integer.parseInt(version.group(2)) : 0);
    answer.put(DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION, Connection.TRANSACTION_SERIALIZABLE);
    answer.put(DatabaseProperty.GET_S_Q_L_KEYWORDS, sqlKeywords());
    answer.put(DatabaseProperty.GET_NUMERIC_FUNCTIONS, String.join(",", NUMERIC_FUNCTIONS));
    answer.put(DatabaseProperty.GET_STRING_FUNCTIONS, String.join(",", STRING_FUNCTIONS));
    answer.put(DatabaseProperty.GET_TIME_DATE_FUNCTIONS, String.join(",", TIME_DATE_FUNCTIONS));
    answer.put(DatabaseProperty.GET_SYSTEM_FUNCTIONS, String.join(",", SYSTEM_FUNCTIONS));
    return Map.copyOf(answer);
  }

  /**
   * The parser's keywords that are not SQL:2003 keywords, as JDBC's {@code getSQLKeywords} asks:
   * Calcite's own list for the generated parser, which includes Meridian's DDL words.
   */
  static String sqlKeywords() {
    return SqlParser.create("", MeridianSqlParser.CONFIG).getMetadata().getJdbcKeywords();
  }
}
