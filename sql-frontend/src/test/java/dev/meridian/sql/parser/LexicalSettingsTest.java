package dev.meridian.sql.parser;

import static dev.meridian.sql.parser.ParserAssertions.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.sql.parser.ddl.SqlCreateTable;
import dev.meridian.sql.parser.ddl.SqlShowTables;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

class LexicalSettingsTest {

  private static String from(String sql) {
    return ((SqlIdentifier) ((SqlSelect) parse(sql)).getFrom()).getSimple();
  }

  @Test
  void unquotedIdentifiersFoldToUpperCase() {
    assertThat(from("SELECT * FROM customers")).isEqualTo("CUSTOMERS");
    assertThat(from("SELECT * FROM Customers")).isEqualTo("CUSTOMERS");
  }

  @Test
  void doubleQuotedIdentifiersKeepTheirCase() {
    assertThat(from("SELECT * FROM \"customers\"")).isEqualTo("customers");
    assertThat(from("SELECT * FROM \"CUSTOMERS\"")).isEqualTo("CUSTOMERS");
    assertThat(from("SELECT * FROM \"my table\"")).isEqualTo("my table");
    assertThat(MeridianSqlParser.CONFIG.caseSensitive()).isTrue();
  }

  @Test
  void backticksAndBracketsAreNotQuotes() {
    assertThatThrownBy(() -> MeridianSqlParser.parse("SELECT * FROM `t`"))
        .isInstanceOf(SqlParseException.class);
    assertThatThrownBy(() -> MeridianSqlParser.parse("SELECT * FROM [t]"))
        .isInstanceOf(SqlParseException.class);
  }

  @Test
  void quotedNamesRoundTrip() {
    SqlCreateTable t = (SqlCreateTable) parse("CREATE TABLE \"Mixed\" (\"lower\" INT, plain INT)");
    ParserAssertions.assertRoundTrips(t);
    assertThat(t.getName().getSimple()).isEqualTo("Mixed");
    assertThat(t.getColumns()).extracting(c -> c.getName().getSimple())
        .containsExactly("lower", "PLAIN");
  }

  @Test
  void statementsAreSeparatedBySemicolons() throws Exception {
    List<SqlNode> statements = MeridianSqlParser.parseStatements("""
        CREATE TABLE t (a INT PRIMARY KEY);
        UPSERT INTO t VALUES (1);;
        SHOW TABLES;
        """);
    assertThat(statements).hasSize(3);
    assertThat(statements.get(0)).isInstanceOf(SqlCreateTable.class);
    assertThat(statements.get(1)).isInstanceOfSatisfying(SqlInsert.class,
        i -> assertThat(i.isUpsert()).isTrue());
    assertThat(statements.get(2)).isInstanceOf(SqlShowTables.class);
    assertThat(MeridianSqlParser.parseStatements("")).isEmpty();
  }

  @Test
  void errorInALaterStatementReportsItsLine() {
    SqlParseException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        SqlParseException.class,
        () -> MeridianSqlParser.parseStatements("SHOW TABLES;\nDROP TABLE IF EXISTS;"));
    assertThat(e.getPos().getLineNum()).isEqualTo(2);
    assertThat(e.getPos().getColumnNum()).isEqualTo(21);
  }
}
