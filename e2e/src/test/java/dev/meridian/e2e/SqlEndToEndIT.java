package dev.meridian.e2e;

import static dev.meridian.e2e.Jdbc.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SQL through the shaded driver against one real node: DDL, DML, queries, EXPLAIN, every column
 * type, prepared statements, a streamed large result, DatabaseMetaData, errors with their
 * SQLSTATEs, the statement timeout, Statement.cancel, and the admin endpoints. Each test uses its
 * own tables.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqlEndToEndIT extends OneNodeIT {

  static List<String> query(Connection c, String sql) throws SQLException {
    try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      return rows(rs);
    }
  }

  static List<String> rows(ResultSet rs) throws SQLException {
    List<String> rows = new ArrayList<>();
    int width = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      StringBuilder row = new StringBuilder();
      for (int i = 1; i <= width; i++) {
        row.append(i > 1 ? "," : "").append(rs.getString(i));
      }
      rows.add(row.toString());
    }
    return rows;
  }

  static int update(Connection c, String sql) throws SQLException {
    try (Statement statement = c.createStatement()) {
      return statement.executeUpdate(sql);
    }
  }

  /** Fills {@code table (id INT PRIMARY KEY)} with the ids 0 to {@code count - 1}. */
  static void insertIds(Connection c, String table, int count) throws SQLException {
    StringBuilder values = new StringBuilder("INSERT INTO " + table + " VALUES ");
    for (int i = 0; i < count; i++) {
      values.append(i == 0 ? "" : ", ").append('(').append(i).append(')');
    }
    assertThat(update(c, values.toString())).isEqualTo(count);
  }

  /**
   * A three-way cross join of {@code table} counting nothing (ids are not negative): nested loops
   * over inputs replayed from memory, CPU-bound with no storage read to check the deadline, so it
   * shows that a statement that reads nothing still times out and is cancelled. Over 300 rows, 27
   * million combinations (seconds); over 3000, far longer than any test. Its answer is 0.
   */
  static String slowCount(String table) {
    return "SELECT COUNT(*) FROM " + table + " a, " + table + " b, " + table + " c WHERE a.id + b.id + c.id < 0";
  }

  static String sqlState(ThrowingRunnable action) {
    try {
      action.run();
    } catch (SQLException e) {
      return e.getSQLState();
    } catch (Exception e) {
      throw new AssertionError("expected an SQLException, got " + e, e);
    }
    throw new AssertionError("expected an SQLException, but the statement succeeded");
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void ddlAndDml() throws Exception {
    exec(connection,
        "CREATE TABLE dd_items (id BIGINT PRIMARY KEY, name VARCHAR(30) NOT NULL, price DECIMAL(10, 2), qty INT)",
        "CREATE TABLE dd_log (msg VARCHAR(100))",
        "CREATE UNIQUE INDEX dd_items_name ON dd_items (name)",
        "CREATE INDEX dd_items_qty ON dd_items (qty) STORING (price)");
    assertThat(update(connection,
        "INSERT INTO dd_items VALUES (1, 'apple', 1.50, 10), (2, 'pear', 2.25, 5), (3, 'plum', 0.75, 0)"))
        .isEqualTo(3);
    assertThat(update(connection, "INSERT INTO dd_log SELECT name FROM dd_items WHERE qty > 0")).isEqualTo(2);
    assertThat(query(connection, "SELECT msg FROM dd_log ORDER BY msg")).containsExactly("apple", "pear");

    assertThat(update(connection, "UPSERT INTO dd_items VALUES (3, 'plum', 0.80, 7), (4, 'fig', 3.00, 1)"))
        .isEqualTo(2);
    assertThat(update(connection, "UPDATE dd_items SET qty = qty + 1 WHERE price < 2")).isEqualTo(2);
    assertThat(update(connection, "DELETE FROM dd_items WHERE name = 'pear'")).isEqualTo(1);
    assertThat(query(connection, "SELECT id, name, price, qty FROM dd_items ORDER BY id"))
        .containsExactly("1,apple,1.50,11", "3,plum,0.80,8", "4,fig,3.00,1");

    exec(connection, "ALTER TABLE dd_items ADD COLUMN origin VARCHAR(20)",
        "CREATE VIEW dd_cheap AS SELECT id, name FROM dd_items WHERE price < 1");
    update(connection, "UPDATE dd_items SET origin = 'Spain' WHERE id = 3");
    assertThat(query(connection, "SELECT id, origin FROM dd_items ORDER BY id"))
        .containsExactly("1,null", "3,Spain", "4,null");
    assertThat(query(connection, "SELECT * FROM dd_cheap")).containsExactly("3,plum");
    // The unique index is enforced and used.
    assertThat(sqlState(() -> update(connection, "INSERT INTO dd_items (id, name) VALUES (9, 'fig')")))
        .isEqualTo("23505");
    assertThat(String.join("\n", query(connection, "EXPLAIN PLAN FOR SELECT id FROM dd_items WHERE name = 'fig'")))
        .contains("DD_ITEMS_NAME");
    exec(connection, "DROP VIEW dd_cheap", "DROP INDEX dd_items_qty");
  }

  @Test
  void queries() throws Exception {
    exec(connection,
        "CREATE TABLE q_dept (id INT PRIMARY KEY, name VARCHAR(20))",
        "CREATE TABLE q_emp (id INT PRIMARY KEY, dept INT, name VARCHAR(20), salary INT)");
    update(connection, "INSERT INTO q_dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty')");
    update(connection, "INSERT INTO q_emp VALUES (1, 1, 'ann', 100), (2, 1, 'bob', 80), (3, 2, 'cid', 70), "
        + "(4, 2, 'dee', 90), (5, NULL, 'eve', 60)");

    assertThat(query(connection, "SELECT e.name, d.name FROM q_emp e JOIN q_dept d ON e.dept = d.id "
        + "ORDER BY e.id")).containsExactly("ann,eng", "bob,eng", "cid,ops", "dee,ops");
    assertThat(query(connection, "SELECT d.name, e.name FROM q_dept d LEFT JOIN q_emp e ON e.dept = d.id "
        + "WHERE e.id IS NULL")).containsExactly("empty,null");
    assertThat(query(connection, "SELECT dept, COUNT(*), SUM(salary) FROM q_emp WHERE dept IS NOT NULL "
        + "GROUP BY dept HAVING SUM(salary) > 150 ORDER BY dept")).containsExactly("1,2,180", "2,2,160");
    assertThat(query(connection, "SELECT name FROM q_emp ORDER BY salary DESC LIMIT 2 OFFSET 1"))
        .containsExactly("dee", "bob");
    assertThat(query(connection, "SELECT DISTINCT dept FROM q_emp WHERE dept IS NOT NULL ORDER BY dept"))
        .containsExactly("1", "2");
    assertThat(query(connection, "SELECT id FROM q_dept UNION SELECT dept FROM q_emp WHERE dept IS NOT NULL "
        + "ORDER BY 1")).containsExactly("1", "2", "3");
    assertThat(query(connection, "SELECT id FROM q_dept EXCEPT SELECT dept FROM q_emp WHERE dept IS NOT NULL"))
        .containsExactly("3");
    assertThat(query(connection, "SELECT id FROM q_dept INTERSECT SELECT dept FROM q_emp ORDER BY 1"))
        .containsExactly("1", "2");
    assertThat(query(connection, "SELECT name FROM q_emp WHERE dept IN (SELECT id FROM q_dept WHERE name = 'ops') "
        + "ORDER BY name")).containsExactly("cid", "dee");
    assertThat(query(connection, "SELECT name FROM q_dept d WHERE EXISTS "
        + "(SELECT 1 FROM q_emp e WHERE e.dept = d.id AND e.salary > 95)")).containsExactly("eng");
    assertThat(query(connection, "SELECT name FROM q_emp WHERE salary = (SELECT MAX(salary) FROM q_emp)"))
        .containsExactly("ann");
    assertThat(query(connection, "SELECT name, CASE WHEN salary >= 90 THEN 'high' WHEN salary >= 70 THEN 'mid' "
        + "ELSE 'low' END FROM q_emp ORDER BY id")).containsExactly("ann,high", "bob,mid", "cid,mid", "dee,high",
        "eve,low");
    assertThat(query(connection, "SELECT CAST(salary AS VARCHAR(10)) || '!', CAST('42' AS INT) + 1, "
        + "CAST(salary AS DECIMAL(6, 1)) FROM q_emp WHERE id = 1")).containsExactly("100!,43,100.0");
  }

  @Test
  void explainShowsAPointLookup() throws Exception {
    exec(connection, "CREATE TABLE ex_t (id INT PRIMARY KEY, v INT)");
    String plan = String.join("\n", query(connection, "EXPLAIN PLAN FOR SELECT v FROM ex_t WHERE id = 5"));
    assertThat(plan).contains("point lookup on PRIMARY");
    assertThat(String.join("\n", query(connection, "EXPLAIN PLAN FOR SELECT v FROM ex_t WHERE v = 5")))
        .contains("full scan");
  }

  @Test
  void everyColumnTypeRoundTrips() throws Exception {
    exec(connection, "CREATE TABLE ty_all (id INT PRIMARY KEY, b BOOLEAN, s SMALLINT, i INTEGER, l BIGINT, "
        + "r REAL, d DOUBLE, n DECIMAL(12, 3), v VARCHAR(40), bin VARBINARY(16), dt DATE, ts TIMESTAMP)");
    Date date = Date.valueOf("1999-12-31");
    Timestamp timestamp = Timestamp.valueOf("2024-02-29 23:59:58.123");
    byte[] bytes = {0, 1, (byte) 0xff, 42};
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO ty_all VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setInt(1, 1);
      insert.setBoolean(2, true);
      insert.setShort(3, (short) -12345);
      insert.setInt(4, Integer.MIN_VALUE);
      insert.setLong(5, Long.MAX_VALUE);
      insert.setFloat(6, 1.25f);
      insert.setDouble(7, -2.5e300);
      insert.setBigDecimal(8, new BigDecimal("123456789.125"));
      insert.setString(9, "héllo, wörld ✓");
      insert.setBytes(10, bytes);
      insert.setDate(11, date);
      insert.setTimestamp(12, timestamp);
      assertThat(insert.executeUpdate()).isEqualTo(1);
      insert.setInt(1, 2);
      for (int i = 2; i <= 12; i++) {
        insert.setNull(i, Types.NULL);
      }
      assertThat(insert.executeUpdate()).isEqualTo(1);
    }
    // Literals go the other way: SQL text in, JDBC values out.
    update(connection, "INSERT INTO ty_all VALUES (3, FALSE, 7, 8, 9, 0.5, 0.25, 1.5, 'x', x'0a0b', "
        + "DATE '2000-01-01', TIMESTAMP '2000-01-01 00:00:00.5')");

    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT * FROM ty_all ORDER BY id")) {
      ResultSetMetaData md = rs.getMetaData();
      assertThat(md.getColumnType(2)).isEqualTo(Types.BOOLEAN);
      assertThat(md.getColumnType(3)).isEqualTo(Types.SMALLINT);
      assertThat(md.getColumnType(5)).isEqualTo(Types.BIGINT);
      assertThat(md.getColumnType(6)).isEqualTo(Types.REAL);
      assertThat(md.getColumnType(8)).isEqualTo(Types.DECIMAL);
      assertThat(md.getScale(8)).isEqualTo(3);
      // The engine types result columns VARCHAR without length (see MeridianTable); lengths are
      // in DatabaseMetaData.getColumns.
      assertThat(md.getColumnType(9)).isEqualTo(Types.VARCHAR);
      assertThat(md.getColumnType(10)).isEqualTo(Types.VARBINARY);
      assertThat(md.getColumnType(11)).isEqualTo(Types.DATE);
      assertThat(md.getColumnType(12)).isEqualTo(Types.TIMESTAMP);

      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(2)).isTrue();
      assertThat(rs.getShort(3)).isEqualTo((short) -12345);
      assertThat(rs.getInt(4)).isEqualTo(Integer.MIN_VALUE);
      assertThat(rs.getLong(5)).isEqualTo(Long.MAX_VALUE);
      assertThat(rs.getFloat(6)).isEqualTo(1.25f);
      assertThat(rs.getDouble(7)).isEqualTo(-2.5e300);
      assertThat(rs.getBigDecimal(8)).isEqualTo(new BigDecimal("123456789.125"));
      assertThat(rs.getString(9)).isEqualTo("héllo, wörld ✓");
      assertThat(rs.getBytes(10)).isEqualTo(bytes);
      assertThat(rs.getDate(11)).isEqualTo(date);
      assertThat(rs.getTimestamp(12)).isEqualTo(timestamp);

      assertThat(rs.next()).isTrue();
      for (int i = 2; i <= 12; i++) {
        assertThat(rs.getObject(i)).as("column %d", i).isNull();
      }
      assertThat(rs.getInt(4)).isZero();
      assertThat(rs.wasNull()).isTrue();

      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(2)).isFalse();
      assertThat(rs.getBigDecimal(8)).isEqualTo(new BigDecimal("1.500"));
      assertThat(rs.getBytes(10)).isEqualTo(new byte[] {10, 11});
      assertThat(rs.getDate(11)).isEqualTo(Date.valueOf("2000-01-01"));
      assertThat(rs.getTimestamp(12)).isEqualTo(Timestamp.valueOf("2000-01-01 00:00:00.5"));
      assertThat(rs.next()).isFalse();
    }

    // Parameters of every type find the row again.
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT id FROM ty_all WHERE b = ? AND s = ? AND l = ? AND n = ? AND v = ? AND bin = ? AND dt = ? AND ts = ?")) {
      select.setBoolean(1, true);
      select.setShort(2, (short) -12345);
      select.setLong(3, Long.MAX_VALUE);
      select.setBigDecimal(4, new BigDecimal("123456789.125"));
      select.setString(5, "héllo, wörld ✓");
      select.setBytes(6, bytes);
      select.setDate(7, date);
      select.setTimestamp(8, timestamp);
      try (ResultSet rs = select.executeQuery()) {
        assertThat(rows(rs)).containsExactly("1");
      }
    }
  }

  @Test
  void preparedStatementsAndBatches() throws Exception {
    exec(connection, "CREATE TABLE ps_t (id BIGINT PRIMARY KEY, v VARCHAR(10), n INT)");
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ps_t VALUES (?, ?, ?)")) {
      assertThat(insert.getParameterMetaData().getParameterCount()).isEqualTo(3);
      assertThat(insert.getParameterMetaData().getParameterType(1)).isEqualTo(Types.BIGINT);
      for (int i = 1; i <= 20; i++) {
        insert.setInt(1, i); // an INT bound to a BIGINT parameter is widened
        insert.setString(2, "v" + i);
        insert.setInt(3, i % 3);
        insert.addBatch();
      }
      int[] counts = insert.executeBatch();
      assertThat(counts).hasSize(20).containsOnly(1);
    }
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT COUNT(*), MIN(id) FROM ps_t WHERE n = ? AND id > ?")) {
      assertThat(select.getMetaData().getColumnCount()).isEqualTo(2);
      for (int n = 0; n < 3; n++) {
        select.setInt(1, n);
        select.setLong(2, 3);
        try (ResultSet rs = select.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(n == 0 ? 5 : 6);
        }
      }
    }
    try (PreparedStatement bad = connection.prepareStatement("SELECT v FROM ps_t WHERE id = ?")) {
      bad.setString(1, "not a number");
      assertThat(sqlState(bad::executeQuery)).isEqualTo("22018");
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aMillionRowResultStreamsInFrames() throws Exception {
    exec(connection, "CREATE TABLE big_t (id INT PRIMARY KEY)");
    StringBuilder values = new StringBuilder("INSERT INTO big_t VALUES ");
    for (int i = 0; i < 1000; i++) {
      values.append(i == 0 ? "" : ", ").append('(').append(i).append(')');
    }
    assertThat(update(connection, values.toString())).isEqualTo(1000);
    try (Statement statement = connection.createStatement()) {
      statement.setFetchSize(5000);
      long rows = 0;
      long sum = 0;
      try (ResultSet rs = statement.executeQuery("SELECT a.id, b.id FROM big_t a CROSS JOIN big_t b")) {
        while (rs.next()) {
          rows++;
          sum += rs.getInt(1) + rs.getInt(2);
        }
      }
      assertThat(rows).isEqualTo(1_000_000);
      assertThat(sum).isEqualTo(2L * 1000 * (999 * 1000 / 2));
    }
    // The session is free again after the stream, and setMaxRows bounds a result.
    try (Statement statement = connection.createStatement()) {
      statement.setMaxRows(7);
      try (ResultSet rs = statement.executeQuery("SELECT id FROM big_t")) {
        assertThat(rows(rs)).hasSize(7);
      }
    }
  }

  @Test
  void databaseMetaData() throws Exception {
    exec(connection,
        "CREATE TABLE md_users (id BIGINT, region VARCHAR(8), email VARCHAR(64) NOT NULL, age INT, "
            + "PRIMARY KEY (region, id))",
        "CREATE TABLE md_nokey (x INT, y VARCHAR(5))",
        "CREATE UNIQUE INDEX md_users_email ON md_users (email) STORING (age)",
        "CREATE VIEW md_adults AS SELECT id, email FROM md_users WHERE age >= 18");
    DatabaseMetaData md = connection.getMetaData();
    try (ResultSet rs = md.getTables(null, null, "MD_%", null)) {
      List<String> tables = new ArrayList<>();
      while (rs.next()) {
        tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
      }
      assertThat(tables).containsExactly("PUBLIC.MD_NOKEY:TABLE", "PUBLIC.MD_USERS:TABLE", "PUBLIC.MD_ADULTS:VIEW");
    }
    try (ResultSet rs = md.getTables(null, "PUBLIC", "MD_%", new String[] {"VIEW"})) {
      assertThat(rows(rs)).hasSize(1);
    }
    try (ResultSet rs = md.getColumns(null, null, "MD_USERS", null)) {
      List<String> columns = new ArrayList<>();
      while (rs.next()) {
        columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":" + rs.getInt("DATA_TYPE")
            + ":" + rs.getInt("COLUMN_SIZE") + ":" + rs.getString("IS_NULLABLE") + ":" + rs.getInt("ORDINAL_POSITION"));
      }
      assertThat(columns).containsExactly(
          "ID:BIGINT:" + Types.BIGINT + ":19:NO:1",
          "REGION:VARCHAR(8):" + Types.VARCHAR + ":8:NO:2",
          "EMAIL:VARCHAR(64):" + Types.VARCHAR + ":64:NO:3",
          "AGE:INTEGER:" + Types.INTEGER + ":10:YES:4");
    }
    try (ResultSet rs = md.getColumns(null, null, "MD_NOKEY", null)) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString("COLUMN_NAME"));
      }
      assertThat(names).as("the hidden row id is not a column").containsExactly("X", "Y");
    }
    try (ResultSet rs = md.getColumns(null, null, "MD_ADULTS", null)) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString("COLUMN_NAME"));
      }
      assertThat(names).containsExactly("ID", "EMAIL");
    }
    // getPrimaryKeys and getIndexInfo: see primaryKeysAndIndexInfo.
    try (ResultSet rs = md.getSchemas()) {
      assertThat(rows(rs)).containsExactly("PUBLIC,null");
    }
    try (ResultSet rs = md.getCatalogs()) {
      assertThat(rs.next()).isFalse();
    }
    try (ResultSet rs = md.getTableTypes()) {
      assertThat(rows(rs)).containsExactly("TABLE", "VIEW");
    }
    assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
  }

  @Test
  void primaryKeysAndIndexInfo() throws Exception {
    exec(connection,
        "CREATE TABLE pk_acct (region VARCHAR(4), id BIGINT, email VARCHAR(40), age INT, "
            + "PRIMARY KEY (region, id DESC))",
        "CREATE UNIQUE INDEX pk_acct_email ON pk_acct (email) STORING (age)",
        "CREATE INDEX pk_acct_age ON pk_acct (age DESC, region)",
        "CREATE TABLE pk_nokey (x INT, y INT)",
        "CREATE INDEX pk_nokey_y ON pk_nokey (y)");
    DatabaseMetaData md = connection.getMetaData();
    // JDBC orders getPrimaryKeys by COLUMN_NAME; KEY_SEQ is the position in the key.
    try (ResultSet rs = md.getPrimaryKeys(null, null, "PK_ACCT")) {
      assertThat(rs.getMetaData().getColumnCount()).isEqualTo(6);
      List<String> keys = new ArrayList<>();
      while (rs.next()) {
        keys.add(rs.getString("TABLE_CAT") + ":" + rs.getString("TABLE_SCHEM") + ":" + rs.getString("TABLE_NAME")
            + ":" + rs.getString("COLUMN_NAME") + ":" + rs.getShort("KEY_SEQ") + ":" + rs.getString("PK_NAME"));
      }
      assertThat(keys).containsExactly("null:PUBLIC:PK_ACCT:ID:2:PRIMARY_KEY",
          "null:PUBLIC:PK_ACCT:REGION:1:PRIMARY_KEY");
    }
    try (ResultSet rs = md.getPrimaryKeys("", "PUBLIC", "PK_ACCT")) {
      assertThat(rows(rs)).hasSize(2);
    }
    try (ResultSet rs = md.getPrimaryKeys(null, "OTHER", "PK_ACCT")) {
      assertThat(rs.next()).isFalse();
    }
    try (ResultSet rs = md.getPrimaryKeys(null, null, "PK_%")) {
      assertThat(rs.next()).as("table names are not patterns here").isFalse();
    }
    try (ResultSet rs = md.getPrimaryKeys(null, null, "PK_NOKEY")) {
      assertThat(rs.next()).as("the hidden row id is not a primary key column").isFalse();
    }
    // JDBC orders getIndexInfo by NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION. STORING columns
    // are not key columns.
    try (ResultSet rs = md.getIndexInfo(null, null, "PK_ACCT", false, true)) {
      assertThat(rs.getMetaData().getColumnCount()).isEqualTo(13);
      List<String> index = new ArrayList<>();
      while (rs.next()) {
        index.add(rs.getString("TABLE_NAME") + ":" + rs.getBoolean("NON_UNIQUE") + ":" + rs.getString("INDEX_QUALIFIER")
            + ":" + rs.getString("INDEX_NAME") + ":" + rs.getShort("TYPE") + ":" + rs.getShort("ORDINAL_POSITION")
            + ":" + rs.getString("COLUMN_NAME") + ":" + rs.getString("ASC_OR_DESC") + ":"
            + rs.getObject("CARDINALITY") + ":" + rs.getObject("PAGES") + ":" + rs.getString("FILTER_CONDITION"));
      }
      short other = DatabaseMetaData.tableIndexOther;
      assertThat(index).containsExactly(
          "PK_ACCT:false:null:PK_ACCT_EMAIL:" + other + ":1:EMAIL:A:null:null:null",
          "PK_ACCT:false:null:PRIMARY_KEY:" + other + ":1:REGION:A:null:null:null",
          "PK_ACCT:false:null:PRIMARY_KEY:" + other + ":2:ID:D:null:null:null",
          "PK_ACCT:true:null:PK_ACCT_AGE:" + other + ":1:AGE:D:null:null:null",
          "PK_ACCT:true:null:PK_ACCT_AGE:" + other + ":2:REGION:A:null:null:null");
    }
    try (ResultSet rs = md.getIndexInfo(null, "PUBLIC", "PK_ACCT", true, false)) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString("INDEX_NAME") + "." + rs.getString("COLUMN_NAME"));
      }
      assertThat(names).containsExactly("PK_ACCT_EMAIL.EMAIL", "PRIMARY_KEY.REGION", "PRIMARY_KEY.ID");
    }
    try (ResultSet rs = md.getIndexInfo(null, null, "PK_NOKEY", false, false)) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString("INDEX_NAME") + "." + rs.getString("COLUMN_NAME"));
      }
      assertThat(names).as("no primary key row for the hidden row id").containsExactly("PK_NOKEY_Y.Y");
    }
    // The metadata result set's statement closes with it; the connection goes on working.
    ResultSet closed = md.getPrimaryKeys(null, null, "PK_ACCT");
    closed.close();
    assertThat(closed.isClosed()).isTrue();
    assertThat(query(connection, "SELECT COUNT(*) FROM pk_acct")).containsExactly("0");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void setQueryTimeoutCancelsWith57014() throws Exception {
    try (Connection c = Jdbc.connect(node)) {
      exec(c, "CREATE TABLE qt_t (id INT PRIMARY KEY)");
      insertIds(c, "qt_t", 3000);
      String slow = slowCount("qt_t");
      try (Statement statement = c.createStatement()) {
        statement.setQueryTimeout(1);
        assertThat(statement.getQueryTimeout()).isEqualTo(1);
        long start = System.nanoTime();
        assertThat(sqlState(() -> statement.executeQuery(slow))).isEqualTo("57014");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 60_000L);
        // The same statement and connection go on working.
        try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM qt_t")) {
          assertThat(rows(rs)).containsExactly("3000");
        }
      }
      try (PreparedStatement prepared = c.prepareStatement(slow)) {
        prepared.setQueryTimeout(1);
        assertThat(sqlState(prepared::executeQuery)).isEqualTo("57014");
      }
      // The statement's timeout replaces the session's for its executions only. Under a session
      // timeout of 1ms the slow query over 300 rows times out (statementTimeoutCancelsWith57014),
      // but a statement with a generous query timeout runs it, and the session's timeout is back
      // for the next statement.
      exec(c, "CREATE TABLE qt_small (id INT PRIMARY KEY)");
      insertIds(c, "qt_small", 300);
      String smallSlow = slowCount("qt_small");
      exec(c, "SET STATEMENT_TIMEOUT = '1ms'");
      try (Statement statement = c.createStatement()) {
        statement.setQueryTimeout(60);
        try (ResultSet rs = statement.executeQuery(smallSlow)) {
          assertThat(rows(rs)).containsExactly("0");
        }
      }
      assertThat(sqlState(() -> query(c, smallSlow))).isEqualTo("57014");
      exec(c, "SET STATEMENT_TIMEOUT = 0");
      assertThat(query(c, "SELECT COUNT(*) FROM qt_t")).containsExactly("3000");
    }
  }

  @Test
  void cancelStopsARunningStatementWith57014() throws Exception {
    ExecutorService otherThread = Executors.newSingleThreadExecutor();
    try (Connection c = Jdbc.connect(node)) {
      exec(c, "CREATE TABLE cn_t (id INT PRIMARY KEY)", "CREATE TABLE cn_copy (id INT PRIMARY KEY)");
      insertIds(c, "cn_t", 3000);
      try (Statement statement = c.createStatement()) {
        // Cancelling a statement that is not running does nothing.
        statement.cancel();
        try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM cn_t")) {
          assertThat(rows(rs)).containsExactly("3000");
        }
        statement.cancel();

        // While it executes: the slow query takes many seconds, the cancel stops it.
        assertThat(cancelledWhileRunning(statement, otherThread, () -> statement.executeQuery(slowCount("cn_t"))))
            .isEqualTo("57014");
        // The statement and its connection go on working.
        try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM cn_t")) {
          assertThat(rows(rs)).containsExactly("3000");
        }

        // While its result is being read: nine million rows, fetched in frames.
        try (ResultSet rs = statement.executeQuery("SELECT a.id, b.id FROM cn_t a, cn_t b")) {
          int read = 0;
          while (read < 1000 && rs.next()) {
            read++;
          }
          otherThread.submit(() -> {
            statement.cancel();
            return null;
          }).get(30, TimeUnit.SECONDS);
          assertThat(sqlState(() -> {
            while (rs.next()) {
              // read on until the cancel is seen
            }
          })).isEqualTo("57014");
        }

        // A cancelled write leaves nothing behind (autocommit: its transaction is rolled back).
        assertThat(cancelledWhileRunning(statement, otherThread,
            () -> statement.executeUpdate("INSERT INTO cn_copy " + slowCount("cn_t").replace("COUNT(*)", "a.id"))))
            .isEqualTo("57014");
      }
      assertThat(query(c, "SELECT COUNT(*) FROM cn_copy")).containsExactly("0");
      assertThat(query(c, "SELECT COUNT(*) FROM cn_t")).containsExactly("3000");
    } finally {
      otherThread.shutdownNow();
    }
  }

  /**
   * Runs {@code execution} on another thread and cancels {@code statement} from this one until the
   * execution ends; returns its SQLSTATE. A cancel that reaches the node before the execution does
   * does nothing, hence the repeats.
   */
  private static String cancelledWhileRunning(Statement statement, ExecutorService otherThread,
      ThrowingRunnable execution) throws Exception {
    Future<String> outcome = otherThread.submit(() -> sqlState(execution));
    while (true) {
      statement.cancel();
      try {
        return outcome.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // cancel again
      }
    }
  }

  @Test
  void onlyTheConnectionIdCancels() throws Exception {
    try (Connection owner = Jdbc.connect(node); Connection other = Jdbc.connect(node);
        Statement statement = owner.createStatement()) {
      exec(owner, "CREATE TABLE ck_t (id INT PRIMARY KEY)");
      insertIds(owner, "ck_t", 300);
      try (ResultSet rs = statement.executeQuery("SELECT a.id, b.id FROM ck_t a, ck_t b")) {
        for (int i = 0; i < 10; i++) {
          assertThat(rs.next()).isTrue();
        }
        // The result is open on the node, so a cancel would stop it. Another connection that
        // does not know the owner's connection id stops nothing, whatever the statement id.
        Object handle = avaticaHandle(statement);
        String connectionId = (String) handle.getClass().getField("connectionId").get(handle);
        int statementId = handle.getClass().getField("id").getInt(handle);
        assertThat(update(other, "CANCEL STATEMENT '" + UUID.randomUUID() + "' " + statementId)).isZero();
        assertThat(update(other, "CANCEL STATEMENT '" + connectionId.toUpperCase() + "x' " + statementId)).isZero();
        for (int i = 0; i < 1000; i++) {
          assertThat(rs.next()).as("the result reads on across frames").isTrue();
        }
        // The id is the key: whoever holds it may cancel, from any connection.
        assertThat(update(other, "CANCEL STATEMENT '" + connectionId + "' " + statementId)).isEqualTo(1);
        assertThat(sqlState(() -> {
          while (rs.next()) {
            // read on until the cancel is seen
          }
        })).isEqualTo("57014");
        assertThat(update(other, "CANCEL STATEMENT '" + connectionId + "' " + statementId))
            .as("nothing left to stop").isZero();
      }
      assertThat(query(owner, "SELECT COUNT(*) FROM ck_t")).containsExactly("300");
    }
  }

  /**
   * Avatica's handle of the statement behind the driver's: the ids its cancel sends. Read by
   * reflection, as this test sees only java.sql.
   */
  private static Object avaticaHandle(Statement statement) throws Exception {
    Object avatica = statement.unwrap(Statement.class);
    return avatica.getClass().getField("handle").get(avatica);
  }

  @Test
  void errorsCarryTheirSqlStates() throws Exception {
    exec(connection, "CREATE TABLE er_t (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL)");
    update(connection, "INSERT INTO er_t VALUES (1, 'a')");
    assertThat(sqlState(() -> query(connection, "SELEC 1"))).isEqualTo("42601");
    assertThat(sqlState(() -> query(connection, "SELECT * FROM er_missing"))).isEqualTo("42P01");
    assertThat(sqlState(() -> query(connection, "SELECT nope FROM er_t"))).isEqualTo("42703");
    assertThat(sqlState(() -> query(connection, "SELECT no_such_function(1) FROM er_t"))).isEqualTo("42883");
    assertThat(sqlState(() -> update(connection, "INSERT INTO er_t VALUES (1, 'b')"))).isEqualTo("23505");
    assertThat(sqlState(() -> update(connection, "INSERT INTO er_t (id) VALUES (2)"))).isEqualTo("23502");
    assertThat(sqlState(() -> query(connection, "SELECT 1 / (id - 1) FROM er_t"))).isEqualTo("22012");
    assertThat(sqlState(() -> exec(connection, "CREATE TABLE er_t (x INT PRIMARY KEY)"))).startsWith("42");
    // A failed statement leaves the connection usable.
    assertThat(query(connection, "SELECT name FROM er_t")).containsExactly("a");
  }

  @Test
  void malformedRequestsDoNotTakeTheServerDown() throws Exception {
    for (byte[] body : List.of(new byte[] {1, 2, 3, 4, 5}, "{\"request\":\"openConnection\"}".getBytes(),
        new byte[0])) {
      HttpURLConnection http = (HttpURLConnection) URI.create(node.avaticaUrl()).toURL().openConnection();
      http.setRequestMethod("POST");
      http.setDoOutput(true);
      http.setRequestProperty("Content-Type", "application/octet-stream");
      http.getOutputStream().write(body);
      int status = http.getResponseCode();
      assertThat(status).isBetween(400, 599);
      try (InputStream error = http.getErrorStream()) {
        if (error != null) {
          error.readAllBytes();
        }
      }
      http.disconnect();
    }
    assertThat(node.isAlive()).isTrue();
    assertThat(query(connection, "SELECT 1 + 1")).containsExactly("2");
  }

  @Test
  void statementTimeoutCancelsWith57014() throws Exception {
    try (Connection c = Jdbc.connect(node)) {
      exec(c, "CREATE TABLE to_t (id INT PRIMARY KEY)");
      insertIds(c, "to_t", 300);
      exec(c, "SET STATEMENT_TIMEOUT = '1ms'");
      assertThat(sqlState(() -> query(c, slowCount("to_t")))).isEqualTo("57014");
      exec(c, "SET STATEMENT_TIMEOUT = 0");
      assertThat(query(c, "SELECT COUNT(*) FROM to_t")).containsExactly("300");
      assertThat(sqlState(() -> exec(c, "SET STATEMENT_TIMEOUT = 'soon'"))).isEqualTo("22023");
    }
  }

  @Test
  void adminEndpoints() throws Exception {
    HttpResponse<String> health = node.get("health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"ok\"", "\"nodeId\":1", "\"uptimeMillis\":", "\"epsilonMicros\":");
    query(connection, "SELECT 1");
    HttpResponse<String> metrics = node.get("metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body()).contains(
        "meridian_statements_total{kind=\"select\"}",
        "meridian_commits_total ",
        "meridian_conflicts_total ",
        "meridian_statement_duration_seconds_bucket{le=\"+Inf\"}",
        "meridian_plan_cache_hits_total ",
        "meridian_plan_cache_misses_total ",
        "meridian_truetime_epsilon_seconds ",
        "meridian_sessions_open ");
    assertThat(node.get("nope").statusCode()).isEqualTo(404);
  }
}
