package dev.meridian.sql.parser;

import static dev.meridian.sql.parser.ParserAssertions.assertFailsAt;
import static dev.meridian.sql.parser.ParserAssertions.parseAs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.sql.parser.ddl.SqlColumnDeclaration;
import dev.meridian.sql.parser.ddl.SqlColumnDeclaration.Nullability;
import dev.meridian.sql.parser.ddl.SqlCreateTable;
import dev.meridian.sql.parser.ddl.SqlDropTable;
import dev.meridian.sql.parser.ddl.SqlKeyColumn;
import dev.meridian.sql.parser.ddl.SqlUniqueConstraint;
import java.util.List;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreateTableParserTest {

  @Test
  void tableWithColumnsAndTableLevelKey() {
    SqlCreateTable t = parseAs(SqlCreateTable.class, """
        CREATE TABLE accounts (
          region VARCHAR(16) NOT NULL,
          id BIGINT,
          balance DECIMAL(18, 2) DEFAULT 0,
          note TEXT NULL,
          CONSTRAINT pk_accounts PRIMARY KEY (region ASC, id DESC)
        )""");
    assertThat(t.getKind()).isEqualTo(SqlKind.CREATE_TABLE);
    assertThat(t.getName().getSimple()).isEqualTo("ACCOUNTS");
    assertThat(t.isIfNotExists()).isFalse();
    assertThat(t.getColumns()).extracting(c -> c.getName().getSimple())
        .containsExactly("REGION", "ID", "BALANCE", "NOTE");
    List<SqlColumnDeclaration> columns = t.getColumns();
    assertThat(columns.get(0).getNullability()).isEqualTo(Nullability.NOT_NULL);
    assertThat(columns.get(1).getNullability()).isEqualTo(Nullability.UNSPECIFIED);
    assertThat(columns.get(3).getNullability()).isEqualTo(Nullability.NULLABLE);
    assertThat(columns.get(2).getDefaultValue()).get()
        .isInstanceOfSatisfying(SqlLiteral.class, l -> assertThat(l.intValue(true)).isZero());
    assertThat(columns.get(1).getDefaultValue()).isEmpty();
    assertThat(t.getPrimaryKeyConstraint()).get()
        .satisfies(pk -> assertThat(pk.getConstraintName()).get()
            .extracting(n -> n.getSimple()).isEqualTo("PK_ACCOUNTS"));
    assertThat(t.getPrimaryKey()).extracting(k -> k.getName().getSimple(), SqlKeyColumn::isDescending)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("REGION", false),
            org.assertj.core.groups.Tuple.tuple("ID", true));
  }

  @Test
  void columnLevelPrimaryKeyAndIfNotExists() {
    SqlCreateTable t = parseAs(SqlCreateTable.class,
        "create table if not exists kv (k varchar primary key, v bytes)");
    assertThat(t.isIfNotExists()).isTrue();
    assertThat(t.getPrimaryKeyConstraint()).isEmpty();
    assertThat(t.getColumns().get(0).isPrimaryKey()).isTrue();
    assertThat(t.getPrimaryKey()).extracting(k -> k.getName().getSimple()).containsExactly("K");
  }

  @Test
  void columnClausesInAnyOrder() {
    SqlCreateTable t = parseAs(SqlCreateTable.class,
        "CREATE TABLE t (a INT PRIMARY KEY NOT NULL, b INT DEFAULT 1 + 2 NOT NULL, c INT NULL DEFAULT 7)");
    SqlColumnDeclaration b = t.getColumns().get(1);
    assertThat(b.getNullability()).isEqualTo(Nullability.NOT_NULL);
    assertThat(b.getDefaultValue()).get().satisfies(e -> assertThat(e.getKind()).isEqualTo(SqlKind.PLUS));
    assertThat(t.getColumns().get(0).getNullability()).isEqualTo(Nullability.NOT_NULL);
  }

  @Test
  void tableWithoutKeyParses() {
    assertThat(parseAs(SqlCreateTable.class, "CREATE TABLE t (a INT)").getPrimaryKey()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      BOOLEAN            | BOOLEAN
      INTEGER            | INTEGER
      INT                | INTEGER
      BIGINT             | BIGINT
      SMALLINT           | SMALLINT
      REAL               | REAL
      FLOAT              | FLOAT
      DOUBLE             | DOUBLE
      DOUBLE PRECISION   | DOUBLE
      DECIMAL(10, 2)     | DECIMAL
      NUMERIC            | DECIMAL
      VARCHAR(20)        | VARCHAR
      CHAR VARYING(20)   | VARCHAR
      TEXT               | VARCHAR
      STRING             | VARCHAR
      VARBINARY          | VARBINARY
      BYTES              | VARBINARY
      DATE               | DATE
      TIMESTAMP          | TIMESTAMP
      TIMESTAMP(6)       | TIMESTAMP
      """)
  void supportedTypes(String written, SqlTypeName expected) {
    SqlCreateTable t = parseAs(SqlCreateTable.class, "CREATE TABLE t (c " + written + ")");
    SqlDataTypeSpec type = t.getColumns().get(0).getDataType();
    assertThat(type.getTypeNameSpec()).isInstanceOf(SqlBasicTypeNameSpec.class);
    assertThat(SqlTypeName.get(type.getTypeNameSpec().getTypeName().getSimple())).isEqualTo(expected);
  }

  @Test
  void precisionAndScaleAreKept() {
    SqlCreateTable t = parseAs(SqlCreateTable.class, "CREATE TABLE t (d DECIMAL(12, 3), s VARCHAR(40))");
    SqlBasicTypeNameSpec d = (SqlBasicTypeNameSpec) t.getColumns().get(0).getDataType().getTypeNameSpec();
    SqlBasicTypeNameSpec s = (SqlBasicTypeNameSpec) t.getColumns().get(1).getDataType().getTypeNameSpec();
    assertThat(d.getPrecision()).isEqualTo(12);
    assertThat(d.getScale()).isEqualTo(3);
    assertThat(s.getPrecision()).isEqualTo(40);
  }

  @Test
  void keywordsAddedByMeridianRemainUsableAsNames() {
    SqlCreateTable t = parseAs(SqlCreateTable.class,
        "CREATE TABLE index (text TEXT, string STRING, bytes BYTES, regions INT, if INT)");
    assertThat(t.getName().getSimple()).isEqualTo("INDEX");
    assertThat(t.getColumns()).extracting(c -> c.getName().getSimple())
        .containsExactly("TEXT", "STRING", "BYTES", "REGIONS", "IF");
  }

  @Test
  void twoPrimaryKeysFailAtTheSecond() throws Exception {
    SqlParseException e = assertFailsAt(
        "CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))", 1, 43);
    assertThat(e.getMessage()).contains("more than one PRIMARY KEY");
    assertFailsAt("CREATE TABLE t (a INT PRIMARY KEY,\n b INT PRIMARY KEY)", 2, 2);
    assertFailsAt("CREATE TABLE t (a INT, PRIMARY KEY (a), CONSTRAINT k2 PRIMARY KEY (a))", 1, 41);
  }

  @Test
  void unsupportedOrUnknownTypesFailAtTheType() {
    assertThat(assertFailsAt("CREATE TABLE t (a INT, b FOO)", 1, 26).getMessage())
        .contains("unsupported column type FOO");
    assertFailsAt("CREATE TABLE t (a TIME)", 1, 19);
    assertFailsAt("CREATE TABLE t (a INT ARRAY)", 1, 19);
    assertFailsAt("CREATE TABLE t (a TIMESTAMP WITH LOCAL TIME ZONE)", 1, 19);
  }

  @Test
  void repeatedColumnClauseFails() {
    assertThat(assertFailsAt("CREATE TABLE t (a INT NOT NULL NULL)", 1, 32).getMessage())
        .contains("more than once");
    assertFailsAt("CREATE TABLE t (a INT DEFAULT 1 DEFAULT 2)", 1, 33);
  }

  @Test
  void otherMalformedTablesFailWithAPosition() {
    assertFailsAt("CREATE TABLE t ()", 1, 17);
    assertFailsAt("CREATE TABLE t (a INT,)", 1, 23);
    assertFailsAt("CREATE TABLE t (a)", 1, 18);
    assertFailsAt("CREATE OR REPLACE TABLE t (a INT)", 1, 1);
  }

  @Test
  void columnUniqueInAnyOrderWithTheOtherClauses() {
    SqlCreateTable t = parseAs(SqlCreateTable.class,
        "CREATE TABLE t4 (x INTEGER UNIQUE, y INT NOT NULL UNIQUE DEFAULT 3, z INT UNIQUE PRIMARY KEY, w INT)");
    assertThat(t.getColumns()).extracting(SqlColumnDeclaration::isUnique)
        .containsExactly(true, true, true, false);
    assertThat(t.getColumns().get(1).getNullability()).isEqualTo(Nullability.NOT_NULL);
    assertThat(t.getColumns().get(1).getDefaultValue()).isPresent();
    assertThat(t.getUniqueConstraints()).hasSize(3).allSatisfy(u -> {
      assertThat(u.getKind()).isEqualTo(SqlKind.UNIQUE);
      assertThat(u.getConstraintName()).isEmpty();
    });
    assertThat(t.getUniqueConstraints())
        .extracting(u -> u.getColumns().stream().map(c -> c.getSimple()).toList())
        .containsExactly(List.of("X"), List.of("Y"), List.of("Z"));
    assertThat(MeridianSqlParser.unparse(t)).contains("\"X\" INTEGER UNIQUE");
  }

  @Test
  void tableUniqueConstraintsNamedOrNot() {
    SqlCreateTable t = parseAs(SqlCreateTable.class, """
        CREATE TABLE t (
          a INT PRIMARY KEY,
          b INT UNIQUE,
          c VARCHAR(10),
          d INT,
          CONSTRAINT t_cd UNIQUE (c, d),
          UNIQUE (d),
          PRIMARY_KEY_IS_A_NAME INT
        )""");
    List<SqlUniqueConstraint> unique = t.getUniqueConstraints();
    assertThat(unique).extracting(u -> u.getConstraintName().map(n -> n.getSimple()).orElse(null))
        .containsExactly(null, "T_CD", null);
    assertThat(unique).extracting(u -> u.getColumns().stream().map(c -> c.getSimple()).toList())
        .containsExactly(List.of("B"), List.of("C", "D"), List.of("D"));
    assertThat(t.getColumns()).hasSize(5);
    assertThat(t.getPrimaryKey()).extracting(k -> k.getName().getSimple()).containsExactly("A");
    String unparsed = MeridianSqlParser.unparse(t);
    assertThat(unparsed).contains("CONSTRAINT \"T_CD\" UNIQUE (\"C\", \"D\")").contains("UNIQUE (\"D\")");
    // CONSTRAINT name before PRIMARY KEY still parses next to UNIQUE constraints.
    SqlCreateTable both = parseAs(SqlCreateTable.class,
        "CREATE TABLE u (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a), CONSTRAINT uq UNIQUE (b))");
    assertThat(both.getPrimaryKeyConstraint()).isPresent();
    assertThat(both.getUniqueConstraints()).singleElement()
        .satisfies(u -> assertThat(u.getConstraintName()).get().extracting(n -> n.getSimple()).isEqualTo("UQ"));
  }

  @Test
  void uniqueErrors() {
    assertThat(assertFailsAt("CREATE TABLE t (a INT UNIQUE NOT NULL UNIQUE)", 1, 39).getMessage())
        .contains("UNIQUE is given more than once for column A");
    assertThat(assertFailsAt("CREATE TABLE t (a INT, b INT, UNIQUE (a, c))", 1, 42).getMessage())
        .contains("UNIQUE constraint names C, which is not a column of table T");
    assertFailsAt("CREATE TABLE t (a INT, CONSTRAINT u UNIQUE (\"a\"))", 1, 45);
    assertThat(assertFailsAt("CREATE TABLE t (a INT, UNIQUE (a, a))", 1, 35).getMessage())
        .contains("more than once");
    assertFailsAt("CREATE TABLE t (a INT, UNIQUE ())", 1, 32);
    assertFailsAt("CREATE TABLE t (a INT, UNIQUE a)", 1, 31);
    assertFailsAt("CREATE TABLE t (a INT, CONSTRAINT UNIQUE (a))", 1, 35);
  }

  @Test
  void dropTable() {
    SqlDropTable d = parseAs(SqlDropTable.class, "DROP TABLE accounts");
    assertThat(d.getKind()).isEqualTo(SqlKind.DROP_TABLE);
    assertThat(d.getName().getSimple()).isEqualTo("ACCOUNTS");
    assertThat(d.isIfExists()).isFalse();
    SqlDropTable d2 = parseAs(SqlDropTable.class, "DROP TABLE IF EXISTS s.accounts");
    assertThat(d2.isIfExists()).isTrue();
    assertThat(d2.getName().names).containsExactly("S", "ACCOUNTS");
    assertFailsAt("DROP TABLE", 1, 10);
  }
}
