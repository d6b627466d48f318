package dev.meridian.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.server.LocalNode;
import dev.meridian.sql.exec.Session;
import dev.meridian.sql.exec.StatementGuard;
import dev.meridian.sql.exec.StatementResult;
import java.nio.file.Path;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ResultSetMetaData will say of result columns: from a query's results and its description. */
class ResultColumnMetadataTest {

  @TempDir Path dir;
  LocalNode node;
  Session session;

  @BeforeEach
  void open() {
    node = new LocalNode(dir);
    session = node.sqlEngine().openSession();
    session.execute("CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, note VARCHAR,"
        + " born DATE, seen TIMESTAMP, balance DECIMAL(12, 2), photo VARBINARY(16))", List.of(), StatementGuard.NONE);
  }

  @AfterEach
  void close() {
    session.close();
    node.close();
  }

  private List<ColumnMetaData> columns(String sql) throws Exception {
    try (StatementResult.Rows rows = (StatementResult.Rows) session.execute(sql, List.of(), StatementGuard.NONE)) {
      List<ColumnMetaData> executed = AvaticaTypes.columns(rows.rowType(), rows.columns());
      Session.Description description = session.describe(sql, StatementGuard.NONE);
      List<ColumnMetaData> described = AvaticaTypes.columns(description.rowType(), description.columns());
      assertThat(described).as("prepared and executed agree").usingRecursiveComparison().isEqualTo(executed);
      return executed;
    }
  }

  @Test
  void tableColumnsHaveTheirDeclaredLengthTableAndSchema() throws Exception {
    List<ColumnMetaData> c = columns("SELECT id, name, note, born, seen, balance, photo FROM person");
    ColumnMetaData name = c.get(1);
    assertThat(name.precision).isEqualTo(100);
    assertThat(name.displaySize).isEqualTo(100);
    assertThat(name.tableName).isEqualTo("PERSON");
    assertThat(name.schemaName).isEqualTo("PUBLIC");
    assertThat(name.nullable).isEqualTo(DatabaseMetaData.columnNoNulls);
    assertThat(name.readOnly).isFalse();
    assertThat(name.writable).isTrue();
    assertThat(name.autoIncrement).isFalse();

    ColumnMetaData note = c.get(2);
    assertThat(note.precision).as("VARCHAR without a length is unbounded").isEqualTo(Integer.MAX_VALUE);
    assertThat(note.nullable).isEqualTo(DatabaseMetaData.columnNullable);

    assertThat(c.get(0).precision).isEqualTo(10);
    assertThat(c.get(0).displaySize).isEqualTo(11);
    assertThat(c.get(3).precision).isEqualTo(10);
    assertThat(c.get(4).type.id).isEqualTo(Types.TIMESTAMP);
    assertThat(c.get(4).precision).as("yyyy-mm-dd hh:mm:ss.fff").isEqualTo(23);
    assertThat(c.get(4).scale).isEqualTo(3);
    assertThat(c.get(5).precision).isEqualTo(12);
    assertThat(c.get(5).scale).isEqualTo(2);
    assertThat(c.get(5).displaySize).isEqualTo(14);
    assertThat(c.get(6).precision).isEqualTo(16);
    assertThat(c.get(6).displaySize).isEqualTo(32);
  }

  @Test
  void computedColumnsHaveNoTableAndAliasesKeepTheOrigin() throws Exception {
    List<ColumnMetaData> c = columns("SELECT p.name AS who, UPPER(p.name) AS shout, 1 + p.id FROM person p");
    assertThat(c.get(0).label).isEqualTo("WHO");
    assertThat(c.get(0).tableName).isEqualTo("PERSON");
    assertThat(c.get(0).precision).isEqualTo(100);
    assertThat(c.get(1).tableName).isEmpty();
    assertThat(c.get(1).schemaName).isEmpty();
    assertThat(c.get(1).readOnly).isTrue();
    assertThat(c.get(2).tableName).isEmpty();
    assertThat(c.get(2).catalogName).isEmpty();
  }
}
