package dev.meridian.sql.parser;

import static dev.meridian.sql.parser.ParserAssertions.assertFailsAt;
import static dev.meridian.sql.parser.ParserAssertions.parseAs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.sql.parser.ddl.SqlAlterTableAddColumn;
import dev.meridian.sql.parser.ddl.SqlAlterTableSetPlacementPolicy;
import dev.meridian.sql.parser.ddl.SqlAlterTableSplitAt;
import dev.meridian.sql.parser.ddl.SqlColumnDeclaration.Nullability;
import dev.meridian.sql.parser.ddl.SqlCreatePlacementPolicy;
import dev.meridian.sql.parser.ddl.SqlDropPlacementPolicy;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.junit.jupiter.api.Test;

class AlterTableAndPlacementParserTest {

  @Test
  void addColumn() {
    SqlAlterTableAddColumn a = parseAs(SqlAlterTableAddColumn.class,
        "ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname STRING NOT NULL DEFAULT 'x'");
    assertThat(a.getKind()).isEqualTo(SqlKind.ALTER_TABLE);
    assertThat(a.getTable().getSimple()).isEqualTo("USERS");
    assertThat(a.isIfNotExists()).isTrue();
    assertThat(a.getColumn().getName().getSimple()).isEqualTo("NICKNAME");
    assertThat(a.getColumn().getNullability()).isEqualTo(Nullability.NOT_NULL);
    assertThat(a.getColumn().getDefaultValue()).isPresent();
    SqlAlterTableAddColumn b = parseAs(SqlAlterTableAddColumn.class, "ALTER TABLE users ADD age INT");
    assertThat(b.isIfNotExists()).isFalse();
    assertThat(b.getColumn().getName().getSimple()).isEqualTo("AGE");
    assertFailsAt("ALTER TABLE users ADD COLUMN age", 1, 32);
    assertFailsAt("ALTER TABLE users ADD COLUMN age FOO", 1, 34);
  }

  @Test
  void splitAt() {
    SqlAlterTableSplitAt s = parseAs(SqlAlterTableSplitAt.class,
        "ALTER TABLE orders SPLIT AT VALUES ('eu', 1000), ('us', -5), ('zz')");
    assertThat(s.getTable().getSimple()).isEqualTo("ORDERS");
    List<List<SqlNode>> points = s.getSplitPoints();
    assertThat(points).hasSize(3);
    assertThat(points.get(0)).hasSize(2);
    assertThat(((SqlLiteral) points.get(0).get(0)).getValueAs(String.class)).isEqualTo("eu");
    assertThat(points.get(2)).hasSize(1);
    assertThat(parseAs(SqlAlterTableSplitAt.class, "ALTER TABLE t SPLIT AT VALUES (10)")
        .getSplitPoints()).hasSize(1);
    assertFailsAt("ALTER TABLE t SPLIT AT VALUES", 1, 29);
    assertFailsAt("ALTER TABLE t SPLIT AT (1)", 1, 24);
  }

  @Test
  void setPlacementPolicy() {
    SqlAlterTableSetPlacementPolicy p = parseAs(SqlAlterTableSetPlacementPolicy.class,
        "ALTER TABLE customers SET PLACEMENT POLICY eu_home");
    assertThat(p.getTable().getSimple()).isEqualTo("CUSTOMERS");
    assertThat(p.getPolicy().getSimple()).isEqualTo("EU_HOME");
    assertFailsAt("ALTER TABLE customers SET POLICY eu_home", 1, 27);
  }

  @Test
  void unknownAlterTableActionFails() {
    assertFailsAt("ALTER TABLE t DROP COLUMN a", 1, 15);
  }

  @Test
  void createPlacementPolicyFromDesign() {
    SqlCreatePlacementPolicy p = parseAs(SqlCreatePlacementPolicy.class,
        "CREATE PLACEMENT POLICY eu_home WITH "
            + "(PRIMARY_REGION='eu-west', REGIONS='eu-west,us-east,us-west', VOTERS=3)");
    assertThat(p.getKind()).isEqualTo(SqlKind.OTHER_DDL);
    assertThat(p.getName().getSimple()).isEqualTo("EU_HOME");
    assertThat(p.isIfNotExists()).isFalse();
    assertThat(p.getOptionValues()).containsExactly(
        Map.entry("PRIMARY_REGION", "eu-west"),
        Map.entry("REGIONS", "eu-west,us-east,us-west"),
        Map.entry("VOTERS", "3"));
    assertThat(parseAs(SqlCreatePlacementPolicy.class,
        "CREATE PLACEMENT POLICY IF NOT EXISTS p WITH (voters = 5)").isIfNotExists()).isTrue();
  }

  @Test
  void badPlacementPoliciesFail() {
    assertThat(assertFailsAt("CREATE PLACEMENT POLICY p WITH (VOTERS = 3, voters = 5)", 1, 45)
        .getMessage()).contains("VOTERS is given more than once");
    assertFailsAt("CREATE PLACEMENT POLICY p WITH ()", 1, 33);
    assertFailsAt("CREATE PLACEMENT POLICY p (VOTERS = 3)", 1, 27);
    assertFailsAt("CREATE PLACEMENT POLICY p WITH (VOTERS = x)", 1, 42);
  }

  @Test
  void dropPlacementPolicy() {
    SqlDropPlacementPolicy d = parseAs(SqlDropPlacementPolicy.class,
        "DROP PLACEMENT POLICY IF EXISTS eu_home");
    assertThat(d.isIfExists()).isTrue();
    assertThat(d.getName().getSimple()).isEqualTo("EU_HOME");
    assertThat(parseAs(SqlDropPlacementPolicy.class, "DROP PLACEMENT POLICY p").isIfExists()).isFalse();
  }
}
