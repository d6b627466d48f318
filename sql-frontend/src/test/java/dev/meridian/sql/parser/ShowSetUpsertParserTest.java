package dev.meridian.sql.parser;

import static dev.meridian.sql.parser.ParserAssertions.assertFailsAt;
import static dev.meridian.sql.parser.ParserAssertions.parseAs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.sql.parser.ddl.SqlShowRanges;
import dev.meridian.sql.parser.ddl.SqlShowRegions;
import dev.meridian.sql.parser.ddl.SqlShowTables;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSetOption;
import org.junit.jupiter.api.Test;

class ShowSetUpsertParserTest {

  @Test
  void show() {
    parseAs(SqlShowTables.class, "SHOW TABLES");
    parseAs(SqlShowRegions.class, "show regions");
    SqlShowRanges r = parseAs(SqlShowRanges.class, "SHOW RANGES FROM TABLE orders");
    assertThat(r.getTable().getSimple()).isEqualTo("ORDERS");
    assertThat(parseAs(SqlShowRanges.class, "SHOW RANGES").getTable()).isNull();
    assertFailsAt("SHOW RANGES orders", 1, 13);
    assertFailsAt("SHOW RANGES FROM orders", 1, 18);
    assertFailsAt("SHOW TABLES FROM x", 1, 13);
  }

  @Test
  void setIsCalcitesSetOption() {
    SqlSetOption s = parseAs(SqlSetOption.class, "SET READ_STALENESS = '10s'");
    assertThat(s.getScope()).isNull();
    assertThat(s.getName().getSimple()).isEqualTo("READ_STALENESS");
    assertThat(((SqlLiteral) s.getValue()).getValueAs(String.class)).isEqualTo("10s");
    SqlSetOption session = parseAs(SqlSetOption.class, "ALTER SESSION SET read_only = TRUE");
    assertThat(session.getScope()).isEqualTo("SESSION");
    assertThat(parseAs(SqlSetOption.class, "RESET READ_STALENESS").getValue()).isNull();
    assertFailsAt("SET READ_STALENESS '10s'", 1, 20);
  }

  @Test
  void upsertIsCalcitesInsertWithTheUpsertKeyword() {
    SqlInsert u = parseAs(SqlInsert.class, "UPSERT INTO kv (k, v) VALUES ('a', 1), ('b', 2)");
    assertThat(u.isUpsert()).isTrue();
    assertThat(u.getTargetTable().toString()).isEqualTo("KV");
    assertThat(u.getTargetColumnList()).hasSize(2);
    assertThat(MeridianSqlParser.unparse(u)).startsWith("UPSERT INTO");
    SqlInsert fromQuery = parseAs(SqlInsert.class, "UPSERT INTO kv SELECT k, v FROM staging");
    assertThat(fromQuery.isUpsert()).isTrue();
    assertThat(fromQuery.getTargetColumnList()).isNull();
    assertThat(fromQuery.getSource()).isInstanceOf(SqlSelect.class);
    assertThat(parseAs(SqlInsert.class, "INSERT INTO kv VALUES ('a', 1)").isUpsert()).isFalse();
    assertFailsAt("UPSERT kv VALUES (1)", 1, 8);
  }
}
