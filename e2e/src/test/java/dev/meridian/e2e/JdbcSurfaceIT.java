package dev.meridian.e2e;

import static dev.meridian.e2e.Jdbc.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC surface frameworks rely on (jOOQ, JDBI, Hibernate), through the shaded driver against
 * one real node: savepoints, java.time values, SQLException subclasses by SQLSTATE, messages of
 * unsupported features, and DatabaseMetaData / ResultSetMetaData that describe Meridian. Each
 * test uses its own tables.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcSurfaceIT extends OneNodeIT {

  private static List<Integer> ids(Connection c, String table) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }

  @Test
  void savepointsRollBackPartOfATransaction() throws Exception {
    exec(connection, "CREATE TABLE sp_t (id INT PRIMARY KEY, tag VARCHAR(10))", "CREATE INDEX sp_tag ON sp_t (tag)");
    try (Connection c = Jdbc.connect(node)) {
      assertThatThrownBy(c::setSavepoint)
          .as("no savepoints in autocommit")
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25P01"));
      c.setAutoCommit(false);
      exec(c, "INSERT INTO sp_t VALUES (1, 'a')");
      Savepoint outer = c.setSavepoint();
      exec(c, "INSERT INTO sp_t VALUES (2, 'b')");
      Savepoint inner = c.setSavepoint("inner one");
      exec(c, "INSERT INTO sp_t VALUES (3, 'c')", "UPDATE sp_t SET tag = 'z' WHERE id = 1");
      c.rollback(inner);
      assertThat(ids(c, "sp_t")).containsExactly(1, 2);
      assertThat(inner.getSavepointName()).isEqualTo("inner one");
      assertThat(outer.getSavepointId()).isPositive();
      c.rollback(outer);
      assertThat(ids(c, "sp_t")).containsExactly(1);
      assertThatThrownBy(() -> c.releaseSavepoint(inner))
          .as("rolling back to the outer savepoint closed the inner one")
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3B001"));
      exec(c, "INSERT INTO sp_t VALUES (4, 'd')");
      c.releaseSavepoint(outer);
      c.commit();
      assertThatThrownBy(() -> c.rollback(outer))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3B001"));
    }
    assertThat(ids(connection, "sp_t")).containsExactly(1, 4);
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM sp_t WHERE tag = 'a'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("the index entry of the rolled-back UPDATE is gone too").isEqualTo(1);
      assertThat(rs.next()).isFalse();
    }
    assertThat(connection.getMetaData().supportsSavepoints()).isTrue();
  }

  @Test
  void javaTimeValuesRoundTrip() throws Exception {
    exec(connection, "CREATE TABLE jt (id INT PRIMARY KEY, d DATE, ts TIMESTAMP)");
    LocalDate date = LocalDate.of(1999, 12, 31);
    LocalDateTime dateTime = LocalDateTime.of(2024, 3, 1, 13, 45, 7, 123_456_789);
    OffsetDateTime offset = OffsetDateTime.of(2024, 3, 1, 13, 45, 7, 0, ZoneOffset.ofHours(2));
    Instant instant = Instant.parse("2001-02-03T04:05:06.789Z");
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jt VALUES (?, ?, ?)")) {
      insert.setInt(1, 1);
      insert.setObject(2, date);
      insert.setObject(3, dateTime);
      insert.executeUpdate();
      insert.setInt(1, 2);
      insert.setObject(2, date, Types.DATE);
      insert.setObject(3, offset, Types.TIMESTAMP_WITH_TIMEZONE);
      insert.executeUpdate();
      insert.setInt(1, 3);
      insert.setObject(2, null, Types.DATE);
      insert.setObject(3, instant, JDBCType.TIMESTAMP);
      insert.executeUpdate();
      insert.setInt(1, 4);
      assertThatThrownBy(() -> insert.setObject(2, date, Types.INTEGER)).isInstanceOf(SQLDataException.class);
    }
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT d, ts, CAST(ts AS DATE), TIME '10:11:12' FROM jt ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getObject(1, LocalDate.class)).isEqualTo(date);
      assertThat(rs.getObject("D", LocalDate.class)).isEqualTo(date);
      assertThat(rs.getObject(2, LocalDateTime.class))
          .as("TIMESTAMP keeps milliseconds")
          .isEqualTo(LocalDateTime.of(2024, 3, 1, 13, 45, 7, 123_000_000));
      assertThat(rs.getString(2)).startsWith("2024-03-01 13:45:07");
      assertThat(rs.getObject(3, LocalDate.class)).isEqualTo(LocalDate.of(2024, 3, 1));
      assertThat(rs.getObject(4, LocalTime.class)).isEqualTo(LocalTime.of(10, 11, 12));
      assertThat(rs.next()).isTrue();
      assertThat(rs.getObject(2, LocalDateTime.class)).as("stored as its UTC date and time")
          .isEqualTo(LocalDateTime.of(2024, 3, 1, 11, 45, 7));
      assertThat(rs.getObject(2, OffsetDateTime.class)).isEqualTo(offset.withOffsetSameInstant(ZoneOffset.UTC));
      assertThat(rs.getObject(2, Instant.class)).isEqualTo(offset.toInstant());
      assertThat(rs.next()).isTrue();
      assertThat(rs.getObject(1, LocalDate.class)).isNull();
      assertThat(rs.getObject(2, Instant.class)).isEqualTo(instant);
      assertThatThrownBy(() -> rs.getObject(4, LocalDate.class)).isInstanceOf(SQLDataException.class);
    }
  }

  @Test
  void failuresAreTheStandardSubclassesOfTheirSqlState() throws Exception {
    exec(connection, "CREATE TABLE ex_t (id INT PRIMARY KEY, v VARCHAR(3))", "INSERT INTO ex_t VALUES (1, 'a')");
    assertThatThrownBy(() -> exec(connection, "SELEC 1")).isInstanceOfSatisfying(SQLSyntaxErrorException.class,
        e -> assertThat(e.getSQLState()).startsWith("42"));
    assertThatThrownBy(() -> exec(connection, "SELECT nope FROM ex_t")).isInstanceOf(SQLSyntaxErrorException.class);
    assertThatThrownBy(() -> exec(connection, "INSERT INTO ex_t VALUES (1, 'b')"))
        .isInstanceOfSatisfying(SQLIntegrityConstraintViolationException.class,
            e -> assertThat(e.getSQLState()).isEqualTo("23505"));
    assertThatThrownBy(() -> exec(connection, "INSERT INTO ex_t VALUES (2, 'toolong')"))
        .isInstanceOfSatisfying(SQLDataException.class, e -> assertThat(e.getSQLState()).startsWith("22"));
    try (PreparedStatement bad = connection.prepareStatement("SELECT v FROM ex_t WHERE id = ?")) {
      bad.setString(1, "x");
      assertThatThrownBy(bad::executeQuery).isInstanceOf(SQLDataException.class);
    }
    exec(connection, "CREATE TABLE ex_slow (id INT PRIMARY KEY)");
    SqlEndToEndIT.insertIds(connection, "ex_slow", 3000);
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(1);
      assertThatThrownBy(() -> s.executeQuery(SqlEndToEndIT.slowCount("ex_slow")))
          .isInstanceOfSatisfying(SQLTimeoutException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
    }
    try (Connection a = Jdbc.connect(node); Connection b = Jdbc.connect(node)) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      exec(a, "UPDATE ex_t SET v = 'x' WHERE id = 1");
      exec(b, "UPDATE ex_t SET v = 'y' WHERE id = 1");
      a.commit();
      assertThatThrownBy(b::commit).isInstanceOfSatisfying(SQLTransactionRollbackException.class,
          e -> assertThat(e.getSQLState()).isEqualTo("40001"));
    }
  }

  @Test
  void unsupportedFeaturesSayWhichOne() throws Exception {
    assertThatThrownBy(() -> connection.createBlob())
        .isInstanceOfSatisfying(SQLFeatureNotSupportedException.class, e -> {
          assertThat(e.getMessage()).contains("Connection.createBlob()");
          assertThat(e.getSQLState()).isEqualTo("0A000");
        });
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
      assertThatThrownBy(() -> rs.getArray(1)).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(e.getMessage()).isNotNull());
      assertThatThrownBy(() -> rs.updateInt(1, 2)).isInstanceOfSatisfying(SQLFeatureNotSupportedException.class,
          e -> assertThat(e.getMessage()).contains("ResultSet.updateInt(int, int)"));
    }
  }

  @Test
  void databaseMetaDataDescribesMeridian() throws Exception {
    DatabaseMetaData md = connection.getMetaData();
    assertThat(md.getDatabaseProductName()).isEqualTo("Meridian");
    assertThat(md.getDatabaseProductVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(md.getDatabaseProductVersion()).startsWith(md.getDatabaseMajorVersion() + "." + md.getDatabaseMinorVersion() + ".");
    assertThat(md.getDriverName()).isEqualTo("Meridian JDBC driver");
    assertThat(md.getDriverVersion()).startsWith(md.getDriverMajorVersion() + "." + md.getDriverMinorVersion() + ".");
    assertThat(md.getDriverVersion()).isEqualTo(md.getDatabaseProductVersion());
    assertThat(md.supportsTransactions()).isTrue();
    assertThat(md.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
    assertThat(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_SERIALIZABLE)).isTrue();
    assertThat(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_READ_COMMITTED)).isFalse();
    assertThat(md.supportsBatchUpdates()).isTrue();
    assertThat(md.supportsDataManipulationTransactionsOnly()).isTrue();
    assertThat(md.getIdentifierQuoteString()).isEqualTo("\"");
    assertThat(md.storesUpperCaseIdentifiers()).isTrue();
    assertThat(md.supportsMixedCaseQuotedIdentifiers()).isTrue();
    assertThat(md.nullsAreSortedLow()).isTrue();
    assertThat(md.isReadOnly()).isFalse();
    assertThat(md.ownUpdatesAreVisible(ResultSet.TYPE_FORWARD_ONLY)).isFalse();
    assertThat(md.getSQLKeywords()).contains("LIMIT");
    assertThat(md.getNumericFunctions().split(",")).contains("ABS", "MOD", "POWER");
    assertThat(md.getStringFunctions().split(",")).contains("CONCAT", "SUBSTRING");
    assertThat(md.getTimeDateFunctions().split(",")).contains("CURDATE", "TIMESTAMPADD");
    assertThat(md.getSystemFunctions().split(",")).contains("IFNULL");
  }

  /** Whether {@code sql} runs on {@code c}. */
  private static boolean runs(Connection c, String sql) {
    try {
      exec(c, sql);
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Test
  void capabilitiesAreWhatTheServerDoes() throws Exception {
    DatabaseMetaData md = connection.getMetaData();
    exec(connection, "CREATE TABLE cap_t (id INT PRIMARY KEY, v VARCHAR(5))");
    assertThat(runs(connection, "INSERT INTO PUBLIC.cap_t VALUES (1, NULL), (2, 'b')"))
        .isEqualTo(md.supportsSchemasInDataManipulation()).isTrue();
    assertThat(runs(connection, "CREATE TABLE PUBLIC.cap_schema (id INT PRIMARY KEY)"))
        .isEqualTo(md.supportsSchemasInTableDefinitions());
    assertThat(runs(connection, "CREATE INDEX cap_v ON PUBLIC.cap_t (v)")).isEqualTo(md.supportsSchemasInIndexDefinitions());
    assertThat(runs(connection, "ALTER TABLE cap_t ADD COLUMN w INT")).isEqualTo(md.supportsAlterTableWithAddColumn());
    assertThat(runs(connection, "ALTER TABLE cap_t DROP COLUMN w")).isEqualTo(md.supportsAlterTableWithDropColumn());
    assertThat(runs(connection, "SELECT id FROM cap_t FOR UPDATE")).isEqualTo(md.supportsSelectForUpdate());
    assertThat(runs(connection, "SELECT a.id FROM cap_t a FULL OUTER JOIN cap_t b ON a.id = b.id"))
        .isEqualTo(md.supportsFullOuterJoins());
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM cap_t ORDER BY v")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1) == null).as("NULL first in ascending order").isEqualTo(md.nullsAreSortedLow());
    }
    exec(connection, "CREATE TABLE cap_lower (id INT PRIMARY KEY)", "CREATE TABLE \"cap_Mixed\" (id INT PRIMARY KEY)");
    try (ResultSet rs = md.getTables(null, null, "CAP_LOWER", null)) {
      assertThat(rs.next()).as("unquoted names are stored upper case").isEqualTo(md.storesUpperCaseIdentifiers());
    }
    try (ResultSet rs = md.getTables(null, null, "cap_Mixed", null)) {
      assertThat(rs.next()).as("quoted names keep their case").isEqualTo(md.supportsMixedCaseQuotedIdentifiers());
    }
    try (Connection c = Jdbc.connect(node); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO cap_t (id) VALUES (3)");
      assertThat(runs(c, "CREATE TABLE cap_in_txn (id INT PRIMARY KEY)"))
          .as("DDL inside a transaction").isEqualTo(md.supportsDataDefinitionAndDataManipulationTransactions())
          .isNotEqualTo(md.supportsDataManipulationTransactionsOnly());
      c.commit();
      assertThat(runs(c, "SELECT 1")).isTrue();
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM cap_t")) {
        assertThat(rs.next()).as("a statement stays open across commit").isEqualTo(md.supportsOpenStatementsAcrossCommit());
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
      assertThat(c.getTransactionIsolation()).isEqualTo(md.getDefaultTransactionIsolation());
    }
  }

  private static int count(Connection c, String table) throws SQLException {
    return ids(c, table).size();
  }

  private static void insert(PreparedStatement insert, int id) throws SQLException {
    insert.setInt(1, id);
    assertThat(insert.executeUpdate()).isEqualTo(1);
  }

  private static void readOnlyTransaction(Connection c, PreparedStatement read) throws SQLException {
    c.setReadOnly(true);
    c.setAutoCommit(false);
    try (ResultSet rs = read.executeQuery()) {
      assertThat(rs.next()).isTrue();
    }
    c.commit();
  }

  /**
   * The Jepsen bank workload's bug: Avatica's client sends property changes only before a create
   * or prepare request, so a statement prepared earlier ran the next transaction still read-only.
   */
  @Test
  void setReadOnlyFalseAfterAReadOnlyTransactionMakesTheNextStatementReadWrite() throws Exception {
    exec(connection, "CREATE TABLE ro_switch (id INT PRIMARY KEY)");
    int id = 0;
    for (boolean autoCommit : new boolean[] {true, false}) {
      try (Connection c = Jdbc.connect(node);
          PreparedStatement before = c.prepareStatement("INSERT INTO ro_switch VALUES (?)");
          PreparedStatement read = c.prepareStatement("SELECT COUNT(*) FROM ro_switch")) {
        readOnlyTransaction(c, read);
        try (PreparedStatement whileReadOnly = c.prepareStatement("INSERT INTO ro_switch VALUES (?)")) {
          c.setAutoCommit(autoCommit);
          c.setReadOnly(false);
          insert(before, ++id);
          insert(whileReadOnly, ++id);
          if (!autoCommit) {
            c.commit();
          }
        }
        readOnlyTransaction(c, read);
        c.setAutoCommit(autoCommit);
        c.setReadOnly(false);
        try (PreparedStatement after = c.prepareStatement("INSERT INTO ro_switch VALUES (?)")) {
          insert(after, ++id);
        }
        insert(before, ++id);
        if (!autoCommit) {
          c.commit();
        }
        c.setReadOnly(true);
        int next = ++id;
        assertThatThrownBy(() -> insert(before, next))
            .as("read-only reaches the server as promptly")
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
      }
    }
    assertThat(count(connection, "ro_switch")).isEqualTo(8);
  }

  @Test
  void setAutoCommitTakesEffectBeforeTheNextStatement() throws Exception {
    exec(connection, "CREATE TABLE ac_switch (id INT PRIMARY KEY)");
    try (Connection c = Jdbc.connect(node);
        PreparedStatement insert = c.prepareStatement("INSERT INTO ac_switch VALUES (?)")) {
      c.setAutoCommit(false);
      insert(insert, 1);
      assertThat(count(connection, "ac_switch")).as("the insert is in an open transaction").isZero();
      c.rollback();
      insert(insert, 2);
      c.setAutoCommit(true);
      assertThat(ids(connection, "ac_switch")).as("setAutoCommit(true) committed it").containsExactly(2);
      insert(insert, 3);
      assertThat(ids(connection, "ac_switch")).as("autocommit again").containsExactly(2, 3);
    }
  }

  @Test
  void setReadOnlyInsideATransactionFailsAtTheCallAndChangesNothing() throws Exception {
    exec(connection, "CREATE TABLE ro_in_txn (id INT PRIMARY KEY)");
    try (Connection c = Jdbc.connect(node);
        PreparedStatement insert = c.prepareStatement("INSERT INTO ro_in_txn VALUES (?)")) {
      c.setAutoCommit(false);
      insert(insert, 1);
      assertThatThrownBy(() -> c.setReadOnly(true))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25001"));
      assertThat(c.isReadOnly()).isFalse();
      insert(insert, 2);
      c.commit();
      try (PreparedStatement later = c.prepareStatement("INSERT INTO ro_in_txn VALUES (?)")) {
        insert(later, 3);
        c.commit();
      }
      assertThat(c.isReadOnly()).as("the refused change is not sent again later").isFalse();
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
    }
    assertThat(ids(connection, "ro_in_txn")).containsExactly(1, 2, 3);
  }

  @Test
  void resultSetMetaDataDescribesTableColumns() throws Exception {
    exec(connection, "CREATE TABLE rsmd_t (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(8, 2))");
    try (PreparedStatement ps = connection.prepareStatement("SELECT name, price, id * 2 AS twice FROM rsmd_t")) {
      for (ResultSetMetaData md : List.of(ps.getMetaData(), ps.executeQuery().getMetaData())) {
        assertThat(md.getPrecision(1)).isEqualTo(100);
        assertThat(md.getColumnDisplaySize(1)).isEqualTo(100);
        assertThat(md.getTableName(1)).isEqualTo("RSMD_T");
        assertThat(md.getSchemaName(1)).isEqualTo("PUBLIC");
        assertThat(md.isNullable(1)).isEqualTo(ResultSetMetaData.columnNoNulls);
        assertThat(md.isReadOnly(1)).isFalse();
        assertThat(md.isAutoIncrement(1)).isFalse();
        assertThat(md.getPrecision(2)).isEqualTo(8);
        assertThat(md.getScale(2)).isEqualTo(2);
        assertThat(md.isNullable(2)).isEqualTo(ResultSetMetaData.columnNullable);
        assertThat(md.getColumnLabel(3)).isEqualTo("TWICE");
        assertThat(md.getTableName(3)).isEmpty();
      }
    }
  }

  /** A connection the server refuses (here: 53300, too many) fails in the server's words, typed. */
  @Test
  void aRefusedConnectionSaysWhyWithoutAvaticasWrapping() throws Exception {
    try (NodeProcess small = NodeProcess.start(work.resolve("one-connection"), "--max-connections", "1");
        Connection only = Jdbc.connect(small)) {
      assertThat(only.isValid(5)).isTrue();
      assertThatThrownBy(() -> Jdbc.connect(small).close())
          .isInstanceOf(SQLTransientException.class)
          .satisfies(e -> {
            assertThat(((SQLException) e).getSQLState()).isEqualTo("53300");
            assertThat(e.getMessage()).startsWith("too many connections").doesNotContain("Remote driver error");
          });
    }
  }
}
