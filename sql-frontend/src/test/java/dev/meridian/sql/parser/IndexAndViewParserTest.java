package dev.meridian.sql.parser;

import static dev.meridian.sql.parser.ParserAssertions.assertFailsAt;
import static dev.meridian.sql.parser.ParserAssertions.parseAs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.sql.parser.ddl.SqlCreateIndex;
import dev.meridian.sql.parser.ddl.SqlCreateView;
import dev.meridian.sql.parser.ddl.SqlDropIndex;
import dev.meridian.sql.parser.ddl.SqlDropView;
import dev.meridian.sql.parser.ddl.SqlKeyColumn;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSelect;
import org.junit.jupiter.api.Test;

class IndexAndViewParserTest {

  @Test
  void createIndexWithAllParts() {
    SqlCreateIndex i = parseAs(SqlCreateIndex.class,
        "CREATE UNIQUE INDEX IF NOT EXISTS by_email ON users (email, created DESC) STORING (name, age)");
    assertThat(i.getKind()).isEqualTo(SqlKind.CREATE_INDEX);
    assertThat(i.isUnique()).isTrue();
    assertThat(i.isIfNotExists()).isTrue();
    assertThat(i.getName().getSimple()).isEqualTo("BY_EMAIL");
    assertThat(i.getTable().getSimple()).isEqualTo("USERS");
    assertThat(i.getColumns()).extracting(c -> c.getName().getSimple()).containsExactly("EMAIL", "CREATED");
    assertThat(i.getColumns()).extracting(SqlKeyColumn::isDescending).containsExactly(false, true);
    assertThat(i.getStoringColumns()).extracting(c -> c.getSimple()).containsExactly("NAME", "AGE");
  }

  @Test
  void createPlainIndex() {
    SqlCreateIndex i = parseAs(SqlCreateIndex.class, "CREATE INDEX i ON t (a ASC)");
    assertThat(i.isUnique()).isFalse();
    assertThat(i.isIfNotExists()).isFalse();
    assertThat(i.getStoringColumns()).isEmpty();
    assertThat(i.getColumns().get(0).isDescending()).isFalse();
  }

  @Test
  void createIndexWithoutNameFailsAtOn() {
    assertFailsAt("CREATE INDEX ON t(a)", 1, 14);
    assertFailsAt("CREATE INDEX i ON t()", 1, 21);
    assertFailsAt("CREATE INDEX i ON t(a) STORING ()", 1, 33);
    assertFailsAt("CREATE OR REPLACE INDEX i ON t(a)", 1, 1);
  }

  @Test
  void dropIndex() {
    SqlDropIndex d = parseAs(SqlDropIndex.class, "DROP INDEX by_email");
    assertThat(d.getKind()).isEqualTo(SqlKind.DROP_INDEX);
    assertThat(d.isIfExists()).isFalse();
    assertThat(d.getTable()).isEmpty();
    SqlDropIndex d2 = parseAs(SqlDropIndex.class, "DROP INDEX IF EXISTS by_email ON users");
    assertThat(d2.isIfExists()).isTrue();
    assertThat(d2.getName().getSimple()).isEqualTo("BY_EMAIL");
    assertThat(d2.getTable()).get().extracting(t -> t.getSimple()).isEqualTo("USERS");
  }

  @Test
  void createView() {
    SqlCreateView v = parseAs(SqlCreateView.class,
        "CREATE VIEW rich (id, total) AS SELECT id, SUM(amount) FROM orders GROUP BY id HAVING SUM(amount) > 100");
    assertThat(v.getKind()).isEqualTo(SqlKind.CREATE_VIEW);
    assertThat(v.isOrReplace()).isFalse();
    assertThat(v.getName().getSimple()).isEqualTo("RICH");
    assertThat(v.getColumnNames()).get().satisfies(
        cols -> assertThat(cols).extracting(c -> c.getSimple()).containsExactly("ID", "TOTAL"));
    assertThat(v.getQuery()).isInstanceOf(SqlSelect.class);
  }

  @Test
  void createOrReplaceViewWithoutColumns() {
    SqlCreateView v = parseAs(SqlCreateView.class,
        "CREATE OR REPLACE VIEW v AS SELECT * FROM t WHERE a = 1 UNION ALL SELECT * FROM u ORDER BY 1");
    assertThat(v.isOrReplace()).isTrue();
    assertThat(v.getColumnNames()).isEmpty();
    assertThat(v.getQuery().getKind()).isEqualTo(SqlKind.ORDER_BY);
    assertFailsAt("CREATE VIEW v AS DELETE FROM t", 1, 18);
  }

  @Test
  void dropView() {
    SqlDropView d = parseAs(SqlDropView.class, "DROP VIEW IF EXISTS v");
    assertThat(d.getKind()).isEqualTo(SqlKind.DROP_VIEW);
    assertThat(d.isIfExists()).isTrue();
    assertThat(d.getName().getSimple()).isEqualTo("V");
    assertThat(parseAs(SqlDropView.class, "DROP VIEW v").isIfExists()).isFalse();
  }
}
