package dev.meridian.e2e;

import static dev.meridian.e2e.Jdbc.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A query returns every row, whatever the fetch size, for plain and prepared statements alike: the
 * fetch size only sizes the frames a result travels in, and {@code setMaxRows} alone limits rows.
 * A prepared query once stopped, silently, after its first frame (100 rows, or the fetch size),
 * because the server took the fetch size Avatica sends with an execution for a row limit.
 *
 * <p>One test per combination of statement kind, fetch size (unset, smaller than a frame, larger
 * than the node's largest frame) and max rows (unset, below the result's size, above it), through
 * the shaded driver against a real node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResultCompletenessIT {

  /** More than the largest frame the node sends (MeridianMeta.Limits.maxFrameRows: 10,000). */
  static final int ROWS = 12_345;

  @TempDir static Path work;
  static NodeProcess node;
  static Connection connection;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeProcess.start(work.resolve("node"));
    connection = Jdbc.connect(node);
    exec(connection, "CREATE TABLE numbers (n BIGINT PRIMARY KEY, label VARCHAR(20))");
    StringBuilder insert = new StringBuilder();
    for (int first = 0; first < ROWS; first += 500) {
      insert.setLength(0);
      insert.append("INSERT INTO numbers VALUES ");
      for (int n = first; n < Math.min(ROWS, first + 500); n++) {
        insert.append(n > first ? "," : "").append("(").append(n).append(", 'n").append(n).append("')");
      }
      exec(connection, insert.toString());
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (node != null) {
      node.stop();
    }
  }

  enum Kind { PLAIN, PREPARED }

  static Stream<Arguments> combinations() {
    List<Arguments> all = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (int fetchSize : new int[] {0, 7, 25_000}) {
        for (long maxRows : new long[] {0, 1_234, 20_000}) {
          all.add(Arguments.of(kind, fetchSize, maxRows));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} statement, fetch size {1}, max rows {2}")
  @MethodSource("combinations")
  void everyRowArrivesAndMaxRowsAloneLimits(Kind kind, int fetchSize, long maxRows) throws SQLException {
    String sql = "SELECT n, label FROM numbers WHERE n >= ? ORDER BY n";
    long expected = maxRows > 0 ? Math.min(maxRows, ROWS) : ROWS;
    List<Long> seen = new ArrayList<>();
    if (kind == Kind.PLAIN) {
      try (Statement statement = connection.createStatement()) {
        configure(statement, fetchSize, maxRows);
        try (ResultSet rs = statement.executeQuery(sql.replace("?", "0"))) {
          read(rs, seen);
        }
      }
    } else {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        configure(statement, fetchSize, maxRows);
        statement.setLong(1, 0);
        // Twice: a re-execution of the same prepared statement must be as complete as the first.
        for (int run = 0; run < 2; run++) {
          seen.clear();
          try (ResultSet rs = statement.executeQuery()) {
            read(rs, seen);
          }
          assertThat(seen).as("run %d", run).containsExactlyElementsOf(LongStream.range(0, expected).boxed().toList());
        }
        // execute() + getResultSet() is the same result.
        seen.clear();
        assertThat(statement.execute()).isTrue();
        try (ResultSet rs = statement.getResultSet()) {
          read(rs, seen);
        }
      }
    }
    assertThat(seen).containsExactlyElementsOf(LongStream.range(0, expected).boxed().toList());
  }

  private static void configure(Statement statement, int fetchSize, long maxRows) throws SQLException {
    if (fetchSize > 0) {
      statement.setFetchSize(fetchSize);
    }
    if (maxRows > 0) {
      statement.setLargeMaxRows(maxRows);
    }
  }

  private static void read(ResultSet rs, List<Long> seen) throws SQLException {
    while (rs.next()) {
      long n = rs.getLong(1);
      assertThat(rs.getString(2)).isEqualTo("n" + n);
      seen.add(n);
    }
    // A result that ended stays ended.
    assertThat(rs.next()).isFalse();
  }
}
