package dev.meridian.e2e;

import static dev.meridian.e2e.Jdbc.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bulk loading against a real node through the shaded driver: executeBatch as one transaction
 * with a BatchUpdateException that names the failing statement, multi-row VALUES longer than the
 * JVM's method size, and {@code meridian load} (LoadCommand in a child JVM on the shell jar and
 * the driver jar, as bin/meridian runs it).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BulkLoadIT extends OneNodeIT {

  static long count(String table) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Test
  void aFailedBatchIsABatchUpdateExceptionAndLeavesNothing() throws Exception {
    exec(connection, "CREATE TABLE batch_t (id BIGINT PRIMARY KEY, s VARCHAR(20))");
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO batch_t VALUES (?, ?)")) {
      for (int i = 0; i < 2_000; i++) {
        insert.setLong(1, i == 1_234 ? 7 : i);
        insert.setString(2, "v" + i);
        insert.addBatch();
      }
      BatchUpdateException failure = catchThrowableOfType(BatchUpdateException.class, insert::executeBatch);
      assertThat(failure.getSQLState()).isEqualTo("23505");
      assertThat(failure.getUpdateCounts()).hasSize(1_234);
      assertThat(failure.getMessage()).startsWith("statement 1235 of the batch of 2000 failed: duplicate key");
      assertThat(count("batch_t")).isZero();

      for (int i = 0; i < 2_000; i++) {
        insert.setLong(1, i);
        insert.setString(2, "v" + i);
        insert.addBatch();
      }
      assertThat(insert.executeBatch()).hasSize(2_000).containsOnly(1);
    }
    assertThat(count("batch_t")).isEqualTo(2_000);
  }

  @Test
  void tenThousandRowsOfValuesInOneStatement() throws Exception {
    exec(connection, "CREATE TABLE values_t (id INT PRIMARY KEY, s VARCHAR(20), d DATE)");
    StringBuilder sql = new StringBuilder("INSERT INTO values_t VALUES ");
    for (int i = 0; i < 10_000; i++) {
      sql.append(i == 0 ? "" : ", ").append('(').append(i).append(", 'row ").append(i).append("', '2024-02-29')");
    }
    try (Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate(sql.toString())).isEqualTo(10_000);
    }
    assertThat(count("values_t")).isEqualTo(10_000);
  }

  /** What a run of the loader printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run load(String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classpath = NodeProcess.requiredProperty("meridian.e2e.shellJar") + File.pathSeparator
        + NodeProcess.requiredProperty("meridian.e2e.driverJar");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-cp", classpath,
        "dev.meridian.shell.LoadCommand", "--url", node.jdbcUrl()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "load", ".out");
    Path err = Files.createTempFile(work, "load", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the loader did not finish within 120 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  static Path csv(String name, String text) throws IOException {
    return Files.writeString(work.resolve(name), text, StandardCharsets.UTF_8);
  }

  @Test
  void loadReadsQuotedCsvByHeaderNamesTypedByTheTable() throws Exception {
    exec(connection, "CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(40), amount DECIMAL(8, 2), "
        + "placed DATE, paid BOOLEAN, note TEXT)");
    StringBuilder text = new StringBuilder("amount,ID,customer,placed,paid,note\r\n");
    text.append("12.50,1,\"Smith, Jane\",2024-02-29,true,\"said \"\"hi\"\"\"\r\n");
    text.append("3,2,\"two\nlines\",2024-03-01,f,\r\n");
    text.append(",3,\"\",2024-03-02,1,plain\r\n");
    for (int i = 4; i <= 2_500; i++) {
      text.append(i).append(".25,").append(i).append(",c").append(i).append(",2024-01-01,no,n\r\n");
    }
    Path file = csv("orders.csv", text.toString());
    Run run = load("--table", "orders", "--header", "--batch", "700", file.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("load: 2500 rows into ORDERS from " + file).contains("4 batches");
    assertThat(run.err()).contains("rows/s");
    assertThat(count("orders")).isEqualTo(2_500);
    assertThat(SqlEndToEndIT.query(connection,
        "SELECT id, customer, amount, placed, paid, note FROM orders WHERE id <= 3 ORDER BY id")).containsExactly(
        "1,Smith, Jane,12.50,2024-02-29,true,said \"hi\"",
        "2,two\nlines,3.00,2024-03-01,false,null",
        "3,,null,2024-03-02,true,plain");
  }

  @Test
  void aBadValueStopsTheLoadNamingItsLineAndColumn() throws Exception {
    exec(connection, "CREATE TABLE bad_value (id INT PRIMARY KEY, name VARCHAR(10), amount DECIMAL(8, 2))");
    Path file = csv("bad.csv", "1,a,1.5\n2,\"b\nb\",2\n3,c,x3\n");
    Run run = load("--table", "BAD_VALUE", file.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("load: line 4, column 3 (AMOUNT DECIMAL(8, 2)): 'x3' is not a DECIMAL(8, 2)");
    assertThat(run.out()).contains("load: stopped; 0 rows loaded").contains("load from line 1");
    assertThat(count("bad_value")).isZero();
  }

  @Test
  void aRowTheDatabaseRefusesIsNamedByItsLineAndEarlierBatchesStay() throws Exception {
    exec(connection, "CREATE TABLE dup (id INT PRIMARY KEY, s VARCHAR(10))");
    StringBuilder text = new StringBuilder("id,s\n");
    for (int i = 1; i <= 10; i++) {
      text.append(i == 8 ? 2 : i).append(",x\n");
    }
    Run run = load("--table", "dup", "--header", "--batch", "3", csv("dup.csv", text.toString()).toString());
    assertThat(run.exit()).isEqualTo(1);
    // Row 8 is on line 9 (after the header); batches of lines 2-4 and 5-7 committed.
    assertThat(run.err()).contains("load: line 9: statement 2 of the batch of 3 failed: duplicate key")
        .contains("SQLSTATE 23505");
    assertThat(run.out()).contains("6 rows loaded").contains("load from line 8");
    assertThat(count("dup")).isEqualTo(6);
  }

  @Test
  void aCsvErrorNamesItsLine() throws Exception {
    exec(connection, "CREATE TABLE broken (id INT PRIMARY KEY, s VARCHAR(10))");
    Run run = load("--table", "broken", csv("broken.csv", "1,ok\n2,\"unclosed\n3,x\n").toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("line 2, column 2: the quoted field opened here is not closed");
  }
}
