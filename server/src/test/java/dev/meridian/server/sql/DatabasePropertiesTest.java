package dev.meridian.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.server.LocalNode;
import dev.meridian.sql.exec.Session;
import dev.meridian.sql.exec.StatementGuard;
import dev.meridian.sql.exec.StatementResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.Meta.DatabaseProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's database properties: its build's version, and function lists that all run. */
class DatabasePropertiesTest {

  /** A call of each advertised escape function, with arguments of the kinds it takes. */
  private static final Map<String, String> SAMPLES = new LinkedHashMap<>();

  static {
    String[][] numeric = {
        {"ABS", "ABS(-1)"}, {"ACOS", "ACOS(0.5)"}, {"ASIN", "ASIN(0.5)"}, {"ATAN", "ATAN(1)"},
        {"ATAN2", "ATAN2(1, 2)"}, {"CBRT", "CBRT(27)"}, {"CEILING", "CEILING(1.5)"}, {"COS", "COS(0)"},
        {"COT", "COT(1)"}, {"DEGREES", "DEGREES(1)"}, {"EXP", "EXP(1)"}, {"FLOOR", "FLOOR(1.5)"},
        {"LOG", "LOG(10)"}, {"LOG10", "LOG10(100)"}, {"MOD", "MOD(7, 3)"}, {"PI", "PI()"},
        {"POWER", "POWER(2, 10)"}, {"RADIANS", "RADIANS(180)"}, {"RAND", "RAND()"}, {"ROUND", "ROUND(1.25, 1)"},
        {"SIGN", "SIGN(-3)"}, {"SIN", "SIN(0)"}, {"SQRT", "SQRT(4)"}, {"TAN", "TAN(0)"},
        {"TRUNCATE", "TRUNCATE(1.25, 1)"}};
    String[][] string = {
        {"ASCII", "ASCII('a')"}, {"CHAR", "CHAR(65)"}, {"CONCAT", "CONCAT('a', 'b')"},
        {"DIFFERENCE", "DIFFERENCE('Robert', 'Rupert')"}, {"INSERT", "INSERT('abcdef', 2, 3, 'X')"},
        {"LCASE", "LCASE('A')"}, {"LEFT", "LEFT('abc', 2)"}, {"LENGTH", "LENGTH('abc')"},
        {"LOCATE", "LOCATE('b', 'abc')"}, {"LTRIM", "LTRIM('  a')"}, {"REPEAT", "REPEAT('a', 3)"},
        {"REPLACE", "REPLACE('abc', 'b', 'x')"}, {"RIGHT", "RIGHT('abc', 2)"}, {"RTRIM", "RTRIM('a  ')"},
        {"SOUNDEX", "SOUNDEX('Robert')"}, {"SPACE", "SPACE(3)"}, {"SUBSTRING", "SUBSTRING('abcdef', 2, 3)"},
        {"UCASE", "UCASE('a')"}};
    String[][] time = {
        {"CURDATE", "CURDATE()"}, {"CURTIME", "CURTIME()"}, {"DAYNAME", "DAYNAME(DATE '2024-03-01')"},
        {"DAYOFMONTH", "DAYOFMONTH(DATE '2024-03-01')"}, {"DAYOFWEEK", "DAYOFWEEK(DATE '2024-03-01')"},
        {"DAYOFYEAR", "DAYOFYEAR(DATE '2024-03-01')"}, {"HOUR", "HOUR(TIMESTAMP '2024-03-01 10:11:12')"},
        {"MINUTE", "MINUTE(TIMESTAMP '2024-03-01 10:11:12')"}, {"MONTH", "MONTH(DATE '2024-03-01')"},
        {"MONTHNAME", "MONTHNAME(DATE '2024-03-01')"}, {"NOW", "NOW()"},
        {"QUARTER", "QUARTER(DATE '2024-03-01')"}, {"SECOND", "SECOND(TIMESTAMP '2024-03-01 10:11:12')"},
        {"TIMESTAMPADD", "TIMESTAMPADD(SQL_TSI_DAY, 1, TIMESTAMP '2024-03-01 10:11:12')"},
        {"TIMESTAMPDIFF", "TIMESTAMPDIFF(SQL_TSI_DAY, TIMESTAMP '2024-03-01 10:11:12', TIMESTAMP '2024-03-03 10:11:12')"},
        {"WEEK", "WEEK(DATE '2024-03-01')"}, {"YEAR", "YEAR(DATE '2024-03-01')"}};
    String[][] system = {{"IFNULL", "IFNULL(NULL, 1)"}};
    for (String[][] group : List.of(numeric, string, time, system)) {
      for (String[] sample : group) {
        SAMPLES.put(sample[0], sample[1]);
      }
    }
  }

  @TempDir Path dir;
  LocalNode node;
  Session session;

  @BeforeEach
  void open() {
    node = new LocalNode(dir);
    session = node.sqlEngine().openSession();
  }

  @AfterEach
  void close() {
    session.close();
    node.close();
  }

  @Test
  void everyAdvertisedFunctionRunsAsAnEscape() {
    List<String> advertised = new ArrayList<>();
    for (DatabaseProperty list : List.of(DatabaseProperty.GET_NUMERIC_FUNCTIONS, DatabaseProperty.GET_STRING_FUNCTIONS,
        DatabaseProperty.GET_TIME_DATE_FUNCTIONS, DatabaseProperty.GET_SYSTEM_FUNCTIONS)) {
      advertised.addAll(List.of(((String) DatabaseProperties.ALL.get(list)).split(",")));
    }
    assertThat(advertised).as("every advertised function has a sample here").containsExactlyElementsOf(SAMPLES.keySet());
    List<String> failed = new ArrayList<>();
    for (Map.Entry<String, String> sample : SAMPLES.entrySet()) {
      String sql = "SELECT {fn " + sample.getValue() + "}";
      try (StatementResult.Rows rows = (StatementResult.Rows) session.execute(sql, List.of(), StatementGuard.NONE)) {
        assertThat(rows.rows().hasNext()).as(sql).isTrue();
        rows.rows().next();
      } catch (Exception e) {
        failed.add(sample.getKey() + ": " + e.getMessage());
      }
    }
    assertThat(failed).isEmpty();
  }

  @Test
  void theVersionIsTheBuildsAndNamesMeridian() {
    assertThat(DatabaseProperties.ALL)
        .containsEntry(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, "Meridian")
        .containsEntry(DatabaseProperty.GET_DATABASE_MAJOR_VERSION, 0)
        .containsEntry(DatabaseProperty.GET_DATABASE_MINOR_VERSION, 1);
    // The build filled in the project version (0.1.0-SNAPSHOT while the major and minor are 0.1).
    assertThat((String) DatabaseProperties.ALL.get(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION))
        .startsWith("0.1.").doesNotContain("${");
    assertThat((String) DatabaseProperties.ALL.get(DatabaseProperty.GET_S_Q_L_KEYWORDS)).contains("LIMIT");
  }
}
