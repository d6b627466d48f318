package dev.meridian.sql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

class ParseErrorsTest {

  private static SqlParseException failure(String sql) {
    return catchThrowableOfType(SqlParseException.class, () -> MeridianSqlParser.parse(sql));
  }

  @Test
  void grammarErrorNamesPositionAndProblem() {
    String message = ParseErrors.describe(failure("CREATE INDEX ON t(a)"));
    assertThat(message).isEqualTo("syntax error at line 1, column 14: "
        + "Incorrect syntax near the keyword 'ON'; expected one of: <IDENTIFIER>, <QUOTED_IDENTIFIER>");
    assertThat(message).doesNotContain("\n");
  }

  @Test
  void shortExpectedListIsShown() {
    assertThat(ParseErrors.describe(failure("SHOW RANGES FROM orders")))
        .isEqualTo("syntax error at line 1, column 18: Encountered \"orders\"; expected one of: \"TABLE\"");
  }

  @Test
  void ruleErrorsKeepTheirOwnWords() {
    assertThat(ParseErrors.describe(failure("CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))")))
        .isEqualTo("syntax error at line 1, column 43: table T has more than one PRIMARY KEY; "
            + "declare the key once, listing all its columns: PRIMARY KEY (a, b)");
  }

  @Test
  void excerptPointsAtTheColumn() {
    String sql = "SELECT a\nFROM t\nWHERE a = = 1";
    assertThat(ParseErrors.describe(failure(sql), sql))
        .endsWith("\nWHERE a = = 1\n        ^");
  }

  @Test
  void sqlStateIsSyntaxError() {
    assertThat(ParseErrors.SQLSTATE).isEqualTo("42601");
    assertThat(ParseErrors.withSqlState(failure("SELECT FROM t"))).startsWith("[42601] syntax error at line 1, column 8");
  }
}
